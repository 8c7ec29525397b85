/**
 * Per-day uptime of several probes over the last 90 UTC days, in one grouped query over the
 * probe result store (its (probe, time) key bounds the scan to the chosen probes and days).
 * As for `uptimeOf`: every location's runs count, runs inside the probe's maintenance windows
 * do not count at all. The bucketing into a fixed row of days is pure, and tested as such.
 * @module
 */
import type { DayUptime, MaintenanceWindow } from '@unity/shared';
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client.js';

export const DAYS = 90;
const DAY = 86_400_000;

/** Midnight UTC starting the oldest of the `days` days that end with today (the day of `now`). */
export function windowStart(now: number, days = DAYS): number {
  return Math.floor(now / DAY) * DAY - (days - 1) * DAY;
}

/** One day's counts as the query returns them: the day's UTC midnight (epoch ms). */
export type DayCount = { day: number; checks: number; failures: number };

/** Uptime to 4 decimals, like `uptimeOf`. */
const percent = (checks: number, failures: number) =>
  checks === 0 ? null : Math.round(((checks - failures) / checks) * 1e6) / 1e4;

/**
 * Pure: `days` days ending with the day of `now`, oldest first, each with its uptime (null
 * without a counted run). Counts of days outside the row (clock skew) are ignored.
 */
export function bucketDays(counts: DayCount[], now: number, days = DAYS): DayUptime[] {
  const start = windowStart(now, days);
  const row = Array.from({ length: days }, (_, i) => ({ checks: 0, failures: 0, day: start + i * DAY }));
  for (const c of counts) {
    const index = Math.floor((c.day - start) / DAY);
    const slot = row[index];
    if (!slot) continue;
    slot.checks += c.checks;
    slot.failures += c.failures;
  }
  return row.map((d) => ({
    date: new Date(d.day).toISOString().slice(0, 10),
    uptimePercent: percent(d.checks, d.failures),
    checks: d.checks,
  }));
}

/** Pure: the uptime over the whole row. */
export function overallUptime(counts: DayCount[]): number | null {
  const checks = counts.reduce((n, c) => n + c.checks, 0);
  const failures = counts.reduce((n, c) => n + c.failures, 0);
  return percent(checks, failures);
}

/** The probes' day counts (probe id → counts), one query for all of them. */
export async function dailyCounts(
  db: Db,
  probes: { id: string; maintenance: MaintenanceWindow[] }[],
  now: number,
  days = DAYS,
): Promise<Map<string, DayCount[]>> {
  const result = new Map<string, DayCount[]>(probes.map((p) => [p.id, []]));
  if (probes.length === 0) return result;
  const from = new Date(windowStart(now, days)).toISOString();
  const ids = JSON.stringify(probes.map((p) => ({ id: p.id })));
  const windows = JSON.stringify(
    probes.flatMap((p) => p.maintenance.map((w) => ({ p: p.id, s: w.start, e: w.end }))),
  );
  const rows = rowsOf<{ probe_id: string; day: number | string; n: number | string; f: number | string }>(
    await db.execute(sql`
      select r.probe_id::text as probe_id, floor(extract(epoch from r.time) / 86400)::int as day,
        count(*) as n, count(*) filter (where not r.ok) as f
      from probe_results r
      where r.probe_id in (select v.id from json_to_recordset(${ids}::json) as v(id uuid))
        and r.time >= ${from}::timestamptz and r.time <= ${new Date(now).toISOString()}::timestamptz
        and not exists (
          select 1 from json_to_recordset(${windows}::json) as w(p uuid, s timestamptz, e timestamptz)
          where w.p = r.probe_id and r.time >= w.s and r.time < w.e)
      group by 1, 2`),
  );
  // `day` counts UTC days since the epoch (epoch time has no leap seconds, so days are 86 400 s).
  for (const r of rows)
    result.get(r.probe_id)?.push({ day: Number(r.day) * DAY, checks: Number(r.n), failures: Number(r.f) });
  return result;
}
