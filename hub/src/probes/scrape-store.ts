/**
 * Stores the series a Prometheus scrape probe selected in the generic series store (`series`,
 * `series_samples`, rolled up and kept like host samples), inside the ingest transaction of the
 * batch that carried them, so a replayed batch stores nothing twice (samples are unique on
 * series and time).
 *
 * Each series gets job/instance labels the way Prometheus adds them — `job` the probe's name,
 * `instance` the target's host:port — plus `probe_id` and `host_id` (the agent's host, which host scopes go by), so the same target scraped
 * from two places stays two series. A scraped label that already uses one of those names is
 * kept as `exported_<name>` (Prometheus's `honor_labels: false`). The source is
 * `probe:<probe id>`; the generic store's per-source cap bounds a target whose label values churn.
 * @module
 */
import type { ProbeResultItem, ScrapedSample } from '@unity/shared';
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { probes } from '../db/schema.js';
import { seriesHash, upsertSeriesMany } from '../metrics/generic-series.js';

const TARGET_LABELS = ['job', 'instance', 'probe_id', 'host_id'] as const;

/** The source a probe's series are stored under (`GET /api/series?source=`). */
export const probeSeriesSource = (probeId: string) => `probe:${probeId}`;

/** A scraped sample's labels with the probe's target labels added; pure. */
export function targetLabels(
  sample: ScrapedSample,
  target: { probeId: string; agentId: string; job: string; url: string },
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(sample.labels)) {
    labels[(TARGET_LABELS as readonly string[]).includes(k) ? `exported_${k}` : k] = v;
  }
  let instance = target.url;
  try {
    instance = new URL(target.url).host;
  } catch {
    // stored probes have valid URLs; the raw text is a fine instance otherwise
  }
  return { ...labels, job: target.job, instance, probe_id: target.probeId, host_id: target.agentId };
}

export type ScrapeStoreOutcome = { stored: number; refused: number };

/**
 * Writes the samples of the scrape results in `items`; a probe deleted meanwhile is skipped.
 * Series over the store's cap are counted in `refused` rather than failing the batch.
 */
export async function storeScrapedSeries(
  tx: Db,
  agentId: string,
  items: readonly ProbeResultItem[],
): Promise<ScrapeStoreOutcome> {
  const scrapes = items.filter((i) => (i.samples?.length ?? 0) > 0);
  const outcome: ScrapeStoreOutcome = { stored: 0, refused: 0 };
  if (scrapes.length === 0) return outcome;
  const ids = [...new Set(scrapes.map((i) => i.probeId))];
  const found = await tx
    .select({ id: probes.id, name: probes.name, spec: probes.spec })
    .from(probes)
    .where(inArray(probes.id, ids));
  const byId = new Map(found.map((p) => [p.id, p]));
  const rows: { s: number; t: string; v: number }[] = [];
  for (const item of scrapes) {
    const probe = byId.get(item.probeId);
    if (!probe) continue;
    const target = { probeId: probe.id, agentId, job: probe.name, url: String(probe.spec.url ?? '') };
    const keyed = (item.samples ?? []).map((sample) => {
      const labels = targetLabels(sample, target);
      return { sample, name: sample.name, labels, hash: seriesHash(sample.name, labels) };
    });
    // One lookup for the series that exist, one insert for the new ones (a first scrape of a
    // thousand series must not take a thousand round trips inside the ingest transaction).
    const { ids, refused } = await upsertSeriesMany(tx, probeSeriesSource(probe.id), keyed);
    outcome.refused += refused;
    for (const { sample, hash } of keyed) {
      const id = ids.get(hash);
      if (id !== undefined)
        rows.push({ s: id, t: new Date(sample.ts ?? item.ts).toISOString(), v: sample.value });
    }
  }
  for (let i = 0; i < rows.length; i += 5000) {
    await tx.execute(sql`
      insert into series_samples (series_id, ts, value)
      select v.s, v.t, v.v from json_to_recordset(${JSON.stringify(rows.slice(i, i + 5000))}::json)
        as v(s bigint, t timestamptz, v float8)
      on conflict do nothing`);
  }
  outcome.stored = rows.length;
  return outcome;
}

/** Deletes the series a scrape probe stored, with their samples and rollups (when the probe goes). */
export async function deleteProbeSeries(db: Db, probeId: string): Promise<void> {
  const ids = sql`(select id from series where source = ${probeSeriesSource(probeId)})`;
  for (const table of ['series_samples', 'series_rollup_1m', 'series_rollup_5m', 'series_rollup_1h'])
    await db.execute(sql`delete from ${sql.identifier(table)} where series_id in ${ids}`);
  await db.execute(sql`delete from series where source = ${probeSeriesSource(probeId)}`);
}
