/**
 * Scraped and plugin series as alert objects: the series of one metric name with their labels
 * (job, instance, probe_id, host_id and the scraped ones). An instance is labelled with the
 * series' labels plus `__name__`, the metric name: Prometheus reserves names starting with `__`,
 * so no series label can clash with it. The link goes to the scraping probe's page, where its
 * series are charted.
 * @module
 */
import { eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { series } from '../../db/schema.js';
import type { Labels } from '../eval/types.js';

/** The label naming a series' host (as in series/routes.ts). */
const SERIES_HOST_LABEL = 'host_id';

/** The label carrying a series' metric name on its alert instances. */
export const SERIES_NAME_LABEL = '__name__';

export type SeriesAlertObject = {
  /** The series id (a bigint, as text). */
  id: string;
  /** The series labels and `__name__`: what instances carry and matchers see. */
  labels: Labels;
  /** The host the series is about (its `host_id` label), for host scopes. */
  hostId: string | null;
  url: string;
};

/** The series named `metric`, oldest first (bounded: one metric rarely has more). */
export async function loadSeriesObjects(
  db: Db,
  publicUrl: string,
  metric: string,
): Promise<SeriesAlertObject[]> {
  const base = publicUrl.replace(/\/$/, '');
  const rows = await db
    .select({ id: series.id, name: series.name, labels: series.labels })
    .from(series)
    .where(eq(series.name, metric))
    .orderBy(series.id)
    .limit(10_000);
  return rows.map((r) => {
    const labels = { ...r.labels, [SERIES_NAME_LABEL]: r.name };
    const probeId = r.labels.probe_id;
    return {
      id: String(r.id),
      labels,
      hostId: r.labels[SERIES_HOST_LABEL] ?? null,
      url: probeId ? `${base}/probes/${encodeURIComponent(probeId)}` : `${base}/probes`,
    };
  });
}

/** Per series: the time of its latest raw sample at or before `to` (absence rules). */
export function seriesLastSampleSql(ids: readonly string[], to: number): SQL {
  return sql`select series_id::text as id, max(ts) as last from series_samples
    where series_id = any(${`{${ids.join(',')}}`}::int8[]) and ts <= ${new Date(to).toISOString()}::timestamptz
    group by series_id`;
}
