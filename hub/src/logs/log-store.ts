/**
 * Shipped log lines in the database: stored with the batch that carried them (so a replayed
 * batch stores nothing twice), read back per container like the engine's tail, searched across
 * hosts through the full-text index, and deleted by time for retention.
 * @module
 */
import type { LogLevel, LogLine, LogLinesItem, LogSearchHit, LogStream } from '@unity/shared';
import { and, desc, eq, gte, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import { containerKey } from '../containers/container-id.js';
import type { Db } from '../db/client.js';
import { containers, logLines } from '../db/schema.js';

/** Rows per INSERT: 7 parameters each, well under PostgreSQL's 65535. */
const INSERT_ROWS = 2000;

/** Stores one `log_lines` item of `hostId`'s batch `seq` (inside the batch's transaction). */
export async function storeLogLines(tx: Db, hostId: string, seq: number, item: LogLinesItem): Promise<void> {
  const containerId = containerKey(hostId, item.engineId, item.containerId);
  const rows = item.lines.map((l) => ({
    hostId,
    containerId,
    time: new Date(timeMsOf(l.time)),
    stream: l.stream,
    level: l.level,
    line: l.line,
    seq,
  }));
  for (let i = 0; i < rows.length; i += INSERT_ROWS)
    await tx.insert(logLines).values(rows.slice(i, i + INSERT_ROWS));
}

/** Epoch ms of a wire time (RFC 3339); the database keeps microseconds, see `timeText`. */
const timeMsOf = (time: string): number => Date.parse(time);

/** The stored time as the wire form: UTC, nine fractional digits (the last three are zero). */
const timeText = sql<string>`to_char(${logLines.time} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '000Z'`;

/** A bound of the API (RFC 3339 or epoch ms) as a Date. */
export const boundDate = (bound: string | number): Date =>
  new Date(typeof bound === 'number' ? bound : Date.parse(bound));

/** Words through the index, then the exact text (case-insensitive) among those rows. */
function textMatch(q: string): SQL {
  const tsquery = sql`plainto_tsquery('simple', ${q})`;
  const words = sql`(numnode(${tsquery}) = 0 or to_tsvector('simple', ${logLines.line}) @@ ${tsquery})`;
  const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`(${words} and ${logLines.line} ilike ${`%${escaped}%`})`;
}

export type StoredQuery = {
  tail: number;
  since?: string | number | undefined;
  until?: string | number | undefined;
  levels?: LogLevel[] | undefined;
  q?: string | undefined;
  stream?: LogStream | undefined;
};

function filters(query: Omit<StoredQuery, 'tail'>): SQL[] {
  const where: SQL[] = [];
  if (query.since !== undefined) where.push(gte(logLines.time, boundDate(query.since)));
  if (query.until !== undefined) where.push(lte(logLines.time, boundDate(query.until)));
  if (query.levels && query.levels.length > 0) where.push(inArray(logLines.level, query.levels));
  if (query.stream) where.push(eq(logLines.stream, query.stream));
  if (query.q) where.push(textMatch(query.q));
  return where;
}

type LineRow = { time: string; stream: string; line: string; level: string | null };
const toLine = (r: LineRow): LogLine => ({
  time: r.time,
  stream: r.stream as LogStream,
  line: r.line,
  level: r.level as LogLevel | null,
});

/** The last `tail` stored lines of one container matching the query, oldest first. */
export async function storedTail(db: Db, containerId: string, query: StoredQuery): Promise<LogLine[]> {
  if (query.tail === 0) return [];
  const rows = await db
    .select({ time: timeText, stream: logLines.stream, line: logLines.line, level: logLines.level })
    .from(logLines)
    .where(and(eq(logLines.containerId, containerId), ...filters(query)))
    .orderBy(desc(logLines.time), desc(logLines.id))
    .limit(query.tail);
  return rows.reverse().map(toLine);
}

export type SearchQuery = Omit<StoredQuery, 'tail'> & {
  hostId?: string | undefined;
  containerId?: string | undefined;
  /** The caller's scope: lines of these hosts only (applied before the limit). */
  visibleHostIds?: 'all' | ReadonlySet<string>;
  limit: number;
};

/** Stored lines across hosts and containers, newest first. */
export async function searchLines(db: Db, query: SearchQuery): Promise<LogSearchHit[]> {
  const where = filters(query);
  if (query.hostId) where.push(eq(logLines.hostId, query.hostId));
  if (query.containerId) where.push(eq(logLines.containerId, query.containerId));
  const scope = query.visibleHostIds ?? 'all';
  if (scope !== 'all') {
    if (scope.size === 0) return [];
    where.push(inArray(logLines.hostId, [...scope]));
  }
  const rows = await db
    .select({
      time: timeText,
      stream: logLines.stream,
      line: logLines.line,
      level: logLines.level,
      hostId: logLines.hostId,
      containerId: logLines.containerId,
      containerName: containers.name,
    })
    .from(logLines)
    .leftJoin(containers, eq(containers.id, logLines.containerId))
    .where(and(...where))
    .orderBy(desc(logLines.time), desc(logLines.id))
    .limit(query.limit);
  return rows.map((r) => ({
    ...toLine(r),
    hostId: r.hostId,
    containerId: r.containerId,
    containerName: r.containerName,
  }));
}

/** Retention: deletes lines older than `before` (by the time index). */
export async function deleteLinesBefore(db: Db, before: Date): Promise<void> {
  await db.delete(logLines).where(lt(logLines.time, before));
}
