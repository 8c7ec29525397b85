/**
 * Identity-provider tables (issue 9, migration 0024_sso): providers, the external accounts
 * linked to local users, and the SSO settings row. Foreign keys to users(id) are declared in the
 * migration only (importing schema.ts here would make an import cycle); each cascades.
 * @module
 */
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const ssoProviders = pgTable('sso_providers', {
  /** A slug chosen by the admin; it appears in the redirect URI, so it never changes. */
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['oidc', 'google', 'gitlab', 'github'] }).notNull(),
  name: text('name').notNull(),
  /** The OIDC issuer, or GitLab's / GitHub's base URL (empty: the public service). */
  issuer: text('issuer').notNull().default(''),
  clientId: text('client_id').notNull(),
  /** AES-256-GCM under the hub's secret key, the provider id as associated data; never returned. */
  clientSecretSealed: text('client_secret_sealed').notNull().default(''),
  scopes: text('scopes').notNull().default(''),
  enabled: boolean('enabled').notNull().default(true),
  autoProvision: boolean('auto_provision').notNull().default(false),
  allowedDomains: jsonb('allowed_domains').$type<string[]>().notNull().default([]),
  allowedOrgs: jsonb('allowed_orgs').$type<string[]>().notNull().default([]),
  roleClaim: text('role_claim').notNull().default(''),
  roleMapping: jsonb('role_mapping')
    .$type<{ value: string; role: 'admin' | 'editor' | 'viewer' }[]>()
    .notNull()
    .default([]),
  defaultRole: text('default_role', { enum: ['admin', 'editor', 'viewer'] }),
  /** Defined by UNITY_SSO_PROVIDERS: read-only through the API, rewritten at every start. */
  fromEnv: boolean('from_env').notNull().default(false),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

export const ssoIdentities = pgTable(
  'sso_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    providerId: text('provider_id').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id').notNull(),
    email: text('email').notNull().default(''),
    /** The provider created the account (auto-provisioning): its role rules keep the role in step. */
    provisioned: boolean('provisioned').notNull().default(false),
    lastUsedAt: tstz('last_used_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sso_identities_provider_subject_idx').on(t.providerId, t.subject),
    index('sso_identities_user_idx').on(t.userId),
  ],
);

export const ssoSettings = pgTable('sso_settings', {
  id: integer('id').primaryKey().default(1),
  passwordSignIn: boolean('password_sign_in').notNull().default(true),
});
