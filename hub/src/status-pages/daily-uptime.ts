/**
 * Per-day uptime of several probes over the last 90 UTC days, from grouped queries over the
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

type ProbeWindows = { id: string; maintenance: MaintenanceWindow[] };

/** The probes' day counts between `from` (inclusive) and `to` (exclusive), one query for all. */
export async function countsBetween(
  db: Db,
  probes: ProbeWindows[],
  from: number,
  to: number,
): Promise<Map<string, DayCount[]>> {
  const result = new Map<string, DayCount[]>(probes.map((p) => [p.id, []]));
  if (probes.length === 0 || to <= from) return result;
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
        and r.time >= ${new Date(from).toISOString()}::timestamptz
        and r.time < ${new Date(to).toISOString()}::timestamptz
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

/** How long the counts of past days are reused: results arriving late show up within this. */
export const HISTORY_TTL_MS = 10 * 60_000;

/**
 * The counts of the days before today, per probe and maintenance windows: they barely change,
 * so a render queries only today's runs (a day of rows, not 90) while this holds the rest.
 */
export class DayHistory {
  private readonly entries = new Map<string, { today: number; until: number; counts: DayCount[] }>();

  /** The probes' counts over the `days` days ending today: past days cached, today always fresh. */
  async counts(db: Db, probes: ProbeWindows[], now: number, days = DAYS): Promise<Map<string, DayCount[]>> {
    const today = Math.floor(now / DAY) * DAY;
    const keyOf = (p: ProbeWindows) => `${p.id} ${JSON.stringify(p.maintenance)} ${days}`;
    const missing = probes.filter((p) => {
      const hit = this.entries.get(keyOf(p));
      return !(hit && hit.today === today && hit.until > now);
    });
    const [past, current] = await Promise.all([
      countsBetween(db, missing, windowStart(now, days), today),
      countsBetween(db, probes, today, now + 1),
    ]);
    if (this.entries.size > 10_000) this.entries.clear();
    for (const p of missing)
      this.entries.set(keyOf(p), { today, until: now + HISTORY_TTL_MS, counts: past.get(p.id) ?? [] });
    return new Map(
      probes.map((p) => [
        p.id,
        [...(this.entries.get(keyOf(p))?.counts ?? []), ...(current.get(p.id) ?? [])],
      ]),
    );
  }
}
