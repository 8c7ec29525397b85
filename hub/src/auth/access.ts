/**
 * What a signed-in user (or an API key) may do: every permission it holds, each either
 * everywhere or only on the hosts some scopes select. Resolved once per request from the user's
 * own built-in role, its role bindings and the bindings of its groups.
 * @module
 */
import type { Me, Permission, Scope } from '@unity/shared';
import { eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { groupMembers, roleBindings, roles, users } from '../db/schema.js';
import { BUILT_IN_ROLES, isBuiltInRole } from './permissions.js';

/** Per permission: `'all'` when granted unscoped, else the scopes it is limited to. */
export type Access = ReadonlyMap<Permission, 'all' | readonly Scope[]>;

export const NO_ACCESS: Access = new Map();

function grant(
  into: Map<Permission, 'all' | Scope[]>,
  permissions: readonly Permission[],
  scope: Scope | null,
) {
  for (const p of permissions) {
    const had = into.get(p);
    if (had === 'all') continue;
    if (scope === null) into.set(p, 'all');
    else into.set(p, [...(had ?? []), scope]);
  }
}

/** The user (when it exists and is not disabled) and its access. */
export async function resolveAccess(
  db: Db,
  userId: string,
): Promise<{ user: Me; access: Access } | undefined> {
  const [row] = await db
    .select({ id: users.id, username: users.username, role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row || row.disabledAt) return undefined;
  const access = new Map<Permission, 'all' | Scope[]>();
  if (row.role) grant(access, BUILT_IN_ROLES[row.role].permissions, null);
  const groups = db
    .select({ id: groupMembers.groupId })
    .from(groupMembers)
    .where(eq(groupMembers.userId, userId));
  const bindings = await db
    .select({ roleKey: roleBindings.roleKey, scope: roleBindings.scope })
    .from(roleBindings)
    .where(or(eq(roleBindings.userId, userId), inArray(roleBindings.groupId, groups)));
  const customIds = bindings.map((b) => b.roleKey).filter((k) => !isBuiltInRole(k));
  const custom = customIds.length
    ? new Map(
        (await db.select().from(roles).where(inArray(roles.id, customIds))).map((r) => [r.id, r.permissions]),
      )
    : new Map<string, Permission[]>();
  for (const b of bindings) {
    const permissions = isBuiltInRole(b.roleKey)
      ? BUILT_IN_ROLES[b.roleKey].permissions
      : custom.get(b.roleKey);
    if (permissions) grant(access, permissions, b.scope ?? null);
  }
  return { user: { id: row.id, username: row.username, role: row.role }, access };
}

export const can = (access: Access | undefined, p: Permission): boolean => access?.has(p) ?? false;

/** Everything held somewhere, sorted: what the UI shows and hides buttons by. */
export const permissionsOf = (access: Access): Permission[] => [...access.keys()].sort();

/** The access narrowed to `allowed` (an API key's permissions): never more than the owner's. */
export function restrictAccess(access: Access, allowed: readonly Permission[]): Access {
  const keep = new Set(allowed);
  return new Map([...access].filter(([p]) => keep.has(p)));
}

export type ScopedHost = { id: string; labels: Record<string, string> };

export function inScope(scope: Scope, host: ScopedHost): boolean {
  if (scope.hostIds?.includes(host.id)) return true;
  const labels = Object.entries(scope.labels ?? {});
  return labels.length > 0 && labels.every(([k, v]) => host.labels[k] === v);
}

/** Whether `p` is granted on this host (everywhere, or by a scope that selects it). */
export function canOnHost(access: Access | undefined, p: Permission, host: ScopedHost): boolean {
  const grantOf = access?.get(p);
  if (!grantOf) return false;
  return grantOf === 'all' || grantOf.some((s) => inScope(s, host));
}

/**
 * The permissions of `granted` that `access` does not hold everywhere. Granting a role (to a
 * user, an invite or a binding) needs every one of its permissions unscoped, so `users:write`
 * alone cannot be turned into admin rights.
 */
export const notGrantable = (access: Access | undefined, granted: readonly Permission[]): Permission[] =>
  granted.filter((p) => access?.get(p) !== 'all');
