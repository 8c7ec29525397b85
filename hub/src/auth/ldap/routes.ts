/**
 * `/api/ldap` for admins: the directory settings (GET with `settings:read`; the bind password
 * is never returned), saving them, "test connection" and "sync now". Saving, testing and
 * syncing need every permission unscoped (the admin role): a group mapping can grant any role,
 * so `settings:write` alone must not be turned into admin rights. Changing the URL or the bind
 * DN needs the bind password typed again, so the stored one is never sent to a new server.
 * Starts the periodic group sync (stopped on hub close).
 * @module
 */
import {
  type LdapSettingsUpdate,
  LdapSettingsUpdateSchema,
  LdapTestRequestSchema,
  type LdapTestResult,
  type Me,
} from '@unity/shared';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { recordEvent } from '../../audit/audit-log.js';
import { badRequest, forbidden, unauthorized } from '../../errors.js';
import { clientIp } from '../../http/client-ip.js';
import { jsonBody } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { notGrantable } from '../access.js';
import { ALL_PERMISSIONS } from '../permissions.js';
import { permit } from '../require-permission.js';
import { probeDirectory } from './probe.js';
import {
  type LdapContext,
  ldapContext,
  saveSettings,
  settingsView,
  withStoredPassword,
} from './settings-store.js';
import { startSyncLoop, syncDirectory } from './sync.js';

const audit = (
  deps: HubDeps,
  c: Context<HubEnv>,
  user: Me,
  action: string,
  outcome: string,
  message: string,
) =>
  recordEvent(deps.db, {
    actor: { id: user.id, name: user.username },
    ip: clientIp(c),
    action,
    objectType: 'settings',
    objectId: 'ldap',
    objectName: 'LDAP',
    outcome,
    message,
  });

/** Only a caller holding every permission everywhere; a refusal is audited. */
function fullAdmin(deps: HubDeps, action: string): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!user) throw unauthorized('sign in first');
    if (notGrantable(c.get('access'), ALL_PERMISSIONS).length > 0) {
      await audit(deps, c, user, action, 'forbidden', 'needs the admin role');
      throw forbidden('LDAP settings need the admin role: their group mappings can grant any role');
    }
    await next();
  };
}

/** Names the changed fields (never a value of the password) for the audit log. */
async function changes(ctx: LdapContext, next: LdapSettingsUpdate): Promise<string> {
  const before = await ctx.settings();
  const changed = Object.keys(next).filter((k) => {
    if (k === 'bindPassword') return next.bindPassword !== undefined;
    const key = k as keyof typeof next;
    return JSON.stringify(before?.[key as keyof typeof before]) !== JSON.stringify(next[key]);
  });
  return changed.length ? `changed: ${changed.join(', ')}` : 'no change';
}

/** The stored password may only go to the server (and as the DN) it was entered for. */
async function assertPasswordStaysPut(ctx: LdapContext, next: LdapSettingsUpdate): Promise<void> {
  if (next.bindPassword !== undefined) return;
  const current = await ctx.settings();
  if (!current?.bindPassword) return;
  if (current.url !== next.url || current.bindDn !== next.bindDn) {
    throw badRequest('enter the bind password again when changing the URL or the bind DN');
  }
}

export function ldapRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const ctx = ldapContext(deps);
  deps.onClose(startSyncLoop(deps));

  app.get('/settings', permit('settings', 'read'), async (c) => c.json(await settingsView(deps.db)));

  app.put('/settings', fullAdmin(deps, 'config.ldap.update'), async (c) => {
    const user = c.get('user') as Me;
    const next = await jsonBody(c, LdapSettingsUpdateSchema);
    await assertPasswordStaysPut(ctx, next);
    const message = await changes(ctx, next);
    await saveSettings(ctx, next);
    deps.log.info({ module: 'ldap', by: user.username, changes: message }, 'LDAP settings saved');
    await audit(deps, c, user, 'config.ldap.update', 'ok', message);
    return c.json(await settingsView(deps.db));
  });

  // The form's current values (unsaved) are tested; without them, the saved settings.
  app.post('/test', fullAdmin(deps, 'config.ldap.test'), async (c) => {
    const body = await jsonBody(
      c,
      z.object({ settings: LdapSettingsUpdateSchema.optional(), ...LdapTestRequestSchema.shape }),
    );
    let settings = await ctx.settings();
    if (body.settings) {
      await assertPasswordStaysPut(ctx, body.settings);
      settings = await withStoredPassword(ctx, body.settings);
    }
    if (!settings) throw badRequest("no LDAP settings saved yet: send the form's settings to test them");
    const result: LdapTestResult = await probeDirectory(settings, body.username);
    return c.json(result);
  });

  app.post('/sync', fullAdmin(deps, 'auth.ldap.sync'), async (c) => {
    const user = c.get('user') as Me;
    const result = await syncDirectory(deps);
    await audit(
      deps,
      c,
      user,
      'auth.ldap.sync',
      result.error ? 'failed' : 'ok',
      result.error ?? `${result.users} user(s) synced, ${result.revoked} lost access`,
    );
    return c.json({ users: result.users, revoked: result.revoked, error: result.error });
  });

  return app;
}
