/**
 * Entry point: the design tokens (the only global CSS, emitted by Vite as a file) and the shell.
 * @module
 */
import './styles/tokens.css';
import './components/unity-app.js';
