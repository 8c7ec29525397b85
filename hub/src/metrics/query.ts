/**
 * Series queries: the range [from, to] is cut into `points` equal buckets
 * (`floor((ts - from) / width)`); each bucket answers the average of every field and min/max
 * bands. Empty buckets are left out.
 *
 * The source is the coarsest resolution that still gives at least `points` buckets over the
 * range (1 h, 5 min, 1 min), raw samples when none does. A rollup answers up to its watermark;
 * the most recent part, not folded yet, is read from raw samples in the same query, so a chart
 * that ends now has no gap at its end.
 * @module
 */
import type { ContainerSeries, HostSeries, SeriesQuery } from '@unity/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client.js';
import { badRequest } from '../errors.js';
import { KINDS, type Kind, ROLLUPS, type Rollup, readWatermarks, rollupTable, STEP_MS } from './rollup.js';

export const DEFAULT_RANGE_MS = 3600_000;
export const DEFAULT_POINTS = 120;

export type SeriesWindow = { from: number; to: number; points: number; width: number };
export type Resolution = 'raw' | Rollup;

/** Resolves defaults (last hour, 120 points) and the bucket width in ms. */
export function seriesWindow(q: SeriesQuery, now = Date.now()): SeriesWindow {
  const to = q.to ?? now;
  const from = q.from ?? to - DEFAULT_RANGE_MS;
  if (from >= to) throw badRequest('invalid query: from: must be before to');
  const points = q.points ?? DEFAULT_POINTS;
  return { from, to, points, width: Math.max(1, Math.ceil((to - from) / points)) };
}

/** The coarsest rollup with at least `points` buckets over the range, else 'raw'. */
export function pickResolution(w: SeriesWindow): Resolution {
  for (const r of [...ROLLUPS].reverse()) if ((w.to - w.from) / STEP_MS[r] >= w.points) return r;
  return 'raw';
}

/** Bucket of a timestamp; the end of the range falls in the last bucket. */
export const bucketOf = (ts: number, w: SeriesWindow): number =>
  Math.min(w.points - 1, Math.floor((ts - w.from) / w.width));

/** Start time of bucket `b`. */
export const bucketStart = (b: number, w: SeriesWindow): number => w.from + b * w.width;

/** The SQL twin of bucketOf for a timestamptz column (a rollup bucket starting before `from` is bucket 0). */
const bucketSql = (w: SeriesWindow, column: string) =>
  sql`greatest(0, least(${w.points - 1}::int, floor((extract(epoch from ${sql.raw(column)})::float8 * 1000 - ${w.from}::float8) / ${w.width}::float8)::int))`;

const at = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v ?? 0);

/**
 * Per output bucket `b`: `<field>` (average weighted by sample count), `<field>_min`, `<field>_max`
 * for every rollup field of `kind`, reading rollup `r` before its watermark and raw samples after.
 */
export async function seriesRows(
  db: Db,
  kind: Kind,
  id: string,
  w: SeriesWindow,
): Promise<{ resolution: Resolution; rows: Row[] }> {
  const { raw, key, fields } = KINDS[kind];
  const idSql = { host: sql`${id}::uuid`, container: sql`${id}::text`, series: sql`${id}::bigint` }[kind];
  let resolution = pickResolution(w);
  const mark = resolution === 'raw' ? undefined : (await readWatermarks(db))[`${kind}_${resolution}`];
  if (mark === undefined || mark <= w.from) resolution = 'raw';
  const parts: SQL[] = [];
  if (resolution !== 'raw' && mark !== undefined) {
    const cols = fields.map((f) => `${f}_avg, ${f}_min, ${f}_max`).join(', ');
    parts.push(sql`select ${bucketSql(w, 'bucket')} as b, count as n, ${sql.raw(cols)}
      from ${sql.raw(rollupTable(kind, resolution))} where ${sql.raw(key)} = ${idSql}
      and bucket > ${at(w.from - STEP_MS[resolution])} and bucket < ${at(Math.min(mark, w.to))}`);
  }
  const rawFrom = resolution !== 'raw' && mark !== undefined ? mark : w.from;
  if (rawFrom <= w.to) {
    const cols = fields.map((f) => `${f}::float8, ${f}::float8, ${f}::float8`).join(', ');
    parts.push(sql`select ${bucketSql(w, 'ts')} as b, 1 as n, ${sql.raw(cols)}
      from ${sql.raw(raw)} where ${sql.raw(key)} = ${idSql} and ts >= ${at(rawFrom)} and ts <= ${at(w.to)}`);
  }
  const inner = fields.map((f) => `${f}_avg, ${f}_min, ${f}_max`).join(', ');
  const outer = fields
    .map((f) => `sum(${f}_avg * n) / sum(n) as ${f}, min(${f}_min) as ${f}_min, max(${f}_max) as ${f}_max`)
    .join(', ');
  const rows = rowsOf<Row>(
    await db.execute(sql`select b, ${sql.raw(outer)}
      from (${sql.join(parts, sql` union all `)}) as s(b, n, ${sql.raw(inner)})
      group by b order by b`),
  );
  return { resolution, rows };
}

export async function hostSeries(db: Db, hostId: string, w: SeriesWindow): Promise<HostSeries> {
  const { resolution, rows } = await seriesRows(db, 'host', hostId, w);
  return {
    resolution,
    points: rows.map((r) => ({
      t: bucketStart(num(r.b), w),
      cpuPercent: num(r.cpu_percent),
      cpuPercentMin: num(r.cpu_percent_min),
      cpuPercentMax: num(r.cpu_percent_max),
      memoryUsedBytes: num(r.memory_used_bytes),
      memoryUsedBytesMin: num(r.memory_used_bytes_min),
      memoryUsedBytesMax: num(r.memory_used_bytes_max),
      load1: num(r.load1),
      netRxBytesPerSec: num(r.net_rx_bytes_per_sec),
      netTxBytesPerSec: num(r.net_tx_bytes_per_sec),
      diskReadBytesPerSec: num(r.disk_read_bytes_per_sec),
      diskWriteBytesPerSec: num(r.disk_write_bytes_per_sec),
    })),
  };
}

export async function containerSeries(
  db: Db,
  containerId: string,
  w: SeriesWindow,
): Promise<ContainerSeries> {
  const { resolution, rows } = await seriesRows(db, 'container', containerId, w);
  return {
    resolution,
    points: rows.map((r) => ({
      t: bucketStart(num(r.b), w),
      cpuPercent: num(r.cpu_percent),
      cpuPercentMin: num(r.cpu_percent_min),
      cpuPercentMax: num(r.cpu_percent_max),
      memoryBytes: num(r.memory_bytes),
      memoryBytesMin: num(r.memory_bytes_min),
      memoryBytesMax: num(r.memory_bytes_max),
      netRxBytesPerSec: num(r.net_rx_bytes_per_sec),
      netTxBytesPerSec: num(r.net_tx_bytes_per_sec),
      blockReadBytesPerSec: num(r.block_read_bytes_per_sec),
      blockWriteBytesPerSec: num(r.block_write_bytes_per_sec),
      pids: num(r.pids),
    })),
  };
}
