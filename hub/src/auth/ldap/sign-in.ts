/**
 * The directory's part of password sign-in. A user whose account is directory-backed (a row in
 * `ldap_accounts`) is checked by search-then-bind only, never against a local hash; an unknown
 * name goes to the directory when auto-provisioning is on; every other local account is left to
 * the local password check. The caller (auth/routes.ts) keeps regulation, the disabled check,
 * the second-factor gate and the audit log exactly as for local accounts.
 * @module
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ldapAccounts, users } from '../../db/schema.js';
import { HubError } from '../../errors.js';
import type { HubDeps } from '../../types.js';
import { endSessionsOfUser } from '../session-revoke.js';
import { findUserByName, type UserRecord } from '../users.js';
import { authenticate, LdapError } from './directory.js';
import { applyRoles, mappedRoles } from './role-sync.js';
import { ldapContext } from './settings-store.js';

/**
 * Stored as a directory-backed user's password hash: not a PHC string, so no password ever
 * verifies against it, and a directory user never signs in with a local password.
 */
export const DIRECTORY_PASSWORD_HASH = '!ldap';

export type DirectorySignIn =
  /** Not the directory's business: check the local password. */
  | { kind: 'local' }
  | { kind: 'ok'; user: UserRecord }
  /** Unknown name or wrong password: a failed sign-in like any other. */
  | { kind: 'failed'; user: UserRecord | undefined }
  /** The password is right but no mapped group grants access (any sessions were ended). */
  | { kind: 'no_access'; user: UserRecord | undefined };

export async function isDirectoryUser(db: Db, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: ldapAccounts.userId })
    .from(ldapAccounts)
    .where(eq(ldapAccounts.userId, userId));
  return Boolean(row);
}

export async function directorySignIn(
  deps: HubDeps,
  existing: UserRecord | undefined,
  username: string,
  password: string,
): Promise<DirectorySignIn> {
  const ctx = ldapContext(deps);
  const [account] = existing
    ? await deps.db.select().from(ldapAccounts).where(eq(ldapAccounts.userId, existing.id))
    : [];
  if (existing && !account) return { kind: 'local' };
  const settings = await ctx.settings();
  if (!settings?.enabled) return account ? { kind: 'failed', user: existing } : { kind: 'local' };
  if (!existing && !settings.autoProvision) return { kind: 'local' };

  let auth: Awaited<ReturnType<typeof authenticate>>;
  try {
    auth = await authenticate(settings, account?.ldapUsername ?? username, password);
  } catch (error) {
    if (!(error instanceof LdapError)) throw error;
    deps.log.warn({ module: 'ldap', code: error.code, err: error.message }, 'directory sign-in failed');
    throw new HubError('timeout', 'the directory (LDAP) cannot be reached for sign-in; try again later', {
      cause: error,
    });
  }
  if (auth.kind !== 'ok') return { kind: 'failed', user: existing };
  const keys = mappedRoles(settings, auth.groups);
  const entry = { dn: auth.user.dn, email: auth.user.email, displayName: auth.user.displayName };

  let user = existing;
  if (!user) {
    // The name typed in another case ("Alice"): the directory's spelling finds the account. A
    // local account holding that name is never taken over.
    const named = await findUserByName(deps.db, auth.user.username);
    if (named) {
      if (!(await isDirectoryUser(deps.db, named.id))) return { kind: 'failed', user: undefined };
      user = named;
    }
  }
  if (!user) {
    if (keys.length === 0) return { kind: 'no_access', user: undefined };
    user = await deps.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(users)
        .values({ username: auth.user.username, passwordHash: DIRECTORY_PASSWORD_HASH, role: null })
        .returning();
      if (!created) throw new Error('user insert returned no row');
      await tx
        .insert(ldapAccounts)
        .values({ userId: created.id, dn: auth.user.dn, ldapUsername: auth.user.username });
      return created;
    });
    deps.log.info({ module: 'ldap', username: user.username }, 'directory user provisioned');
  }
  const access = await applyRoles(deps.db, user.id, keys, entry);
  if (!access.after) {
    await endSessionsOfUser(deps, user.id);
    return { kind: 'no_access', user };
  }
  await deps.db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
  const [fresh] = await deps.db.select().from(users).where(eq(users.id, user.id));
  return { kind: 'ok', user: fresh ?? user };
}
