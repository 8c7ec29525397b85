/**
 * Log pattern conditions: shipped log lines (log_lines) of the selected containers matched
 * against the rule's pattern in the database, where the lines are, so no line leaves it. The
 * pattern is a PostgreSQL (POSIX ARE) regular expression: it is compiled at save by the same
 * engine (`checkLogPattern`), and every query runs under a time budget (statement_timeout) so a
 * pattern that is slow on real data makes the rule answer an error instead of stalling the
 * evaluation.
 * @module
 */
import type { LogPatternCondition } from '@unity/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/client.js';

/** The longest one log-pattern query may run, evaluation or backtest. */
export const LOG_QUERY_BUDGET_MS = 2_000;
/** The most matching lines one backtest reads. */
export const BACKTEST_MAX_MATCHES = 200_000;

const op = (c: Pick<LogPatternCondition, 'ignoreCase'>) => (c.ignoreCase ? sql.raw('~*') : sql.raw('~'));
const idList = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

/**
 * Runs `query` under the time budget. statement_timeout is set for the transaction only
 * (SET LOCAL); PostgreSQL enforces it, PGlite (single-threaded) accepts it and relies on the
 * pattern limits (length, no back-references).
 */
async function budgeted<T>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local statement_timeout = ${LOG_QUERY_BUDGET_MS}`));
    return rowsOf<T>(await tx.execute(query));
  });
}

export type LogMatchCount = { id: string; n: number; lastLine: string | null };

/** Matching lines per container in (from, to]; containers without a match are absent. */
export async function countLogMatches(
  db: Db,
  c: LogPatternCondition,
  ids: readonly string[],
  from: number,
  to: number,
): Promise<Map<string, LogMatchCount>> {
  if (ids.length === 0) return new Map();
  const rows = await budgeted<{ id: string; n: number | string; last_line: string | null }>(
    db,
    sql`select container_id as id, count(*)::int as n,
          (array_agg(line order by time desc, id desc))[1] as last_line
        from log_lines
        where container_id in (${idList(ids)})
          and time > ${new Date(from).toISOString()}::timestamptz and time <= ${new Date(to).toISOString()}::timestamptz
          and line ${op(c)} ${c.pattern}
        group by container_id`,
  );
  return new Map(
    rows.map((r) => [String(r.id), { id: String(r.id), n: Number(r.n), lastLine: r.last_line }]),
  );
}

/** Times of matching lines in (from, to], for the backtest's replay. */
export async function logMatchTimes(
  db: Db,
  c: LogPatternCondition,
  ids: readonly string[],
  from: number,
  to: number,
): Promise<{ id: string; t: number }[]> {
  if (ids.length === 0) return [];
  const rows = await budgeted<{ id: string; t: string | Date }>(
    db,
    sql`select container_id as id, time as t from log_lines
        where container_id in (${idList(ids)})
          and time > ${new Date(from).toISOString()}::timestamptz and time <= ${new Date(to).toISOString()}::timestamptz
          and line ${op(c)} ${c.pattern}
        order by time limit ${BACKTEST_MAX_MATCHES}`,
  );
  return rows.map((r) => ({ id: String(r.id), t: new Date(r.t).getTime() }));
}

/**
 * Compiles `pattern` with PostgreSQL's regex engine; the engine's message when it is not a
 * valid expression (e.g. "invalid regular expression: parentheses () not balanced").
 */
export async function checkLogPattern(db: Db, pattern: string): Promise<string | undefined> {
  try {
    await budgeted(db, sql`select ''::text ~ ${pattern} as ok`);
    return undefined;
  } catch (error) {
    const e = error as { message?: string; cause?: { message?: string } };
    const message = e.cause?.message ?? e.message ?? String(error);
    // drizzle wraps driver errors as "Failed query: …"; the driver's own message is the useful part.
    return /invalid regular expression[^\n]*/i.exec(message)?.[0] ?? 'is not a valid regular expression';
  }
}
