/**
 * The history timeline: stored state changes filtered by range, rule, instance, target state
 * and labels, newest first, paged by keyset (`at`, `id`) so a page never repeats or skips a row
 * while the engine keeps appending newer ones.
 * @module
 */
import type { AlertHistoryEntry, AlertInstanceState } from '@unity/shared';
import { and, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { alertHistory } from '../../db/schema.js';
import { objectKeyVisible } from '../object-scope.js';
import { toHistoryEntry } from '../store.js';

export type TimelineFilter = {
  from: number;
  to: number;
  ruleId?: string | undefined;
  fingerprint?: string | undefined;
  states?: AlertInstanceState[] | undefined;
  labels?: Record<string, string> | undefined;
  /** The caller's host scope for `alerts:read` (everything when absent). */
  visible?: 'all' | ReadonlySet<string> | undefined;
};

export type TimelinePage = { items: AlertHistoryEntry[]; nextCursor: string | null };

export function timelineWhere(f: TimelineFilter): SQL | undefined {
  const where: SQL[] = [gte(alertHistory.at, new Date(f.from)), lte(alertHistory.at, new Date(f.to))];
  if (f.ruleId) where.push(eq(alertHistory.ruleId, f.ruleId));
  if (f.fingerprint) where.push(eq(alertHistory.fingerprint, f.fingerprint));
  if (f.states && f.states.length > 0) where.push(inArray(alertHistory.toState, f.states));
  // jsonb containment: every given label must be present with that value.
  if (f.labels && Object.keys(f.labels).length > 0)
    where.push(sql`${alertHistory.labels} @> ${JSON.stringify(f.labels)}::jsonb`);
  const scoped = objectKeyVisible(alertHistory.objectKey, f.visible ?? 'all');
  if (scoped) where.push(scoped);
  return and(...where);
}

/** One page of the timeline; `cursor` is the previous page's `nextCursor`. */
export async function queryTimeline(
  db: Db,
  f: TimelineFilter & { limit: number; cursor?: { at: number; id: number } | undefined },
): Promise<TimelinePage> {
  const where: (SQL | undefined)[] = [timelineWhere(f)];
  if (f.cursor) {
    const at = new Date(f.cursor.at);
    where.push(or(lt(alertHistory.at, at), and(eq(alertHistory.at, at), lt(alertHistory.id, f.cursor.id))));
  }
  // One row more than asked tells whether another page follows.
  const rows = await db
    .select()
    .from(alertHistory)
    .where(and(...where))
    .orderBy(desc(alertHistory.at), desc(alertHistory.id))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit).map(toHistoryEntry);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > f.limit && last ? `${last.at}:${last.id}` : null };
}
