/**
 * `PUT /api/{probes,containers,hosts}/:id/public` with `{"public": true|false}`: whether the
 * object's `/badge` URLs answer. Each needs the permission that changes that kind of object
 * (probes:write; containers:act, the only change editors make to containers; hosts:write, as
 * for host labels). Containers and hosts outside the caller's host scope are "not found".
 * @module
 */
import { PublicFlagSchema } from '@unity/shared';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { hostFilterOf, hostVisible } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { containers, hosts, probes } from '../db/schema.js';
import { notFound } from '../errors.js';
import { jsonBody, paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import type { BadgeCache } from './badge-cache.js';

const ProbeParams = z.object({ id: z.uuid({ error: 'id must be a probe id (uuid)' }) });
const ContainerParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits') });
const HostParams = z.object({ id: z.uuid({ error: 'id must be a host id (uuid)' }) });

export function publishRoutes(deps: HubDeps, badges?: BadgeCache) {
  const app = new Hono<HubEnv>();

  app.put('/probes/:id/public', permit('probes', 'write'), async (c) => {
    const { id } = paramsOf(c, ProbeParams);
    const body = await jsonBody(c, PublicFlagSchema);
    const [row] = await deps.db
      .update(probes)
      .set({ public: body.public })
      .where(eq(probes.id, id))
      .returning({ id: probes.id, public: probes.public });
    if (!row) throw notFound('probe not found');
    badges?.clear();
    return c.json(row);
  });

  app.put('/containers/:id/public', permit('containers', 'act'), async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    const body = await jsonBody(c, PublicFlagSchema);
    const [found] = await deps.db
      .select({ hostId: containers.hostId })
      .from(containers)
      .where(eq(containers.id, id));
    if (!found || !hostVisible(await hostFilterOf(c, deps.db, 'containers:act'), found.hostId))
      throw notFound('container not found');
    const [row] = await deps.db
      .update(containers)
      .set({ public: body.public })
      .where(eq(containers.id, id))
      .returning({ id: containers.id, public: containers.public });
    if (!row) throw notFound('container not found');
    badges?.clear();
    return c.json(row);
  });

  app.put('/hosts/:id/public', permit('hosts', 'write'), async (c) => {
    const { id } = paramsOf(c, HostParams);
    const body = await jsonBody(c, PublicFlagSchema);
    if (!hostVisible(await hostFilterOf(c, deps.db, 'hosts:write'), id)) throw notFound('host not found');
    const [row] = await deps.db
      .update(hosts)
      .set({ public: body.public })
      .where(eq(hosts.id, id))
      .returning({ id: hosts.id, public: hosts.public });
    if (!row) throw notFound('host not found');
    badges?.clear();
    return c.json(row);
  });

  return app;
}
