/**
 * `/api/series`: generic series (scraped and plugin metrics), listed and exported.
 * `GET /api/series/:id/points?from&to&points&format=json|csv` answers like the host and
 * container stats, from the coarsest resolution that fills the window.
 *
 * Host scopes: a series is about a host when its labels carry `host_id`. A caller whose
 * `probes:read` is limited to some hosts sees only the series of those hosts; series bound to
 * no host are hidden from it too (deny by default: a writer that forgot the label must not leak
 * another team's data). Outside the scope a series is "not found", like one that does not exist.
 * @module
 */
import { SeriesQuerySchema } from '@unity/shared';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { hostFilterOf } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { series } from '../db/schema.js';
import { notFound } from '../errors.js';
import { paramsOf, queryOf } from '../http/validate.js';
import { seriesResponse } from '../metrics/export.js';
import { genericSeries } from '../metrics/generic-series.js';
import { seriesWindow } from '../metrics/query.js';
import type { HubDeps, HubEnv } from '../types.js';

const SeriesParams = z.object({ id: z.coerce.number().int().positive('must be a series id') });
const ListQuery = z.object({ source: z.string().min(1).optional() });
/** The label naming the host a series is about. */
export const SERIES_HOST_LABEL = 'host_id';

/** Series on the visible hosts only; none when unscoped. */
function seriesOnHosts(visible: 'all' | ReadonlySet<string>): SQL | undefined {
  if (visible === 'all') return undefined;
  return sql`${series.labels} ->> ${SERIES_HOST_LABEL} in (select json_array_elements_text(${JSON.stringify([...visible])}::json))`;
}

const columns = { id: series.id, source: series.source, name: series.name, labels: series.labels };

export function seriesRoutes(deps: Pick<HubDeps, 'db'>) {
  const app = new Hono<HubEnv>();

  app.get('/', permit('probes', 'read'), async (c) => {
    const { source } = queryOf(c, ListQuery);
    const scoped = seriesOnHosts(await hostFilterOf(c, deps.db, 'probes:read'));
    const items = await deps.db
      .select(columns)
      .from(series)
      .where(and(source ? eq(series.source, source) : undefined, scoped))
      .orderBy(asc(series.id))
      .limit(10_000);
    return c.json({ items });
  });

  app.get('/:id/points', permit('probes', 'read'), async (c) => {
    const { id } = paramsOf(c, SeriesParams);
    const query = queryOf(c, SeriesQuerySchema);
    const window = seriesWindow(query);
    const scoped = seriesOnHosts(await hostFilterOf(c, deps.db, 'probes:read'));
    const [found] = await deps.db
      .select(columns)
      .from(series)
      .where(and(eq(series.id, id), scoped));
    if (!found) throw notFound('series not found');
    return seriesResponse(c, query.format, `series-${id}`, await genericSeries(deps.db, id, window));
  });

  return app;
}
