/**
 * `/api/hosts`: the list, one host, and its metric series (`/stats`, also as `/metrics`).
 * @module
 */
import { SeriesQuerySchema } from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '../errors.js';
import { paramsOf, queryOf } from '../http/validate.js';
import { seriesResponse } from '../metrics/export.js';
import { hostSeries, seriesWindow } from '../metrics/query.js';
import type { HubDeps, HubEnv } from '../types.js';
import { listHosts } from './host-views.js';

const HostParams = z.object({ id: z.uuid() });

export function hostRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  app.get('/', async (c) => c.json({ items: await listHosts(deps.db, deps.agents) }));

  app.get('/:id', async (c) => {
    const { id } = paramsOf(c, HostParams);
    const [host] = await listHosts(deps.db, deps.agents, id);
    if (!host) throw notFound('host not found');
    return c.json(host);
  });

  // `/stats` matches the containers' contract; `/metrics` is the original name the UI uses.
  for (const path of ['/:id/stats', '/:id/metrics']) {
    app.get(path, async (c) => {
      const { id } = paramsOf(c, HostParams);
      const query = queryOf(c, SeriesQuerySchema);
      const window = seriesWindow(query);
      const [host] = await listHosts(deps.db, deps.agents, id);
      if (!host) throw notFound('host not found');
      return seriesResponse(c, query.format, `host-${id}`, await hostSeries(deps.db, id, window));
    });
  }

  return app;
}
