/**
 * The logs API: a container's lines (live from its agent, or the stored shipped lines when the
 * agent is offline or `source=stored`), the search over stored lines, and the per-container
 * shipping switch. Reading logs needs any signed-in user; the switch needs an editor.
 * @module
 */
import {
  type ContainerLogs,
  ContainerLogsQuerySchema,
  LogSearchQuerySchema,
  LogShipSettingSchema,
  SHIP_LABEL,
  SHIP_LABEL_VALUE,
} from '@unity/shared';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { assertContainerVisible, hostFilterOf } from '../auth/host-scope.js';
import { permit, requirePermission } from '../auth/require-permission.js';
import { logShipSettings } from '../db/schema.js';
import { notFound } from '../errors.js';
import { jsonBody, paramsOf, queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { ContainerParams, findContainerRef } from './container-ref.js';
import { liveTail } from './live-tail.js';
import { searchLines, storedTail } from './log-store.js';
import { pushShipTargets, startShipSync } from './ship-sync.js';

export function logRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  deps.onClose(startShipSync(deps));

  app.get('/containers/:id/logs', permit('logs', 'read'), async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    const query = queryOf(c, ContainerLogsQuerySchema);
    const ref = await findContainerRef(deps.db, id);
    if (!ref) throw notFound('container not found');
    await assertContainerVisible(c, deps.db, 'logs:read', id);
    let reason: string | undefined;
    if (query.source === 'auto' && !ref.removed) {
      const live = await liveTail(deps.agents.commands, ref, query);
      if (live.ok) return c.json({ source: 'live', items: live.value } satisfies ContainerLogs);
      reason = live.error.message;
    }
    const items = await storedTail(deps.db, id, {
      ...query,
      levels: query.level,
      stream: query.stream === 'all' ? undefined : query.stream,
    });
    return c.json({ source: 'stored', items, ...(reason ? { reason } : {}) });
  });

  app.get('/containers/:id/logs/ship', permit('logs', 'read'), async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    const ref = await findContainerRef(deps.db, id);
    if (!ref) throw notFound('container not found');
    await assertContainerVisible(c, deps.db, 'logs:read', id);
    const [row] = await deps.db.select().from(logShipSettings).where(eq(logShipSettings.containerId, id));
    return c.json({ ship: row !== undefined, label: ref.labels[SHIP_LABEL] === SHIP_LABEL_VALUE });
  });

  app.put('/containers/:id/logs/ship', async (c) => {
    requirePermission(c, 'logs', 'write');
    const { id } = paramsOf(c, ContainerParams);
    const { ship } = await jsonBody(c, LogShipSettingSchema);
    const ref = await findContainerRef(deps.db, id);
    if (!ref || ref.removed) throw notFound('container not found');
    await assertContainerVisible(c, deps.db, 'logs:write', id);
    if (ship)
      await deps.db
        .insert(logShipSettings)
        .values({ containerId: id, hostId: ref.hostId })
        .onConflictDoNothing();
    else await deps.db.delete(logShipSettings).where(eq(logShipSettings.containerId, id));
    await pushShipTargets(deps, ref.hostId);
    return c.json({ ship, label: ref.labels[SHIP_LABEL] === SHIP_LABEL_VALUE });
  });

  app.get('/logs/search', permit('logs', 'read'), async (c) => {
    const query = queryOf(c, LogSearchQuerySchema);
    // The scope goes into the query, so a scoped user gets `limit` lines of their hosts, not
    // what is left of the newest `limit` lines of every host.
    const items = await searchLines(deps.db, {
      visibleHostIds: await hostFilterOf(c, deps.db, 'logs:read'),
      q: query.q,
      hostId: query.host,
      containerId: query.container,
      levels: query.level,
      since: query.from,
      until: query.to,
      limit: query.limit,
    });
    return c.json({ items });
  });

  return app;
}
