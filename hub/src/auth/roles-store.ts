/**
 * Roles as the API shows them: the three built-in ones (from code, not editable) followed by
 * the custom roles admins compose from permissions. A custom role still bound to someone cannot
 * be deleted: the binding would silently grant nothing.
 * @module
 */
import type { Role, RoleInput } from '@unity/shared';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { roleBindings, roles } from '../db/schema.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { BUILT_IN_ROLES, isBuiltInRole } from './permissions.js';
import { rolesRequiringSecondFactor, setRoleRequiresSecondFactor } from './second-factor/service.js';

type Row = typeof roles.$inferSelect;

const toRole = (r: Row): Role => ({
  id: r.id,
  name: r.name,
  description: r.description,
  builtIn: false,
  permissions: r.permissions,
  requireSecondFactor: false,
});

export const builtInRoles = (): Role[] =>
  Object.entries(BUILT_IN_ROLES).map(([name, r]) => ({
    id: name,
    name,
    description: r.description,
    builtIn: true,
    permissions: [...r.permissions],
    requireSecondFactor: false,
  }));

export async function listRoles(db: Db): Promise<Role[]> {
  const custom = await db.select().from(roles).orderBy(asc(roles.name));
  const strict = await rolesRequiringSecondFactor(db);
  return [...builtInRoles(), ...custom.map(toRole)].map((r) => ({
    ...r,
    requireSecondFactor: strict.has(r.id),
  }));
}

/** A role by its key: a built-in name or a custom role's id. */
export async function findRole(db: Db, key: string): Promise<Role | undefined> {
  if (isBuiltInRole(key)) return builtInRoles().find((r) => r.id === key);
  if (!/^[0-9a-f-]{36}$/.test(key)) return undefined;
  const [row] = await db.select().from(roles).where(eq(roles.id, key)).limit(1);
  return row ? toRole(row) : undefined;
}

async function assertFreeName(db: Db, name: string, id?: string): Promise<void> {
  if (isBuiltInRole(name)) throw conflict(`${name} is a built-in role`);
  const [row] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, name));
  if (row && row.id !== id) throw conflict(`a role named ${name} exists`);
}

export async function createRole(db: Db, input: RoleInput): Promise<Role> {
  await assertFreeName(db, input.name);
  const [row] = await db
    .insert(roles)
    .values({ ...input, permissions: [...new Set(input.permissions)] })
    .returning();
  if (!row) throw new Error('role insert returned no row');
  return toRole(row);
}

export async function updateRole(db: Db, id: string, input: RoleInput): Promise<Role> {
  if (isBuiltInRole(id)) throw badRequest('built-in roles cannot be changed; make a custom role');
  await assertFreeName(db, input.name, id);
  const [row] = await db
    .update(roles)
    .set({ ...input, permissions: [...new Set(input.permissions)] })
    .where(eq(roles.id, id))
    .returning();
  if (!row) throw notFound('role not found');
  return toRole(row);
}

export async function deleteRole(db: Db, id: string): Promise<Role> {
  if (isBuiltInRole(id)) throw badRequest('built-in roles cannot be deleted');
  const role = await findRole(db, id);
  if (!role) throw notFound('role not found');
  const [bound] = await db
    .select({ id: roleBindings.id })
    .from(roleBindings)
    .where(eq(roleBindings.roleKey, id))
    .limit(1);
  if (bound) throw conflict('this role is still bound to users or groups; remove those bindings first');
  await db.delete(roles).where(eq(roles.id, id));
  await setRoleRequiresSecondFactor(db, id, false);
  return role;
}
