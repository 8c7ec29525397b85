/**
 * `/api/roles`, `/api/groups`, `/api/role-bindings`: who may do what, and where. Reading needs
 * `users:read`, changing `users:write`, deleting `users:delete`.
 * @module
 */
import { BindingInputSchema, GroupInputSchema, RoleInputSchema } from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { jsonBody, paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { auditIdentity } from './audit-identity.js';
import { createBinding, deleteBinding, listBindings } from './bindings-store.js';
import { assertMayGrant } from './grant-check.js';
import { createGroup, deleteGroup, getGroup, listGroups, updateGroup } from './groups-store.js';
import { permit } from './require-permission.js';
import { createRole, deleteRole, listRoles, updateRole } from './roles-store.js';

const IdParams = z.object({ id: z.uuid() });
const RoleParams = z.object({ id: z.string().min(1).max(64) });

export function rbacRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const db = deps.db;

  app.get('/roles', permit('users', 'read'), async (c) => c.json({ items: await listRoles(db) }));
  app.post('/roles', permit('users', 'write'), async (c) => {
    const role = await createRole(db, await jsonBody(c, RoleInputSchema));
    await auditIdentity(db, c, {
      action: 'role.create',
      objectType: 'role',
      objectId: role.id,
      objectName: role.name,
      message: role.permissions.join(' '),
    });
    return c.json(role, 201);
  });
  app.put('/roles/:id', permit('users', 'write'), async (c) => {
    const role = await updateRole(db, paramsOf(c, RoleParams).id, await jsonBody(c, RoleInputSchema));
    await auditIdentity(db, c, {
      action: 'role.update',
      objectType: 'role',
      objectId: role.id,
      objectName: role.name,
      message: role.permissions.join(' '),
    });
    return c.json(role);
  });
  app.delete('/roles/:id', permit('users', 'delete'), async (c) => {
    const role = await deleteRole(db, paramsOf(c, RoleParams).id);
    await auditIdentity(db, c, {
      action: 'role.delete',
      objectType: 'role',
      objectId: role.id,
      objectName: role.name,
    });
    return c.body(null, 204);
  });

  app.get('/groups', permit('users', 'read'), async (c) => c.json({ items: await listGroups(db) }));
  app.get('/groups/:id', permit('users', 'read'), async (c) =>
    c.json(await getGroup(db, paramsOf(c, IdParams).id)),
  );
  app.post('/groups', permit('users', 'write'), async (c) => {
    const group = await createGroup(db, await jsonBody(c, GroupInputSchema));
    await auditIdentity(db, c, {
      action: 'group.create',
      objectType: 'group',
      objectId: group.id,
      objectName: group.name,
    });
    return c.json(group, 201);
  });
  app.put('/groups/:id', permit('users', 'write'), async (c) => {
    const group = await updateGroup(db, paramsOf(c, IdParams).id, await jsonBody(c, GroupInputSchema));
    await auditIdentity(db, c, {
      action: 'group.update',
      objectType: 'group',
      objectId: group.id,
      objectName: group.name,
      message: `members ${group.members.map((m) => m.username).join(' ')}`,
    });
    return c.json(group);
  });
  app.delete('/groups/:id', permit('users', 'delete'), async (c) => {
    const { id } = paramsOf(c, IdParams);
    await deleteGroup(db, id);
    await auditIdentity(db, c, { action: 'group.delete', objectType: 'group', objectId: id });
    return c.body(null, 204);
  });

  app.get('/role-bindings', permit('users', 'read'), async (c) => c.json({ items: await listBindings(db) }));
  app.post('/role-bindings', permit('users', 'write'), async (c) => {
    const input = await jsonBody(c, BindingInputSchema);
    await assertMayGrant(c, db, input.roleId);
    const b = await createBinding(db, input);
    await auditIdentity(db, c, {
      action: 'binding.create',
      objectType: 'role_binding',
      objectId: b.id,
      objectName: `${b.roleName} → ${b.subjectName}`,
      message: b.scope ? `scope ${JSON.stringify(b.scope)}` : 'everywhere',
    });
    return c.json(b, 201);
  });
  app.delete('/role-bindings/:id', permit('users', 'delete'), async (c) => {
    const b = await deleteBinding(db, paramsOf(c, IdParams).id);
    await auditIdentity(db, c, {
      action: 'binding.delete',
      objectType: 'role_binding',
      objectId: b.id,
      objectName: `${b.roleName} → ${b.subjectName}`,
    });
    return c.body(null, 204);
  });

  return app;
}
