/**
 * Liveness and readiness, both public: /healthz answers while the process runs; /readyz only
 * once migrations are applied and the database answers.
 * @module
 */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { HubDeps } from '../types.js';

export function healthRoutes(deps: Pick<HubDeps, 'db' | 'migrated'>) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (!deps.migrated()) return c.json({ status: 'starting', reason: 'migrations pending' }, 503);
    try {
      await deps.db.execute(sql`select 1`);
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ status: 'unavailable', reason: 'database does not answer' }, 503);
    }
  });
  return app;
}
