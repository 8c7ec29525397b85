/**
 * Generic series for scraped and plugin metrics: a series is a name plus labels, identified by
 * the sha256 of both (labels sorted, so their order does not matter), with samples (series id,
 * time, value) partitioned by day and rolled up and kept like host and container samples. A
 * source may hold at most `cap` series: a scrape target that puts a request id in a label would
 * otherwise grow the table without bound (cardinality explosion).
 * @module
 */
import { createHash } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
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

/**
 * Ids of many series of one source at once (a scrape's), created when new: one lookup, then under
 * the source's lock one count and one insert of at most what the cap still allows. Series past
 * the cap are left out of the map (`refused` counts them). Hashes as `seriesHash` computes them.
 */
export async function upsertSeriesMany(
  db: Db,
  source: string,
  keys: readonly (Omit<SeriesKey, 'source'> & { hash: string })[],
  cap = DEFAULT_SERIES_CAP,
): Promise<{ ids: Map<string, number>; refused: number }> {
  const ids = new Map<string, number>();
  const lookup = async (tx: Db, hashes: string[]) => {
    for (const part of chunks(hashes, 1000))
      for (const row of await tx
        .select({ id: series.id, hash: series.hash })
        .from(series)
        .where(inArray(series.hash, part)))
        ids.set(row.hash, row.id);
  };
  await lookup(db, [...new Set(keys.map((k) => k.hash))]);
  const missing = new Map<string, (typeof keys)[number]>();
  for (const k of keys) if (!ids.has(k.hash)) missing.set(k.hash, k);
  if (missing.size === 0) return { ids, refused: 0 };
  let refused = 0;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`unity-series:${source}`}))`);
    // Another writer may have created some meanwhile.
    await lookup(tx, [...missing.keys()]);
    const fresh = [...missing.values()].filter((k) => !ids.has(k.hash));
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(series)
      .where(eq(series.source, source));
    const room = Math.max(0, cap - (row?.n ?? 0));
    refused = Math.max(0, fresh.length - room);
    for (const part of chunks(fresh.slice(0, room), 1000)) {
      const created = await tx
        .insert(series)
        .values(part.map((k) => ({ hash: k.hash, source, name: k.name, labels: k.labels })))
        .onConflictDoNothing()
        .returning({ id: series.id, hash: series.hash });
      for (const c of created) ids.set(c.hash, c.id);
    }
  });
  return { ids, refused };
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
