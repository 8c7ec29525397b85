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
import { Hono } from 'hono';
import { onVisibleHosts } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { listImages, listNetworks, listPods, listStacks, listVolumes } from './views.js';

export function inventoryRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  app.get('/stacks', permit('containers', 'read'), async (c) =>
    c.json({
      items: await onVisibleHosts(
        c,
        deps.db,
        'containers:read',
        await listStacks(deps.db, queryOf(c, StackQuerySchema)),
      ),
    }),
  );
  app.get('/images', permit('containers', 'read'), async (c) =>
    c.json({
      items: await onVisibleHosts(
        c,
        deps.db,
        'containers:read',
        await listImages(deps.db, queryOf(c, ImageQuerySchema)),
      ),
    }),
  );
  app.get('/volumes', permit('containers', 'read'), async (c) =>
    c.json({
      items: await onVisibleHosts(
        c,
        deps.db,
        'containers:read',
        await listVolumes(deps.db, queryOf(c, VolumeQuerySchema)),
      ),
    }),
  );
  app.get('/networks', permit('containers', 'read'), async (c) =>
    c.json({
      items: await onVisibleHosts(
        c,
        deps.db,
        'containers:read',
        await listNetworks(deps.db, queryOf(c, NetworkQuerySchema)),
      ),
    }),
  );
  app.get('/pods', permit('containers', 'read'), async (c) =>
    c.json({
      items: await onVisibleHosts(
        c,
        deps.db,
        'containers:read',
        await listPods(deps.db, queryOf(c, InventoryQuerySchema)),
      ),
    }),
  );
  return app;
}
