/**
 * Role bindings: a role granted to a user or a group, everywhere or within a scope of hosts.
 * @module
 */
import type { Binding, BindingInput } from '@unity/shared';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { roleBindings, userGroups, users } from '../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { findRole, listRoles } from './roles-store.js';

export async function listBindings(db: Db): Promise<Binding[]> {
  const rows = await db
    .select({ b: roleBindings, username: users.username, groupName: userGroups.name })
    .from(roleBindings)
    .leftJoin(users, eq(users.id, roleBindings.userId))
    .leftJoin(userGroups, eq(userGroups.id, roleBindings.groupId))
    .orderBy(asc(roleBindings.createdAt));
  const roleNames = new Map((await listRoles(db)).map((r) => [r.id, r.name]));
  return rows.map(({ b, username, groupName }) => ({
    id: b.id,
    roleId: b.roleKey,
    roleName: roleNames.get(b.roleKey) ?? b.roleKey,
    userId: b.userId,
    groupId: b.groupId,
    subjectName: username ?? groupName ?? '',
    scope: b.scope ?? null,
  }));
}

export async function createBinding(db: Db, input: BindingInput): Promise<Binding> {
  if (!(await findRole(db, input.roleId))) throw badRequest(`invalid body: roleId: no role ${input.roleId}`);
  if (input.userId) {
    const [u] = await db.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
    if (!u) throw badRequest(`invalid body: userId: no user ${input.userId}`);
  }
  if (input.groupId) {
    const [g] = await db
      .select({ id: userGroups.id })
      .from(userGroups)
      .where(eq(userGroups.id, input.groupId));
    if (!g) throw badRequest(`invalid body: groupId: no group ${input.groupId}`);
  }
  const [row] = await db
    .insert(roleBindings)
    .values({
      roleKey: input.roleId,
      userId: input.userId ?? null,
      groupId: input.groupId ?? null,
      scope: input.scope,
    })
    .returning({ id: roleBindings.id });
  if (!row) throw new Error('binding insert returned no row');
  const made = (await listBindings(db)).find((b) => b.id === row.id);
  if (!made) throw new Error('binding vanished after insert');
  return made;
}

export async function deleteBinding(db: Db, id: string): Promise<Binding> {
  const binding = (await listBindings(db)).find((b) => b.id === id);
  if (!binding) throw notFound('role binding not found');
  await db.delete(roleBindings).where(eq(roleBindings.id, id));
  return binding;
}
