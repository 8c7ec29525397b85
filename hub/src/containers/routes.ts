/**
 * `/api/containers`: the list (optionally of one host), one container, and its stats series.
 * @module
 */
import { SeriesQuerySchema } from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '../errors.js';
import { paramsOf, queryOf } from '../http/validate.js';
import { seriesResponse } from '../metrics/export.js';
import { containerSeries, seriesWindow } from '../metrics/query.js';
import type { HubDeps, HubEnv } from '../types.js';
import { findContainer, listContainers } from './container-views.js';

const ListQuery = z.object({ host: z.uuid().optional() });
const ContainerParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits') });

export function containerRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  app.get('/', async (c) => {
    const { host } = queryOf(c, ListQuery);
    return c.json({ items: await listContainers(deps.db, host) });
  });

  app.get('/:id', async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    const container = await findContainer(deps.db, id);
    if (!container) throw notFound('container not found');
    return c.json(container);
  });

  app.get('/:id/stats', async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    const query = queryOf(c, SeriesQuerySchema);
    const window = seriesWindow(query);
    if (!(await findContainer(deps.db, id))) throw notFound('container not found');
    return seriesResponse(c, query.format, `container-${id}`, await containerSeries(deps.db, id, window));
  });

  return app;
}
