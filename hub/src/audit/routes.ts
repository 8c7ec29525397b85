/**
 * `GET /api/audit?limit&before`: the audit log, newest first, for admins only.
 * @module
 */
import { AuditQuerySchema } from '@unity/shared';
import { Hono } from 'hono';
import { ADMIN_ONLY, allowRoles } from '../auth/require-role.js';
import { queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { listAudit } from './audit-log.js';

export function auditRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  app.get('/', allowRoles(ADMIN_ONLY), async (c) =>
    c.json(await listAudit(deps.db, queryOf(c, AuditQuerySchema))),
  );
  return app;
}
