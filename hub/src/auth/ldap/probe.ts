/**
 * The settings page's "test connection": connect (with TLS as configured), bind as the service
 * account, count what the user and group searches find, and optionally look one user up the way
 * sign-in would (without their password), so an admin sees which step fails and why.
 * @module
 */
import type { LdapTestResult } from '@unity/shared';
import { SizeLimitExceededError } from 'ldapts';
import { findUser, groupsOf, LdapError, withService } from './directory.js';
import { escapeFilterValue } from './filter.js';
import { mappedRoles } from './role-sync.js';
import type { LdapSettings } from './settings-store.js';

const COUNT_LIMIT = 1000;

const ANY_GROUP =
  '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup)(objectClass=group))';

export async function probeDirectory(settings: LdapSettings, username?: string): Promise<LdapTestResult> {
  const empty = { usersFound: null, groupsFound: null, user: null };
  try {
    return await withService(settings, async (client) => {
      const count = async (base: string, filter: string) => {
        try {
          const { searchEntries } = await client.search(base, {
            scope: 'sub',
            filter,
            attributes: ['1.1'],
            sizeLimit: COUNT_LIMIT,
          });
          return searchEntries.length;
        } catch (error) {
          if (error instanceof SizeLimitExceededError) return COUNT_LIMIT;
          throw error;
        }
      };
      // `{username}` as a presence-like `*`: every entry the filter could ever match.
      const usersFound = await count(settings.userBase, settings.userFilter.replaceAll('{username}', '*'));
      const groupsFound = await count(
        settings.groupBase,
        settings.groupFilter ? `(&${ANY_GROUP}${settings.groupFilter})` : ANY_GROUP,
      );
      let user: LdapTestResult['user'] = null;
      let message = `connected and bound; ${usersFound} user(s) and ${groupsFound} group(s) found`;
      if (username) {
        const entry = await findUser(client, settings, username);
        if (entry) {
          const groups = await groupsOf(client, settings, entry);
          user = { ...entry, groups, roles: mappedRoles(settings, groups) };
          message += `; ${username} is ${entry.dn}, in ${groups.length} group(s)`;
        } else {
          message += `; no single entry matches ${escapeFilterValue(username)}`;
        }
      }
      return { ok: true, step: 'done', message, usersFound, groupsFound, user };
    });
  } catch (error) {
    if (!(error instanceof LdapError)) throw error;
    const step = error.code === 'service_bind' ? 'bind' : error.code === 'search' ? 'search' : 'connect';
    return { ok: false, step, message: error.message, ...empty };
  }
}
