/**
 * `node:http` for the agent, loaded with `require`. Importing it as an ES module builds its
 * namespace from every export, and that reads the lazy `WebSocket`, `CloseEvent` and
 * `MessageEvent` getters, which load Node's bundled undici: about 4 MiB of the agent's RSS (11
 * in a bare process) for a client it never uses. `require` leaves the getters alone.
 * @module
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const http: typeof import('node:http') = require('node:http');
