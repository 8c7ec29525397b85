/**
 * Deletes probe results older than the longest uptime period (90 days) plus a margin, hourly.
 * @module
 */
import { sql } from 'drizzle-orm';
import type { HubDeps } from '../types.js';

export const PROBE_RESULT_RETENTION_DAYS = 95;

export async function pruneProbeResults(deps: Pick<HubDeps, 'db'>, now = Date.now()): Promise<void> {
  const cutoff = new Date(now - PROBE_RESULT_RETENTION_DAYS * 86_400_000).toISOString();
  await deps.db.execute(sql`delete from probe_results where time < ${cutoff}::timestamptz`);
}

/** Returns the stop function. */
export function startProbeRetention(deps: Pick<HubDeps, 'db' | 'log'>, everyMs = 3_600_000): () => void {
  const timer = setInterval(() => {
    pruneProbeResults(deps).catch((error: unknown) =>
      deps.log.warn({ module: 'probes', err: error }, 'could not prune probe results'),
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
