/**
 * `/api/hosts`: the list, one host, its metric series (`/stats`, also as `/metrics`), and its
 * labels. Lists and details are limited to the hosts the caller's `hosts:read` scopes select.
 * @module
 */
import { SeriesQuerySchema } from '@unity/shared';
import { eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { hostFilterOf, hostVisible } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { hosts } from '../db/schema.js';
import { notFound } from '../errors.js';
import { jsonBody, paramsOf, queryOf } from '../http/validate.js';
import { seriesResponse } from '../metrics/export.js';
import { hostSeries, seriesWindow } from '../metrics/query.js';
import type { HubDeps, HubEnv } from '../types.js';
import { listHosts } from './host-views.js';

const HostParams = z.object({ id: z.uuid() });
const LabelsBody = z
  .record(
    z.string().regex(/^[A-Za-z0-9._/-]{1,63}$/, 'label names are 1-63 of A-Z a-z 0-9 . _ / -'),
    z.string().max(256),
  )
  .refine((l) => Object.keys(l).length <= 64, 'at most 64 labels');

export function hostRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  /** One host, if the request may read it; a host outside the caller's scope is "not found". */
  const readableHost = async (c: Context<HubEnv>, id: string) => {
    const [host] = await listHosts(deps.db, deps.agents, id);
    if (!host || !hostVisible(await hostFilterOf(c, deps.db, 'hosts:read'), id))
      throw notFound('host not found');
    return host;
  };

  app.get('/', permit('hosts', 'read'), async (c) => {
    const visible = await hostFilterOf(c, deps.db, 'hosts:read');
    const items = (await listHosts(deps.db, deps.agents)).filter((h) => hostVisible(visible, h.id));
    return c.json({ items });
  });

  app.get('/:id', permit('hosts', 'read'), async (c) =>
    c.json(await readableHost(c, paramsOf(c, HostParams).id)),
  );

  app.put('/:id/labels', permit('hosts', 'write'), async (c) => {
    const { id } = paramsOf(c, HostParams);
    const labels = await jsonBody(c, LabelsBody);
    // Checked before the update: relabelling another team's host into one's own scope would
    // otherwise hand its data over.
    if (!hostVisible(await hostFilterOf(c, deps.db, 'hosts:write'), id)) throw notFound('host not found');
    const updated = await deps.db
      .update(hosts)
      .set({ labels })
      .where(eq(hosts.id, id))
      .returning({ id: hosts.id });
    if (updated.length === 0) throw notFound('host not found');
    return c.json(await readableHost(c, id));
  });

  // `/stats` matches the containers' contract; `/metrics` is the original name the UI uses.
  for (const path of ['/:id/stats', '/:id/metrics']) {
    app.get(path, permit('hosts', 'read'), async (c) => {
      const { id } = paramsOf(c, HostParams);
      const query = queryOf(c, SeriesQuerySchema);
      const window = seriesWindow(query);
      await readableHost(c, id);
      return seriesResponse(c, query.format, `host-${id}`, await hostSeries(deps.db, id, window));
    });
  }

  return app;
}
