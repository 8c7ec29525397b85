/**
 * Event timelines and health (issue 3), behind the session guard like the rest of `/api`:
 * `GET /api/containers/:id/events`, `GET /api/hosts/:id/events` and
 * `GET /api/containers/:id/health`.
 * @module
 */
import { EventsQuerySchema } from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { assertContainerVisible, assertHostVisible } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { notFound } from '../errors.js';
import { listHosts } from '../hosts/host-views.js';
import { paramsOf, queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { containerHealthView, containerKnown, listEvents } from './queries.js';

const ContainerParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits') });
const HostParams = z.object({ id: z.uuid() });

/** Mounted at `/api`. */
export function eventRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  app.get('/containers/:id/events', permit('containers', 'read'), async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    const query = queryOf(c, EventsQuerySchema);
    if (!(await containerKnown(deps.db, id))) throw notFound('container not found');
    await assertContainerVisible(c, deps.db, 'containers:read', id);
    return c.json({ items: await listEvents(deps.db, { containerId: id }, query) });
  });

  app.get('/containers/:id/health', permit('containers', 'read'), async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    if (!(await containerKnown(deps.db, id))) throw notFound('container not found');
    await assertContainerVisible(c, deps.db, 'containers:read', id);
    return c.json(await containerHealthView(deps.db, id));
  });

  app.get('/hosts/:id/events', permit('hosts', 'read'), async (c) => {
    const { id } = paramsOf(c, HostParams);
    const query = queryOf(c, EventsQuerySchema);
    const [host] = await listHosts(deps.db, deps.agents, id);
    if (!host) throw notFound('host not found');
    await assertHostVisible(c, deps.db, 'hosts:read', id);
    return c.json({ items: await listEvents(deps.db, { hostId: id }, query) });
  });

  return app;
}
