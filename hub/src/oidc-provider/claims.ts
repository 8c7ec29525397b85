/**
 * What relying parties learn about a Unity user. `sub` is the user's id (stable across renames);
 * `groups` lists the user's Unity groups and built-in role. `email_verified` is false: users set
 * their own address in their profile and Unity never checks it, so a relying party must not
 * link accounts by it.
 * @module
 */
import { eq } from 'drizzle-orm';
import type { Account } from 'oidc-provider';
import type { Db } from '../db/client.js';
import { groupMembers, userGroups, users } from '../db/schema.js';

/** Claims per scope (the `claims` configuration of oidc-provider). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'preferred_username'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
} as const;

export type UnityClaims = {
  sub: string;
  name: string;
  preferred_username: string;
  email?: string;
  email_verified: boolean;
  groups: string[];
};

/** The claims of an enabled user, or undefined (deleted or disabled: no tokens, no userinfo). */
export async function userClaims(db: Db, userId: string): Promise<UnityClaims | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) return undefined;
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabledAt) return undefined;
  const groups = await db
    .select({ name: userGroups.name })
    .from(groupMembers)
    .innerJoin(userGroups, eq(userGroups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, userId));
  return {
    sub: user.id,
    name: user.displayName || user.username,
    preferred_username: user.username,
    ...(user.email ? { email: user.email } : {}),
    email_verified: false,
    groups: [...groups.map((g) => g.name).sort(), ...(user.role ? [user.role] : [])],
  };
}

export function findAccount(db: Db) {
  return async (_ctx: unknown, id: string): Promise<Account | undefined> => {
    const claims = await userClaims(db, id);
    if (!claims) return undefined;
    return { accountId: id, claims: async () => claims };
  };
}
