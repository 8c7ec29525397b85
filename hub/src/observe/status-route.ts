/**
 * `GET /api/status` (signed-in users): the database the hub runs on and the warnings the UI shows
 * in a banner, such as PGlite carrying more than a homelab load.
 * @module
 */
import type { HubStatus } from '@unity/shared';
import { Hono } from 'hono';
import type { HubDeps, HubEnv } from '../types.js';

export function statusRoutes(deps: Pick<HubDeps, 'database' | 'loadWatch'>) {
  const app = new Hono<HubEnv>();
  app.get('/', (c) =>
    c.json({ database: deps.database, warnings: deps.loadWatch.warnings } satisfies HubStatus),
  );
  return app;
}
