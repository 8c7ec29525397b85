/**
 * History analytics over firing episodes. An episode starts with a stored change from inactive
 * or pending to an active state and ends at the instance's next change to resolved; its
 * acknowledgement is the first entry of the ack log for that instance between the two. MTTA
 * and MTTR cover episodes that started in the range (acknowledged or resolved at any time
 * since); the noisiest rules and the heatmap count episode starts.
 * @module
 */
import type { AlertHeatmap, AlertNoisiest, AlertStats } from '@unity/shared';
import { and, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { alertHistory } from '../../db/schema.js';
import { objectKeyVisible } from '../object-scope.js';
import { durationStats } from './percentiles.js';

export type AnalyticsRange = {
  from: number;
  to: number;
  ruleId?: string | undefined;
  /** The caller's host scope for `alerts:read` (everything when absent). */
  visible?: 'all' | ReadonlySet<string> | undefined;
};

const ACTIVE = ['firing', 'nodata', 'error'];

/** Episode starts in the range: the same test as store.startsEpisode. */
function startsIn(r: AnalyticsRange): SQL | undefined {
  const where: SQL[] = [
    gte(alertHistory.at, new Date(r.from)),
    lte(alertHistory.at, new Date(r.to)),
    inArray(alertHistory.fromState, ['inactive', 'pending']),
    inArray(alertHistory.toState, ACTIVE),
  ];
  if (r.ruleId) where.push(eq(alertHistory.ruleId, r.ruleId));
  const scoped = objectKeyVisible(alertHistory.objectKey, r.visible ?? 'all');
  if (scoped) where.push(scoped);
  return and(...where);
}

const epoch = (expr: SQL) => sql<number | null>`(extract(epoch from ${expr}) * 1000)::float8`.mapWith(Number);

export type Episode = {
  fingerprint: string;
  startedAt: number;
  ackedAt: number | null;
  resolvedAt: number | null;
};

export async function listEpisodes(db: Db, r: AnalyticsRange): Promise<Episode[]> {
  // Both look-ups go through (fingerprint, …) indexes: alert_history_fingerprint_at_idx and
  // alert_ack_log_fingerprint_idx.
  const rows = await db
    .select({
      fingerprint: alertHistory.fingerprint,
      startedAt: epoch(sql`${alertHistory.at}`),
      resolvedAt: epoch(
        sql`(select min(r.at) from alert_history r where r.fingerprint = ${alertHistory.fingerprint} and r.to_state = 'resolved' and r.at > ${alertHistory.at})`,
      ),
      ackedAt: epoch(
        sql`(select min(a.acknowledged_at) from alert_ack_log a where a.fingerprint = ${alertHistory.fingerprint} and a.acknowledged_at >= ${alertHistory.at})`,
      ),
    })
    .from(alertHistory)
    .where(startsIn(r));
  return rows.map((e) => ({
    fingerprint: e.fingerprint,
    startedAt: e.startedAt as number,
    resolvedAt: e.resolvedAt,
    // The first ack after the start belongs to this episode only if it came before the resolve.
    ackedAt: e.ackedAt !== null && (e.resolvedAt === null || e.ackedAt <= e.resolvedAt) ? e.ackedAt : null,
  }));
}

export async function alertStats(db: Db, r: AnalyticsRange): Promise<AlertStats> {
  const episodes = await listEpisodes(db, r);
  const acked: number[] = [];
  const resolved: number[] = [];
  for (const e of episodes) {
    if (e.ackedAt !== null) acked.push(e.ackedAt - e.startedAt);
    if (e.resolvedAt !== null) resolved.push(e.resolvedAt - e.startedAt);
  }
  return {
    from: r.from,
    to: r.to,
    episodes: episodes.length,
    open: episodes.length - resolved.length,
    mtta: durationStats(acked),
    mttr: durationStats(resolved),
  };
}

/** The rules with the most episode starts in the range, most first (ties by name). */
export async function noisiestRules(db: Db, r: AnalyticsRange & { limit: number }): Promise<AlertNoisiest> {
  const firings = sql<number>`count(*)::int`.mapWith(Number);
  const rows = await db
    .select({
      ruleId: alertHistory.ruleId,
      // A renamed rule shows its latest name.
      ruleName: sql<string>`(array_agg(${alertHistory.ruleName} order by ${alertHistory.at} desc))[1]`,
      firings,
      instances: sql<number>`count(distinct ${alertHistory.fingerprint})::int`.mapWith(Number),
    })
    .from(alertHistory)
    .where(startsIn(r))
    .groupBy(alertHistory.ruleId)
    .orderBy(desc(firings), sql`2`, alertHistory.ruleId)
    .limit(r.limit);
  return { from: r.from, to: r.to, items: rows };
}

/** Episode starts by weekday (Monday first) and hour of the day, as clocks in `tz` show them. */
export async function firingHeatmap(db: Db, r: AnalyticsRange & { tz: string }): Promise<AlertHeatmap> {
  const local = sql`timezone(${r.tz}, ${alertHistory.at})`;
  const weekday = sql<number>`(extract(isodow from ${local}) - 1)::int`.mapWith(Number);
  const hour = sql<number>`extract(hour from ${local})::int`.mapWith(Number);
  const rows = await db
    .select({ weekday, hour, n: sql<number>`count(*)::int`.mapWith(Number) })
    .from(alertHistory)
    .where(startsIn(r))
    .groupBy(sql`1`, sql`2`);
  const cells = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  let max = 0;
  let total = 0;
  for (const row of rows) {
    const line = cells[row.weekday];
    if (!line || row.hour < 0 || row.hour > 23) continue;
    line[row.hour] = row.n;
    max = Math.max(max, row.n);
    total += row.n;
  }
  return { from: r.from, to: r.to, tz: r.tz, cells, max, total };
}
