/**
 * The metrics store's periodic work: create raw partitions ahead of time, fold rollups, apply
 * retention. Every replica creates partitions (idempotent, serialised by a lock); rollups and
 * retention run on one replica at a time (see rollup.ts). The clock is injected so tests run it
 * in simulated time.
 * @module
 */
import type { Retention } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { deleteLinesBefore } from '../logs/log-store.js';
import { ensurePartitions } from './partitions.js';
import { runRollupsAndRetention } from './rollup.js';

export type MaintenanceOptions = {
  db: Db;
  log: Logger;
  retention: Retention;
  /** Shipped log lines older than this are deleted; undefined keeps them. */
  logRetentionMs?: number;
  clock?: () => number;
  intervalMs?: number;
};

export type Maintenance = { runOnce(): Promise<void>; stop(): Promise<void> };

/** Runs once now (so today's partitions exist before agents write), then every `intervalMs`. */
export async function startMaintenance(options: MaintenanceOptions): Promise<Maintenance> {
  const { db, log, retention } = options;
  const clock = options.clock ?? Date.now;
  let running: Promise<void> | undefined;
  const runOnce = () => {
    running ??= (async () => {
      const now = clock();
      const created = await ensurePartitions(db, { now, keepFrom: now - retention.raw });
      if (created.length > 0) log.info({ created }, 'raw sample partitions created');
      // A failed rollup is retried on the next run; it must not stop the hub from starting.
      await runRollupsAndRetention({ db, log, retention, now }).catch((error: unknown) =>
        log.warn({ err: error }, 'rollups or retention failed'),
      );
      if (options.logRetentionMs !== undefined)
        await deleteLinesBefore(db, new Date(now - options.logRetentionMs)).catch((error: unknown) =>
          log.warn({ err: error }, 'log retention failed'),
        );
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  await runOnce();
  const timer = setInterval(() => {
    runOnce().catch((error: unknown) => log.warn({ err: error }, 'metrics maintenance failed'));
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
