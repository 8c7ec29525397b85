/**
 * What a ping means (Healthchecks.io semantics): `/start` opens a run, a success or failure
 * closes it (its duration is the result's latency), an exit code 0 is a success and 1–255 a
 * failure. The body, cut to 10 KB, is kept as the ping's message.
 * @module
 */
import type { Db } from '../../db/client.js';
import { storePushResult } from './push-results.js';
import { markStarted, takeStarted } from './push-token.js';

export type Ping =
  | { kind: 'success' }
  | { kind: 'start' }
  | { kind: 'fail' }
  | { kind: 'exit'; code: number };

/** A `/start` older than this is a run that never reported, not the start of the current one. */
const MAX_RUN_MS = 86_400_000;

export async function recordPing(
  db: Db,
  probeId: string,
  ping: Ping,
  message: string,
  now: number,
): Promise<void> {
  if (ping.kind === 'start') {
    await markStarted(db, probeId, now);
    return;
  }
  const started = await takeStarted(db, probeId);
  const latencyMs = started !== null && now >= started && now - started <= MAX_RUN_MS ? now - started : null;
  const ok = ping.kind === 'success' || (ping.kind === 'exit' && ping.code === 0);
  const exitCode = ping.kind === 'exit' ? ping.code : null;
  await storePushResult(db, {
    probeId,
    time: now,
    ok,
    latencyMs,
    exitCode,
    error: ok
      ? null
      : exitCode === null
        ? 'the job reported a failure'
        : `the job exited with code ${exitCode}`,
    details: { ping: ping.kind, ...(message ? { message } : {}) },
  });
}
