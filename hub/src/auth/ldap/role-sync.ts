/**
 * Group → role: the directory's groups decide a directory-backed user's access. The highest
 * mapped built-in role (admin > editor > viewer) becomes the user's own role; mapped custom
 * roles become unscoped bindings, and `ldap_accounts.granted_roles` remembers which bindings the
 * sync made, so a later sync removes only those and never one an admin added by hand.
 * @module
 */
import type { BuiltInRole } from '@unity/shared';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ldapAccounts, roleBindings, roles, users } from '../../db/schema.js';
import { isBuiltInRole } from '../permissions.js';
import type { LdapSettings } from './settings-store.js';

/** DNs compare case-insensitively and without the spaces some tools put after commas. */
export const normalizeDn = (dn: string): string =>
  dn
    .trim()
    .toLowerCase()
    .replace(/\s*([,=+])\s*/g, '$1');

/** The role keys the mappings give to members of `groups` (each once, in mapping order). */
export function mappedRoles(settings: Pick<LdapSettings, 'mappings'>, groups: readonly string[]): string[] {
  const member = new Set(groups.map(normalizeDn));
  const keys = settings.mappings.filter((m) => member.has(normalizeDn(m.groupDn))).map((m) => m.role);
  return [...new Set(keys)];
}

const RANK: Record<BuiltInRole, number> = { viewer: 1, editor: 2, admin: 3 };

export function highestBuiltIn(keys: readonly string[]): BuiltInRole | null {
  let best: BuiltInRole | null = null;
  for (const k of keys) if (isBuiltInRole(k) && (!best || RANK[k] > RANK[best])) best = k;
  return best;
}

/**
 * Gives `userId` exactly the access `keys` describe. Returns whether the user had any
 * directory-granted access before, and has any now.
 */
export async function applyRoles(
  db: Db,
  userId: string,
  keys: readonly string[],
  /** The entry's DN ('' when it is gone: the last known one is kept) and profile. */
  entry: { dn: string; email?: string; displayName?: string },
): Promise<{ before: boolean; after: boolean }> {
  return db.transaction(async (tx) => {
    const [account] = await tx.select().from(ldapAccounts).where(eq(ldapAccounts.userId, userId));
    const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId));
    const previous = account?.grantedRoles ?? [];
    const wanted = keys.filter((k) => !isBuiltInRole(k));
    // A mapping may name a custom role deleted since: binding it would grant nothing.
    const existing = wanted.length
      ? new Set(
          (await tx.select({ id: roles.id }).from(roles).where(inArray(roles.id, wanted))).map((r) => r.id),
        )
      : new Set<string>();
    const custom = wanted.filter((k) => existing.has(k));
    const role = highestBuiltIn(keys);
    const drop = previous.filter((k) => !custom.includes(k));
    if (drop.length) {
      await tx
        .delete(roleBindings)
        .where(
          and(
            eq(roleBindings.userId, userId),
            isNull(roleBindings.scope),
            inArray(roleBindings.roleKey, drop),
          ),
        );
    }
    const add = custom.filter((k) => !previous.includes(k));
    if (add.length) await tx.insert(roleBindings).values(add.map((roleKey) => ({ roleKey, userId })));
    await tx
      .update(users)
      .set({
        role,
        ...(entry.email !== undefined ? { email: entry.email } : {}),
        ...(entry.displayName !== undefined ? { displayName: entry.displayName } : {}),
      })
      .where(eq(users.id, userId));
    await tx
      .update(ldapAccounts)
      .set({ ...(entry.dn ? { dn: entry.dn } : {}), grantedRoles: custom, syncedAt: new Date() })
      .where(eq(ldapAccounts.userId, userId));
    return { before: Boolean(user?.role) || previous.length > 0, after: role !== null || custom.length > 0 };
  });
}
