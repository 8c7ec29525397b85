/**
 * Unity as an OpenID Connect provider (issue 9, migration 0025_oidc_provider): the relying
 * parties admins registered, the provider's signing and cookie keys (sealed with the hub's
 * secret key) and the provider's own state (sessions, interactions, grants, codes, tokens) as
 * one payload table, the shape oidc-provider's Adapter interface expects.
 * @module
 */
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => tstz('created_at').notNull().defaultNow();

export const oidcClients = pgTable('oidc_clients', {
  /** The OAuth client_id: random, not guessable, never reused. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** `confidential` authenticates with its secret at the token endpoint; `public` with PKCE only. */
  kind: text('kind', { enum: ['confidential', 'public'] }).notNull(),
  /** AES-256-GCM under the hub's secret key (client id as associated data); null for public clients. */
  secretSealed: text('secret_sealed'),
  redirectUris: jsonb('redirect_uris').$type<string[]>().notNull(),
  postLogoutRedirectUris: jsonb('post_logout_redirect_uris').$type<string[]>().notNull(),
  scopes: jsonb('scopes').$type<string[]>().notNull(),
  createdBy: uuid('created_by'),
  createdAt: createdAt(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const oidcKeys = pgTable('oidc_keys', {
  kid: text('kid').primaryKey(),
  /** `sig`: an ID token signing key (private JWK, sealed); `cookie`: a cookie signing secret. */
  use: text('use', { enum: ['sig', 'cookie'] }).notNull(),
  sealed: text('sealed').notNull(),
  createdAt: createdAt(),
  /** Set when a newer key took over: still published until the tokens it signed expire. */
  retiredAt: tstz('retired_at'),
});

export const oidcPayloads = pgTable(
  'oidc_payloads',
  {
    model: text('model').notNull(),
    id: text('id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    grantId: text('grant_id'),
    userCode: text('user_code'),
    uid: text('uid'),
    expiresAt: tstz('expires_at'),
    consumedAt: tstz('consumed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.model, t.id] }),
    index('oidc_payloads_grant_idx').on(t.grantId),
    index('oidc_payloads_uid_idx').on(t.uid),
    index('oidc_payloads_expires_idx').on(t.expiresAt),
  ],
);
