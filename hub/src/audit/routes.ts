/**
 * The audit log for holders of `audit:read` (admins): `GET /api/audit-log` with filters (actor, action, target, outcome,
 * time range, paging) and `format=csv|json` export, and `GET /api/audit?limit&before`, the older
 * unfiltered listing the container-action views use. Read-only: there are no update or delete
 * routes.
 * @module
 */
import { AuditLogQuerySchema, AuditQuerySchema } from '@unity/shared';
import { Hono } from 'hono';
import { permit } from '../auth/require-permission.js';
import { queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { listAudit, searchAudit } from './audit-log.js';
import { auditCsv } from './csv.js';

export function auditRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  app.get('/audit', permit('audit', 'read'), async (c) =>
    c.json(await listAudit(deps.db, queryOf(c, AuditQuerySchema))),
  );
  app.get('/audit-log', permit('audit', 'read'), async (c) => {
    const { format, ...query } = queryOf(c, AuditLogQuerySchema);
    const page = await searchAudit(deps.db, query);
    if (format === 'json') return c.json(page);
    return c.body(auditCsv(page.items), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="unity-audit-log.csv"',
    });
  });
  return app;
}
