/**
 * The hub's entry point: `node --import tsx hub/src/main.ts` (or `unity-hub`). Reads the
 * configuration, starts the hub and shuts it down cleanly on SIGTERM/SIGINT — PGlite in
 * particular must be closed, or its data directory may need recovery at the next start.
 * @module
 */
import { loadConfig } from './config.js';
import { startHub } from './hub.js';
import { createLogger } from './log.js';

const config = loadConfig();
const log = createLogger(config.logLevel);

try {
  const hub = await startHub({ config, log });
  log.info({ url: hub.url, publicUrl: config.publicUrl }, 'hub listening');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    hub.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  log.fatal({ err: error }, 'hub failed to start');
  process.exit(1);
}
