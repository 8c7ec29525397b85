/**
 * `/api/containers`: the list (optionally of one host), one container, and its stats series,
 * limited to containers on the hosts the caller's `containers:read` scopes select.
 * @module
 */
import { SeriesQuerySchema } from '@unity/shared';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { hostFilterOf, hostVisible } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
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

  /** A container outside the caller's scope is "not found", like one that does not exist. */
  const readableContainer = async (c: Context<HubEnv>, id: string) => {
    const container = await findContainer(deps.db, id);
    const visible = await hostFilterOf(c, deps.db, 'containers:read');
    if (!container || !hostVisible(visible, container.hostId)) throw notFound('container not found');
    return container;
  };

  app.get('/', permit('containers', 'read'), async (c) => {
    const { host } = queryOf(c, ListQuery);
    const visible = await hostFilterOf(c, deps.db, 'containers:read');
    const items = (await listContainers(deps.db, host)).filter((ct) => hostVisible(visible, ct.hostId));
    return c.json({ items });
  });

  app.get('/:id', permit('containers', 'read'), async (c) =>
    c.json(await readableContainer(c, paramsOf(c, ContainerParams).id)),
  );

  app.get('/:id/stats', permit('containers', 'read'), async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    const query = queryOf(c, SeriesQuerySchema);
    const window = seriesWindow(query);
    await readableContainer(c, id);
    return seriesResponse(c, query.format, `container-${id}`, await containerSeries(deps.db, id, window));
  });

  return app;
}
