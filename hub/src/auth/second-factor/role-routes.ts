/**
 * `PUT /api/roles/:id/second-factor`: whether members of a role (built-in or custom) must enrol a
 * second factor. Needs `users:write`, like any role change, and is audited.
 * @module
 */
import { RoleSecondFactorSchema } from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { jsonBody, paramsOf } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { auditIdentity } from '../audit-identity.js';
import { permit } from '../require-permission.js';
import { findRole } from '../roles-store.js';
import { setRoleRequiresSecondFactor } from './service.js';

const RoleParams = z.object({ id: z.string().min(1).max(64) });

export function roleSecondFactorRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  app.put('/roles/:id/second-factor', permit('users', 'write'), async (c) => {
    const { id } = paramsOf(c, RoleParams);
    const { required } = await jsonBody(c, RoleSecondFactorSchema);
    const role = await findRole(deps.db, id);
    if (!role) throw notFound('role not found');
    await setRoleRequiresSecondFactor(deps.db, role.id, required);
    await auditIdentity(deps.db, c, {
      action: 'role.second_factor',
      objectType: 'role',
      objectId: role.id,
      objectName: role.name,
      message: required ? 'two-factor authentication required' : 'two-factor authentication optional',
    });
    return c.json({ ...role, requireSecondFactor: required });
  });
  return app;
}
