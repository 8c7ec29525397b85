/**
 * The rollup job: folds completed buckets into 1 min rollups from raw samples, 5 min from 1 min
 * and 1 h from 5 min, with min/avg/max/last and the sample count per field. Each level keeps a
 * watermark (`rollup_watermarks`): buckets before it are folded. A run re-folds the last bucket
 * or so before the watermark, because an agent's batch can arrive a little late; folding is an
 * upsert on (object, bucket), so doing a bucket twice gives the same row. A sample arriving later
 * than that stays in raw but is missing from the rollups.
 *
 * Rollups and retention run on one hub replica at a time: each step runs in a transaction that
 * first takes `pg_try_advisory_xact_lock` and does nothing when another replica holds it. The
 * transaction-scoped variant is used because the postgres.js pool may hand a session-level lock
 * and its unlock to different connections.
 * @module
 */
import { sql } from 'drizzle-orm';
import type { Retention } from '../config.js';
import { type Db, rowsOf } from '../db/client.js';
import { CONTAINER_ROLLUP_FIELDS, HOST_ROLLUP_FIELDS, SERIES_ROLLUP_FIELDS } from '../db/schema.js';
import type { Logger } from '../log.js';
import { dropPartitionsBefore } from './partitions.js';

export const ROLLUPS = ['1m', '5m', '1h'] as const;
export type Rollup = (typeof ROLLUPS)[number];
export const STEP_MS: Record<Rollup, number> = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000 };
const SOURCE: Record<Rollup, 'raw' | Rollup> = { '1m': 'raw', '5m': '1m', '1h': '5m' };
/** How far back before the watermark a run folds again, for samples that arrived late. */
const RELOOK_MS: Record<Rollup, number> = { '1m': 120_000, '5m': 300_000, '1h': 3_600_000 };
/** The most one run folds per level, so catching up after downtime is done in bounded steps. */
const MAX_SPAN_MS: Record<Rollup, number> = {
  '1m': 6 * 3_600_000,
  '5m': 2 * 86_400_000,
  '1h': 14 * 86_400_000,
};
/** A raw bucket is folded once this long has passed after its end (delivery delay). */
export const SETTLE_MS = 30_000;
/** "unityroll" folded into an int8. */
const ROLLUP_LOCK_KEY = 0x756e6974726f;

export const KINDS = {
  host: { raw: 'host_samples', key: 'host_id', fields: HOST_ROLLUP_FIELDS },
  container: { raw: 'container_samples', key: 'container_id', fields: CONTAINER_ROLLUP_FIELDS },
  series: { raw: 'series_samples', key: 'series_id', fields: SERIES_ROLLUP_FIELDS },
} as const;
export type Kind = keyof typeof KINDS;

export const rollupTable = (kind: Kind, r: Rollup) => `${kind}_rollup_${r}`;
const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const ts = (ms: number) => `'${new Date(ms).toISOString()}'::timestamptz`;

/** The upsert that folds [from, to) of the source into `kind`'s rollup `r`. Pure. */
export function foldSql(kind: Kind, r: Rollup, from: number, to: number): string {
  const { raw, key, fields } = KINDS[kind];
  const source = SOURCE[r];
  const bin = (col: string) => `date_bin('${STEP_MS[r] / 1000} seconds', ${col}, timestamptz 'epoch')`;
  const aggregates =
    source === 'raw'
      ? fields.map(
          (f) =>
            `min(${f})::float8, avg(${f})::float8, max(${f})::float8, ((array_agg(${f} order by ts desc))[1])::float8`,
        )
      : fields.map(
          (f) =>
            `min(${f}_min), sum(${f}_avg * count) / sum(count), max(${f}_max), (array_agg(${f}_last order by bucket desc))[1]`,
        );
  const select =
    source === 'raw'
      ? `select ${key}, ${bin('ts')}, count(*)::int, ${aggregates.join(', ')}
         from ${raw} where ts >= ${ts(from)} and ts < ${ts(to)} group by 1, 2`
      : `select ${key}, ${bin('bucket')}, sum(count)::int, ${aggregates.join(', ')}
         from ${rollupTable(kind, source)} where bucket >= ${ts(from)} and bucket < ${ts(to)} group by 1, 2`;
  const columns = fields.flatMap((f) => ['min', 'avg', 'max', 'last'].map((a) => `${f}_${a}`));
  return `insert into ${rollupTable(kind, r)} (${key}, bucket, count, ${columns.join(', ')})
    ${select}
    on conflict (${key}, bucket) do update set count = excluded.count, ${columns
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`;
}

export type Watermarks = Partial<Record<`${Kind}_${Rollup}`, number>>;

export async function readWatermarks(db: Db): Promise<Watermarks> {
  const rows = rowsOf<{ name: string; ms: number | string }>(
    await db.execute(
      sql`select name, (extract(epoch from done_until) * 1000)::float8 as ms from rollup_watermarks`,
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.ms)])) as Watermarks;
}

/** Runs `fn` in a transaction holding the job lock; undefined when another replica holds it. */
async function withJobLock<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T | undefined> {
  return db.transaction(async (tx) => {
    const [row] = rowsOf<{ locked: boolean }>(
      await tx.execute(sql.raw(`select pg_try_advisory_xact_lock(${ROLLUP_LOCK_KEY}) as locked`)),
    );
    return row?.locked ? fn(tx) : undefined;
  });
}

export type RollupRun = { folded: { name: string; from: number; to: number }[] } | undefined;

/**
 * Folds every level, finer first, until caught up with `now`; undefined when another replica
 * holds the job lock. Each step of at most MAX_SPAN_MS per level is its own short transaction.
 */
export async function runRollups(db: Db, now: number, rawRetention: number): Promise<RollupRun> {
  const folded: { name: string; from: number; to: number }[] = [];
  for (;;) {
    const step = await withJobLock(db, (tx) => foldStep(tx, now, rawRetention));
    if (step === undefined) return folded.length > 0 ? { folded } : undefined;
    folded.push(...step.folded);
    if (!step.behind) return { folded };
  }
}

async function foldStep(tx: Db, now: number, rawRetention: number) {
  const marks = await readWatermarks(tx);
  const folded: { name: string; from: number; to: number }[] = [];
  let behind = false;
  for (const kind of Object.keys(KINDS) as Kind[]) {
    for (const r of ROLLUPS) {
      const step = STEP_MS[r];
      const source = SOURCE[r];
      let limit = floorTo(now - SETTLE_MS, step);
      if (source !== 'raw') limit = Math.min(limit, floorTo(marks[`${kind}_${source}`] ?? 0, step));
      const mark = marks[`${kind}_${r}`];
      // First run: nothing older than raw retention can still be in the sources.
      const from =
        mark === undefined ? floorTo(now - rawRetention, step) : floorTo(mark - RELOOK_MS[r], step);
      const to = Math.min(limit, from + MAX_SPAN_MS[r]);
      if (to <= from || (mark !== undefined && to <= mark - RELOOK_MS[r])) continue;
      await tx.execute(sql.raw(foldSql(kind, r, from, to)));
      const doneUntil = Math.max(to, mark ?? 0);
      await tx.execute(sql`
        insert into rollup_watermarks (name, done_until) values (${`${kind}_${r}`}, ${new Date(doneUntil).toISOString()}::timestamptz)
        on conflict (name) do update set done_until = excluded.done_until`);
      marks[`${kind}_${r}`] = doneUntil;
      folded.push({ name: `${kind}_${r}`, from, to });
      if (to < limit) behind = true;
    }
  }
  return { folded, behind };
}

export type RetentionRun = { droppedPartitions: string[] } | undefined;

/**
 * Retention: raw partitions are dropped whole; rollup rows are deleted by bucket. A resolution is
 * never cut past what the next coarser level has folded, so no data leaves before it is rolled up.
 */
export async function applyRetention(db: Db, now: number, retention: Retention): Promise<RetentionRun> {
  return withJobLock(db, async (tx) => {
    const marks = await readWatermarks(tx);
    const folded = (r: Rollup) =>
      Math.min(...(Object.keys(KINDS) as Kind[]).map((k) => marks[`${k}_${r}`] ?? -1));
    const rawCut = Math.min(now - retention.raw, folded('1m'));
    const droppedPartitions = rawCut > 0 ? await dropPartitionsBefore(tx, rawCut) : [];
    const cuts: Record<Rollup, number> = {
      '1m': Math.min(now - retention['1m'], folded('5m')),
      '5m': Math.min(now - retention['5m'], folded('1h')),
      '1h': now - retention['1h'],
    };
    for (const kind of Object.keys(KINDS) as Kind[]) {
      for (const r of ROLLUPS) {
        if (cuts[r] <= 0) continue;
        await tx.execute(sql.raw(`delete from ${rollupTable(kind, r)} where bucket < ${ts(cuts[r])}`));
      }
    }
    return { droppedPartitions };
  });
}

/** One maintenance pass: rollups, then retention (in its own, short transaction). */
export async function runRollupsAndRetention(options: {
  db: Db;
  log: Logger;
  retention: Retention;
  now: number;
}): Promise<void> {
  const { db, log, retention, now } = options;
  const run = await runRollups(db, now, retention.raw);
  if (run === undefined) {
    log.debug('rollups skipped: another hub replica holds the job lock');
    return;
  }
  if (run.folded.length > 0) log.debug({ folded: run.folded.length }, 'rollups folded');
  const kept = await applyRetention(db, now, retention);
  if (kept?.droppedPartitions.length) log.info({ dropped: kept.droppedPartitions }, 'raw partitions dropped');
}
