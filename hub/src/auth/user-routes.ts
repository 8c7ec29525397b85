/**
 * `/api/users` (admins: list, create, change role, disable, delete) and `/api/invites`
 * (make a one-time link; accept it, public, with the token as the credential).
 * @module
 */
import { AcceptInviteSchema, CreateInviteSchema, CreateUserSchema, UpdateUserSchema } from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { jsonBody, paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { auditIdentity } from './audit-identity.js';
import { assertMayGrant } from './grant-check.js';
import { acceptInvite, createInvite } from './invites.js';
import { permit, requirePermission } from './require-permission.js';
import { addUser, getUser, listUsers, removeUser, toUser, updateUser } from './user-admin.js';

const IdParams = z.object({ id: z.uuid() });

export function userRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const log = deps.log.child({ module: 'users' });

  app.get('/users', permit('users', 'read'), async (c) => c.json({ items: await listUsers(deps.db) }));

  app.post('/users', permit('users', 'write'), async (c) => {
    const input = await jsonBody(c, CreateUserSchema);
    await assertMayGrant(c, deps.db, input.role);
    const user = await addUser(deps.db, input);
    await auditIdentity(deps.db, c, {
      action: 'user.create',
      objectType: 'user',
      objectId: user.id,
      objectName: user.username,
      message: `role ${user.role ?? 'none'}`,
    });
    log.info({ username: user.username, by: c.get('user')?.username }, 'user created');
    return c.json(user, 201);
  });

  app.get('/users/:id', permit('users', 'read'), async (c) =>
    c.json(toUser(await getUser(deps.db, paramsOf(c, IdParams).id))),
  );

  app.patch('/users/:id', permit('users', 'write'), async (c) => {
    const { id } = paramsOf(c, IdParams);
    const patch = await jsonBody(c, UpdateUserSchema);
    if (patch.role !== undefined) await assertMayGrant(c, deps.db, patch.role);
    const user = await updateUser(deps.db, id, patch, deps);
    const what = Object.entries(patch)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    await auditIdentity(deps.db, c, {
      action: 'user.update',
      objectType: 'user',
      objectId: id,
      objectName: user.username,
      message: what,
    });
    return c.json(user);
  });

  app.delete('/users/:id', permit('users', 'delete'), async (c) => {
    const { id } = paramsOf(c, IdParams);
    const gone = await removeUser(deps.db, id, deps);
    await auditIdentity(deps.db, c, {
      action: 'user.delete',
      objectType: 'user',
      objectId: id,
      objectName: gone.username,
    });
    return c.body(null, 204);
  });

  app.post('/invites', async (c) => {
    const admin = requirePermission(c, 'users', 'write');
    const input = await jsonBody(c, CreateInviteSchema);
    await assertMayGrant(c, deps.db, input.role);
    const invite = await createInvite(deps.db, input, admin.id, deps.config.publicUrl);
    await auditIdentity(deps.db, c, {
      action: 'invite.create',
      objectType: 'invite',
      objectId: invite.id,
      message: `role ${invite.role ?? 'none'}`,
    });
    return c.json(invite, 201);
  });

  app.post('/invites/accept', async (c) => {
    const user = await acceptInvite(deps.db, await jsonBody(c, AcceptInviteSchema));
    log.info({ username: user.username }, 'invite accepted');
    return c.json(user, 201);
  });

  return app;
}
