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
import { type ApiResult, parsed, request } from './client.js';

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
