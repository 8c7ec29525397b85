/**
 * The status pages API (`/api/status-pages`): pages (CRUD), their incidents with updates and
 * their maintenance notices. Status pages publish probes, so they take the probes permissions:
 * reading needs probes:read (viewers), changing probes:write (editors), deleting a page
 * probes:delete. Chosen probes must exist; chosen containers must exist on a host the caller
 * may read. Every write drops the rendered-page cache so the public page shows it at once.
 * @module
 */
import {
  IncidentInputSchema,
  IncidentUpdateInputSchema,
  MaintenanceNoticeInputSchema,
  type StatusItem,
  StatusPageInputSchema,
  StatusPagePatchSchema,
} from '@unity/shared';
import { inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { hostFilterOf, hostVisible } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { containers, probes } from '../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { jsonBody, paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import {
  addIncidentUpdate,
  createIncident,
  createMaintenance,
  deleteIncident,
  deleteMaintenance,
  listIncidents,
  listMaintenance,
} from './incident-store.js';
import type { PageCache } from './page-cache.js';
import {
  createStatusPage,
  deleteStatusPage,
  getStatusPage,
  listStatusPages,
  updateStatusPage,
} from './page-store.js';

const PageParams = z.object({ id: z.uuid({ error: 'id must be a status page id (uuid)' }) });
const IncidentParams = PageParams.extend({
  incidentId: z.uuid({ error: 'incidentId must be an incident id (uuid)' }),
});
const NoticeParams = PageParams.extend({
  noticeId: z.uuid({ error: 'noticeId must be a maintenance notice id (uuid)' }),
});

export function statusPageRoutes(deps: HubDeps, cache: PageCache) {
  const app = new Hono<HubEnv>();

  const mustExist = async (id: string) => {
    const page = await getStatusPage(deps.db, id);
    if (!page) throw notFound('status page not found');
    return page;
  };

  /** Every chosen item exists, and containers sit on hosts the caller may read. */
  const checkItems = async (c: Parameters<typeof hostFilterOf>[0], items: StatusItem[]) => {
    const probeIds = items.filter((i) => i.kind === 'probe').map((i) => i.id);
    const containerIds = items.filter((i) => i.kind === 'container').map((i) => i.id);
    if (probeIds.length > 0) {
      const found = await deps.db.select({ id: probes.id }).from(probes).where(inArray(probes.id, probeIds));
      const missing = probeIds.filter((id) => !found.some((f) => f.id === id));
      if (missing.length > 0) throw badRequest(`invalid body: items: unknown probe ${missing.join(', ')}`);
    }
    if (containerIds.length > 0) {
      const filter = await hostFilterOf(c, deps.db, 'containers:read');
      const found = await deps.db
        .select({ id: containers.id, hostId: containers.hostId })
        .from(containers)
        .where(inArray(containers.id, containerIds));
      const missing = containerIds.filter(
        (id) => !found.some((f) => f.id === id && hostVisible(filter, f.hostId)),
      );
      if (missing.length > 0)
        throw badRequest(`invalid body: items: unknown container ${missing.join(', ')}`);
    }
  };

  app.get('/status-pages', permit('probes', 'read'), async (c) =>
    c.json({ items: await listStatusPages(deps.db) }),
  );

  app.post('/status-pages', permit('probes', 'write'), async (c) => {
    const input = await jsonBody(c, StatusPageInputSchema);
    await checkItems(c, input.items);
    const page = await createStatusPage(deps.db, input);
    cache.clear();
    return c.json(page, 201);
  });

  app.get('/status-pages/:id', permit('probes', 'read'), async (c) => {
    const { id } = paramsOf(c, PageParams);
    const page = await mustExist(id);
    const [incidents, maintenance] = await Promise.all([
      listIncidents(deps.db, id, { limit: 100 }),
      listMaintenance(deps.db, id),
    ]);
    return c.json({ ...page, incidents, maintenance });
  });

  app.patch('/status-pages/:id', permit('probes', 'write'), async (c) => {
    const { id } = paramsOf(c, PageParams);
    const patch = await jsonBody(c, StatusPagePatchSchema);
    await mustExist(id);
    if (patch.items) await checkItems(c, patch.items);
    const page = await updateStatusPage(deps.db, id, patch);
    if (!page) throw notFound('status page not found');
    cache.clear();
    return c.json(page);
  });

  app.delete('/status-pages/:id', permit('probes', 'delete'), async (c) => {
    const { id } = paramsOf(c, PageParams);
    if (!(await deleteStatusPage(deps.db, id))) throw notFound('status page not found');
    cache.clear();
    return c.body(null, 204);
  });

  app.post('/status-pages/:id/incidents', permit('probes', 'write'), async (c) => {
    const { id } = paramsOf(c, PageParams);
    const input = await jsonBody(c, IncidentInputSchema);
    await mustExist(id);
    const incident = await createIncident(deps.db, id, input);
    cache.clear();
    return c.json(incident, 201);
  });

  /** An update moves the incident to its status; `resolved` resolves it. */
  app.post('/status-pages/:id/incidents/:incidentId/updates', permit('probes', 'write'), async (c) => {
    const { id, incidentId } = paramsOf(c, IncidentParams);
    const input = await jsonBody(c, IncidentUpdateInputSchema);
    const incident = await addIncidentUpdate(deps.db, id, incidentId, input);
    if (!incident) throw notFound('incident not found');
    cache.clear();
    return c.json(incident, 201);
  });

  app.delete('/status-pages/:id/incidents/:incidentId', permit('probes', 'write'), async (c) => {
    const { id, incidentId } = paramsOf(c, IncidentParams);
    if (!(await deleteIncident(deps.db, id, incidentId))) throw notFound('incident not found');
    cache.clear();
    return c.body(null, 204);
  });

  app.post('/status-pages/:id/maintenance', permit('probes', 'write'), async (c) => {
    const { id } = paramsOf(c, PageParams);
    const input = await jsonBody(c, MaintenanceNoticeInputSchema);
    await mustExist(id);
    const notice = await createMaintenance(deps.db, id, input);
    cache.clear();
    return c.json(notice, 201);
  });

  app.delete('/status-pages/:id/maintenance/:noticeId', permit('probes', 'write'), async (c) => {
    const { id, noticeId } = paramsOf(c, NoticeParams);
    if (!(await deleteMaintenance(deps.db, id, noticeId))) throw notFound('maintenance notice not found');
    cache.clear();
    return c.body(null, 204);
  });

  return app;
}
