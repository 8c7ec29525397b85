/**
 * The inventory lists: `GET /api/stacks`, `/api/images`, `/api/volumes`, `/api/networks`,
 * `/api/pods`, each `{ items }`, filtered by `?host=` and `?engine=` (and `?unused=` /
 * `?orphaned=` where those flags exist). Mounted under `/api`, behind the session middleware.
 * @module
 */
import {
  ImageQuerySchema,
  InventoryQuerySchema,
  NetworkQuerySchema,
  StackQuerySchema,
  VolumeQuerySchema,
} from '@unity/shared';
import { type Context, Hono } from 'hono';
import { onVisibleHosts } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { listImages, listNetworks, listPods, listStacks, listVolumes } from './views.js';

export function inventoryRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  // Every inventory list is cut to the hosts the caller may read containers on.
  const visible = <T extends { hostId: string }>(c: Context<HubEnv>, items: T[]) =>
    onVisibleHosts(c, deps.db, 'containers:read', items);
  app.get('/stacks', permit('containers', 'read'), async (c) =>
    c.json({ items: await visible(c, await listStacks(deps.db, queryOf(c, StackQuerySchema))) }),
  );
  app.get('/images', permit('containers', 'read'), async (c) =>
    c.json({ items: await visible(c, await listImages(deps.db, queryOf(c, ImageQuerySchema))) }),
  );
  app.get('/volumes', permit('containers', 'read'), async (c) =>
    c.json({ items: await visible(c, await listVolumes(deps.db, queryOf(c, VolumeQuerySchema))) }),
  );
  app.get('/networks', permit('containers', 'read'), async (c) =>
    c.json({ items: await visible(c, await listNetworks(deps.db, queryOf(c, NetworkQuerySchema))) }),
  );
  app.get('/pods', permit('containers', 'read'), async (c) =>
    c.json({ items: await visible(c, await listPods(deps.db, queryOf(c, InventoryQuerySchema))) }),
  );
  return app;
}
