/**
 * Lateness: every few seconds the hub looks at each enabled push probe and, for each expected
 * ping that did not come by its time plus the grace, records a failed "late" result (at that
 * deadline), so status, uptime and the probe-down alerts see the probe down. A probe that never
 * pinged is left pending, as in Healthchecks.io: there is nothing to be late against yet.
 * @module
 */
import { nextExpected, type Probe, type PushProbe } from '@unity/shared';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../log.js';
import { listProbes } from '../probe-store.js';
import { isInMaintenance } from '../result-store.js';
import { lastPushResults, storePushResult } from './push-results.js';

/** After a long outage of the hub, only the newest missed periods are recorded, not thousands. */
const MAX_LATE_PER_CHECK = 10;

const isPush = (p: Probe): p is Extract<Probe, { kind: 'push' }> => p.kind === 'push';

/** The deadlines (expected time, deadline) missed since the last result, oldest first, at most `max`. */
export function missedDeadlines(
  probe: PushProbe,
  last: { time: number; expectedAt: number | null },
  now: number,
  max = MAX_LATE_PER_CHECK,
): { expectedAt: number; deadline: number }[] {
  const missed: { expectedAt: number; deadline: number }[] = [];
  // After a late result the clock runs from the expected time it was late for, not from its deadline.
  let from = last.expectedAt ?? last.time;
  if (probe.periodSeconds !== undefined) {
    // A fixed period needs no walking: skip straight to the newest `max` missed periods.
    const period = probe.periodSeconds * 1000;
    const missedCount = Math.floor((now - probe.graceSeconds * 1000 - from) / period);
    if (missedCount > max) from += (missedCount - max) * period;
  }
  for (let guard = 0; guard < 1_000_000; guard++) {
    const expectedAt = nextExpected(probe, from);
    if (expectedAt === null) break;
    const deadline = expectedAt + probe.graceSeconds * 1000;
    if (deadline > now) break;
    missed.push({ expectedAt, deadline });
    if (missed.length > max) missed.shift();
    from = expectedAt;
  }
  return missed;
}

/** One pass over every push probe; returns how many late results it recorded. */
export async function checkLatePushProbes(db: Db, now: number): Promise<number> {
  const probes = (await listProbes(db))
    .filter(isPush)
    .filter((p) => p.enabled && !isInMaintenance(p.maintenance, now));
  const last = await lastPushResults(
    db,
    probes.map((p) => p.id),
  );
  let recorded = 0;
  for (const probe of probes) {
    const newest = last.get(probe.id);
    if (!newest) continue;
    for (const { expectedAt, deadline } of missedDeadlines(probe, newest, now)) {
      const stored = await storePushResult(db, {
        probeId: probe.id,
        time: deadline,
        ok: false,
        latencyMs: null,
        exitCode: null,
        error: `late: no ping by ${new Date(expectedAt).toISOString()} (plus ${probe.graceSeconds} s grace)`,
        details: { ping: 'late', expectedAt: new Date(expectedAt).toISOString() },
      });
      if (stored) recorded++;
    }
  }
  return recorded;
}

/** Runs the check every `everyMs` on the given clock; returns the stop function. */
export function startLateCheck(
  deps: { db: Db; log: Logger },
  options: { now?: () => number; everyMs?: number; onRecorded?: () => void } = {},
): () => void {
  const now = options.now ?? Date.now;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    checkLatePushProbes(deps.db, now())
      .then((n) => {
        if (n > 0) options.onRecorded?.();
      })
      .catch((error: unknown) => deps.log.warn({ module: 'push', err: error }, 'late check failed'))
      .finally(() => {
        running = false;
      });
  }, options.everyMs ?? 10_000);
  timer.unref();
  return () => clearInterval(timer);
}
