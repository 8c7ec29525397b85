/**
 * The agent's logger: pino JSON lines on stdout (journald and `docker logs` read them), one
 * child per module. Secrets never reach it: the token and keys are never passed as fields, and
 * the redaction below is a second line of defence.
 * @module
 */
import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'unity-agent' },
    redact: {
      paths: ['token', 'privateKey', 'authorization', '*.token', '*.privateKey', '*.authorization', '*.d'],
      censor: '[redacted]',
    },
  });
}
