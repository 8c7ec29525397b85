/**
 * `/api/series`: generic series (scraped and plugin metrics), listed and exported.
 * `GET /api/series/:id/points?from&to&points&format=json|csv` answers like the host and
 * container stats, from the coarsest resolution that fills the window.
 * @module
 */
import { SeriesQuerySchema } from '@unity/shared';
import { asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
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
const columns = { id: series.id, source: series.source, name: series.name, labels: series.labels };

export function seriesRoutes(deps: Pick<HubDeps, 'db'>) {
  const app = new Hono<HubEnv>();

  app.get('/', permit('probes', 'read'), async (c) => {
    const { source } = queryOf(c, ListQuery);
    const base = deps.db.select(columns).from(series);
    const items = await (source ? base.where(eq(series.source, source)) : base)
      .orderBy(asc(series.id))
      .limit(10_000);
    return c.json({ items });
  });

  app.get('/:id/points', permit('probes', 'read'), async (c) => {
    const { id } = paramsOf(c, SeriesParams);
    const query = queryOf(c, SeriesQuerySchema);
    const window = seriesWindow(query);
    const [found] = await deps.db.select(columns).from(series).where(eq(series.id, id));
    if (!found) throw notFound('series not found');
    return seriesResponse(c, query.format, `series-${id}`, await genericSeries(deps.db, id, window));
  });

  return app;
}
