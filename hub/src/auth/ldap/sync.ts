/**
 * The periodic group sync: every directory-backed account is looked up again (as the service
 * account) and given the roles its groups map to now. An account that lost every mapped group,
 * or whose entry is gone, loses its access and its sessions at once, and the audit log says so.
 * When the directory cannot be reached nothing is changed: an outage must not lock everyone out.
 * @module
 */
import { eq } from 'drizzle-orm';
import { recordEvent } from '../../audit/audit-log.js';
import { ldapAccounts, users } from '../../db/schema.js';
import type { HubDeps } from '../../types.js';
import { endSessionsOfUser } from '../session-revoke.js';
import { findUser, groupsOf, LdapError, withService } from './directory.js';
import { applyRoles, mappedRoles } from './role-sync.js';
import { type LastSync, ldapContext, recordLastSync } from './settings-store.js';

export async function syncDirectory(deps: HubDeps): Promise<LastSync> {
  const ctx = ldapContext(deps);
  const settings = await ctx.settings();
  const at = () => new Date().toISOString();
  if (!settings?.enabled) return { at: at(), users: 0, revoked: 0, error: 'LDAP sign-in is off' };
  const accounts = await deps.db
    .select({
      userId: ldapAccounts.userId,
      ldapUsername: ldapAccounts.ldapUsername,
      username: users.username,
    })
    .from(ldapAccounts)
    .innerJoin(users, eq(users.id, ldapAccounts.userId));
  let revoked = 0;
  let result: LastSync;
  try {
    // Look everything up first, then write: a directory failure halfway changes nobody.
    const found = await withService(settings, async (client) => {
      const out: { userId: string; username: string; dn: string | undefined; groups: string[] }[] = [];
      for (const a of accounts) {
        const entry = await findUser(client, settings, a.ldapUsername);
        out.push({ ...a, dn: entry?.dn, groups: entry ? await groupsOf(client, settings, entry) : [] });
      }
      return out;
    });
    for (const a of found) {
      const access = await applyRoles(deps.db, a.userId, mappedRoles(settings, a.groups), {
        dn: a.dn ?? '',
      });
      if (access.after) continue;
      const ended = await endSessionsOfUser(deps, a.userId);
      if (!access.before && ended === 0) continue;
      revoked++;
      await recordEvent(deps.db, {
        actor: { id: null, name: 'ldap-sync' },
        ip: null,
        action: 'auth.ldap.access_removed',
        objectType: 'user',
        objectId: a.userId,
        objectName: a.username,
        outcome: 'ok',
        message: `${a.dn ? 'in no mapped group any more' : 'no longer found in the directory'}; ${ended} session(s) ended`,
      });
    }
    result = { at: at(), users: found.length, revoked, error: null };
  } catch (error) {
    if (!(error instanceof LdapError)) throw error;
    deps.log.warn({ module: 'ldap', code: error.code, err: error.message }, 'directory sync failed');
    result = { at: at(), users: 0, revoked: 0, error: error.message };
  }
  await recordLastSync(deps.db, result);
  return result;
}

/**
 * Runs the sync every `syncIntervalSeconds` (read from the settings at each 1 s tick, so a
 * change applies without a restart). Returns the stop function for `deps.onClose`.
 */
export function startSyncLoop(deps: HubDeps, tickMs = 1000): () => void {
  const ctx = ldapContext(deps);
  let last = Date.now();
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      const settings = await ctx.settings();
      if (!settings?.enabled || Date.now() - last < settings.syncIntervalSeconds * 1000) return;
      last = Date.now();
      await syncDirectory(deps);
    })()
      .catch((error: unknown) => deps.log.error({ module: 'ldap', err: error }, 'directory sync crashed'))
      .finally(() => {
        running = false;
      });
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
