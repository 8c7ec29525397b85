/**
 * API shapes of LDAP / Active Directory sign-in (issue 9): the directory connection (URL,
 * plain, StartTLS or LDAPS, an optional CA), the service account used for search-then-bind,
 * where users and groups are searched, attribute mapping, and group DN → Unity role mappings.
 * The bind password is write-only: the view says only whether one is set.
 * @module
 */
import { z } from 'zod';

export const LDAP_SECURITY = ['plain', 'starttls', 'ldaps'] as const;
export const LdapSecuritySchema = z.enum(LDAP_SECURITY);
export type LdapSecurity = z.infer<typeof LdapSecuritySchema>;

const Dn = z.string().trim().max(1024);
const Attr = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'must be an attribute name (letters, digits, hyphen)');

/** A search filter template: must keep its parentheses balanced and name `{username}` once or more. */
const UserFilter = z
  .string()
  .trim()
  .min(3)
  .max(1024)
  .refine((f) => f.startsWith('(') && f.endsWith(')'), 'must be an LDAP filter in parentheses')
  .refine((f) => f.includes('{username}'), 'must contain {username} where the sign-in name goes');

const GroupFilter = z
  .string()
  .trim()
  .min(3)
  .max(1024)
  .refine((f) => f.startsWith('(') && f.endsWith(')'), 'must be an LDAP filter in parentheses');

export const LdapRoleMappingSchema = z.object({
  /** The group's distinguished name, compared case-insensitively. */
  groupDn: Dn.min(3),
  /** A built-in role's name (admin, editor, viewer) or a custom role's id. */
  role: z.string().trim().min(1).max(64),
});
export type LdapRoleMapping = z.infer<typeof LdapRoleMappingSchema>;

/** Everything but the bind password: what GET answers and PUT takes. */
const LdapSettingsFields = {
  enabled: z.boolean(),
  /** `ldap://host:389` or `ldaps://host:636`. */
  url: z
    .string()
    .trim()
    .regex(/^ldaps?:\/\/[^\s/]+\/?$/, 'must be ldap://host[:port] or ldaps://host[:port]'),
  security: LdapSecuritySchema,
  /** PEM of the CA that signed the directory's certificate; empty to use the system's. */
  caCertificate: z.string().trim().max(65_536),
  /** Verify the server's certificate (on by default; off only for a lab). */
  verifyCertificate: z.boolean(),
  bindDn: Dn,
  userBase: Dn.min(3),
  userFilter: UserFilter,
  groupBase: Dn.min(3),
  /** Extra condition ANDed into the group search, e.g. `(cn=unity-*)`; empty for none. */
  groupFilter: z.union([z.literal(''), GroupFilter]),
  usernameAttribute: Attr,
  emailAttribute: Attr,
  displayNameAttribute: Attr,
  /** Create a Unity account at the first sign-in of a directory user in a mapped group. */
  autoProvision: z.boolean(),
  mappings: z.array(LdapRoleMappingSchema).max(200),
  syncIntervalSeconds: z.number().int().min(1).max(86_400),
  timeoutMs: z.number().int().min(100).max(60_000),
};

export const LdapSettingsViewSchema = z.object({
  ...LdapSettingsFields,
  bindPasswordSet: z.boolean(),
  lastSync: z
    .object({ at: z.string(), users: z.number(), revoked: z.number(), error: z.string().nullable() })
    .nullable(),
});
export type LdapSettingsView = z.infer<typeof LdapSettingsViewSchema>;

/**
 * `PUT /api/ldap/settings`. `bindPassword` omitted keeps the stored one; an empty string clears
 * it (anonymous service bind).
 */
export const LdapSettingsUpdateSchema = z
  .object({ ...LdapSettingsFields, bindPassword: z.string().max(1024).optional() })
  .refine((s) => !(s.security === 'starttls' && s.url.startsWith('ldaps:')), {
    message: 'StartTLS upgrades a plain ldap:// connection; use security "ldaps" with an ldaps:// URL',
    path: ['security'],
  })
  .refine((s) => (s.security === 'ldaps') === s.url.startsWith('ldaps:'), {
    message: 'security "ldaps" goes with an ldaps:// URL, and only with it',
    path: ['url'],
  });
export type LdapSettingsUpdate = z.infer<typeof LdapSettingsUpdateSchema>;

/** `POST /api/ldap/test`: optionally look up one user as sign-in would (without their password). */
export const LdapTestRequestSchema = z.object({
  username: z.string().trim().min(1).max(256).optional(),
});

export const LdapTestResultSchema = z.object({
  ok: z.boolean(),
  /** Which step: connect (TCP/TLS), bind (service account), search, or done. */
  step: z.enum(['connect', 'bind', 'search', 'done']),
  message: z.string(),
  /** How many entries the user base holds under the user filter (capped), when searched. */
  usersFound: z.number().nullable(),
  groupsFound: z.number().nullable(),
  user: z
    .object({
      dn: z.string(),
      username: z.string(),
      email: z.string(),
      displayName: z.string(),
      groups: z.array(z.string()),
      roles: z.array(z.string()),
    })
    .nullable(),
});
export type LdapTestResult = z.infer<typeof LdapTestResultSchema>;

export const LdapSyncResultSchema = z.object({
  users: z.number(),
  revoked: z.number(),
  error: z.string().nullable(),
});
export type LdapSyncResult = z.infer<typeof LdapSyncResultSchema>;
