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
import { queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { listImages, listNetworks, listPods, listStacks, listVolumes } from './views.js';

export function inventoryRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  app.get('/stacks', async (c) => c.json({ items: await listStacks(deps.db, queryOf(c, StackQuerySchema)) }));
  app.get('/images', async (c) => c.json({ items: await listImages(deps.db, queryOf(c, ImageQuerySchema)) }));
  app.get('/volumes', async (c) =>
    c.json({ items: await listVolumes(deps.db, queryOf(c, VolumeQuerySchema)) }),
  );
  app.get('/networks', async (c) =>
    c.json({ items: await listNetworks(deps.db, queryOf(c, NetworkQuerySchema)) }),
  );
  app.get('/pods', async (c) => c.json({ items: await listPods(deps.db, queryOf(c, InventoryQuerySchema)) }));
  return app;
}
