#!/usr/bin/env node
// Runs the hub from its TypeScript sources through tsx (no build step for the hub).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
