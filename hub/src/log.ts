/**
 * The hub's logger: pino JSON lines on stdout, pretty-printed only when a terminal is attached.
 * Modules take a child (`logger.child({ module: 'ingest' })`). Secrets never go in log fields;
 * the redaction list below is a second line of defence, not the first.
 * @module
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

const redact = {
  paths: [
    'password',
    'token',
    'cookie',
    'authorization',
    '*.password',
    '*.token',
    '*.cookie',
    '*.authorization',
    'req.headers.authorization',
    'req.headers.cookie',
  ],
  censor: '[redacted]',
};

/** Makes the root logger; `pretty` defaults to whether stdout is a TTY. */
export function createLogger(level: string, pretty = Boolean(process.stdout.isTTY)): Logger {
  if (pretty) {
    return pino({
      level,
      redact,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino({ level, redact, base: { service: 'unity-hub' } });
}

/** A logger that drops everything, for tests. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
