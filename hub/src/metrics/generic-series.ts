/**
 * Generic series for scraped and plugin metrics: a series is a name plus labels, identified by
 * the sha256 of both (labels sorted, so their order does not matter), with samples (series id,
 * time, value) partitioned by day and rolled up and kept like host and container samples. A
 * source may hold at most `cap` series: a scrape target that puts a request id in a label would
 * otherwise grow the table without bound (cardinality explosion).
 * @module
 */
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { series, seriesSamples } from '../db/schema.js';
import { HubError } from '../errors.js';
import { chunks } from '../ingest/rows.js';
import { bucketStart, type Resolution, type SeriesWindow, seriesRows } from './query.js';

export const DEFAULT_SERIES_CAP = 10_000;

export type SeriesKey = { source: string; name: string; labels: Record<string, string> };

/** sha256 over the name and the sorted labels; pure. */
export function seriesHash(name: string, labels: Record<string, string>): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([name, sorted]))
    .digest('hex');
}

/** The id of the series, created when new; a `conflict` error once the source has `cap` series. */
export async function upsertSeries(db: Db, key: SeriesKey, cap = DEFAULT_SERIES_CAP): Promise<number> {
  const hash = seriesHash(key.name, key.labels);
  const [found] = await db.select({ id: series.id }).from(series).where(eq(series.hash, hash));
  if (found) return found.id;
  return db.transaction(async (tx) => {
    // Serialise creations per source so two writers cannot both pass the cap check.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`unity-series:${key.source}`}))`);
    const [again] = await tx.select({ id: series.id }).from(series).where(eq(series.hash, hash));
    if (again) return again.id;
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(series)
      .where(eq(series.source, key.source));
    if ((row?.n ?? 0) >= cap) {
      throw new HubError('conflict', `source ${key.source} already has ${cap} series (the cap)`);
    }
    const [created] = await tx
      .insert(series)
      .values({ hash, source: key.source, name: key.name, labels: key.labels })
      .returning({ id: series.id });
    if (!created) throw new Error('series insert returned no row');
    return created.id;
  });
}

/** Stores samples of one series; a sample already stored at the same time is kept as it was. */
export async function storeSeriesSamples(
  db: Db,
  seriesId: number,
  samples: readonly { ts: number; value: number }[],
): Promise<void> {
  const rows = samples.map((s) => ({ seriesId, ts: new Date(s.ts), value: s.value }));
  for (const part of chunks(rows)) await db.insert(seriesSamples).values(part).onConflictDoNothing();
}

export type GenericPoint = { t: number; value: number; valueMin: number; valueMax: number };

/** Bucketed points of a series, from the coarsest resolution that fills the window (see query.ts). */
export async function genericSeries(
  db: Db,
  seriesId: number,
  w: SeriesWindow,
): Promise<{ resolution: Resolution; points: GenericPoint[] }> {
  const { resolution, rows } = await seriesRows(db, 'series', String(seriesId), w);
  return {
    resolution,
    points: rows.map((r) => ({
      t: bucketStart(Number(r.b), w),
      value: Number(r.value),
      valueMin: Number(r.value_min),
      valueMax: Number(r.value_max),
    })),
  };
}
