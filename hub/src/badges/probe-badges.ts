/**
 * What a probe's badges say: its state, uptime over a period, recent response time and days
 * until its certificate expires. Each answers `undefined` unless the probe is public, so the
 * routes answer the same for private and unknown probes.
 * @module
 */
import { assertNever, type Probe, type UptimePeriodName } from '@unity/shared';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { probes } from '../db/schema.js';
import { activeAgentCount, recentRuns, statusOf } from '../probes/probe-status.js';
import { toProbe } from '../probes/probe-store.js';
import { listResults, uptimeOf } from '../probes/result-store.js';
import type { Badge, BadgeColor } from './svg.js';

export async function publicProbe(db: Db, id: string): Promise<Probe | undefined> {
  const [row] = await db
    .select()
    .from(probes)
    .where(and(eq(probes.id, id), eq(probes.public, true)));
  return row ? toProbe(row) : undefined;
}

export async function probeStatusBadge(db: Db, probe: Probe, now: number): Promise<Badge> {
  const runs = await recentRuns(db, [probe], now, await activeAgentCount(db));
  const { state } = statusOf(probe, runs, now);
  const label = probe.name;
  switch (state) {
    case 'up':
      return { label, message: 'up', color: 'brightgreen' };
    case 'down':
      return { label, message: 'down', color: 'red' };
    case 'maintenance':
      return { label, message: 'maintenance', color: 'blue' };
    case 'paused':
      return { label, message: 'paused', color: 'lightgrey' };
    case 'pending':
      return { label, message: 'unknown', color: 'lightgrey' };
    default:
      return assertNever(state);
  }
}

/** Thresholds as on status pages: three nines is bright green, below 90 % red. */
export function uptimeColor(percent: number): BadgeColor {
  if (percent >= 99.9) return 'brightgreen';
  if (percent >= 99) return 'green';
  if (percent >= 97) return 'yellowgreen';
  if (percent >= 95) return 'yellow';
  if (percent >= 90) return 'orange';
  return 'red';
}

/** At most two decimals, none when whole: 100%, 99.5%, 99.95%. */
export const formatPercent = (percent: number) => `${Math.floor(percent * 100) / 100}%`;

export async function probeUptimeBadge(
  db: Db,
  probe: Probe,
  period: UptimePeriodName,
  now: number,
): Promise<Badge> {
  const { uptimePercent } = (await uptimeOf(db, probe.id, probe.maintenance, now)).periods[period];
  const label = `uptime ${period}`;
  if (uptimePercent === null) return { label, message: 'no data', color: 'lightgrey' };
  return { label, message: formatPercent(uptimePercent), color: uptimeColor(uptimePercent) };
}

/** How many of the latest runs the response badge averages. */
const RECENT_RUNS = 100;
const DAY = 86_400_000;

export function responseColor(ms: number): BadgeColor {
  if (ms < 200) return 'brightgreen';
  if (ms < 500) return 'green';
  if (ms < 1000) return 'yellow';
  if (ms < 2000) return 'orange';
  return 'red';
}

/** The mean latency of the passed runs among the latest ones of the last day, maintenance left out. */
export async function probeResponseBadge(db: Db, probe: Probe, now: number): Promise<Badge> {
  const results = await listResults(db, probe.id, probe.maintenance, {
    from: now - DAY,
    to: now,
    limit: RECENT_RUNS,
  });
  const latencies = results
    .filter((r) => r.ok && !r.maintenance && r.latencyMs !== null)
    .map((r) => r.latencyMs as number);
  const label = 'response';
  if (latencies.length === 0) return { label, message: 'no data', color: 'lightgrey' };
  const mean = Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length);
  return { label, message: `${mean} ms`, color: responseColor(mean) };
}

export async function probeCertBadge(db: Db, probe: Probe, now: number): Promise<Badge> {
  const { certificateDaysLeft } = await uptimeOf(db, probe.id, probe.maintenance, now);
  const label = 'certificate';
  if (certificateDaysLeft === null) return { label, message: 'no certificate', color: 'lightgrey' };
  const days = Math.floor(certificateDaysLeft);
  if (certificateDaysLeft < 0) return { label, message: 'expired', color: 'red' };
  const message = days === 1 ? '1 day' : `${days} days`;
  // Let's Encrypt renews 30 days ahead: fewer left means renewal is failing.
  const color: BadgeColor = days < 7 ? 'red' : days < 14 ? 'orange' : days < 30 ? 'yellow' : 'brightgreen';
  return { label, message, color };
}
