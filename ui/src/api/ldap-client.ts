/**
 * The LDAP settings endpoints (admins): read the settings (the bind password only as "set"),
 * save them, test a connection with the form's current values, and run the group sync now.
 * Answers are parsed with the shared zod schemas.
 * @module
 */
import {
  type LdapSettingsUpdate,
  type LdapSettingsView,
  LdapSettingsViewSchema,
  type LdapSyncResult,
  LdapSyncResultSchema,
  type LdapTestResult,
  LdapTestResultSchema,
} from '@unity/shared';
import { type ApiResult, request } from './client.js';

type Parser<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false } };

async function parsed<T>(call: Promise<ApiResult<unknown>>, schema: Parser<T>): Promise<ApiResult<T>> {
  const res = await call;
  if (!res.ok) return res;
  const p = schema.safeParse(res.value);
  return p.success
    ? { ok: true, value: p.data }
    : { ok: false, error: { status: 200, code: 'internal', message: 'The hub sent an unexpected answer.' } };
}

export const ldapApi = {
  settings: (): Promise<ApiResult<LdapSettingsView>> =>
    parsed(request('/api/ldap/settings'), LdapSettingsViewSchema),
  save: (settings: LdapSettingsUpdate): Promise<ApiResult<LdapSettingsView>> =>
    parsed(request('/api/ldap/settings', { method: 'PUT', body: settings }), LdapSettingsViewSchema),
  test: (settings: LdapSettingsUpdate, username?: string): Promise<ApiResult<LdapTestResult>> =>
    parsed(
      request('/api/ldap/test', { method: 'POST', body: { settings, ...(username ? { username } : {}) } }),
      LdapTestResultSchema,
    ),
  sync: (): Promise<ApiResult<LdapSyncResult>> =>
    parsed(request('/api/ldap/sync', { method: 'POST', body: {} }), LdapSyncResultSchema),
};
