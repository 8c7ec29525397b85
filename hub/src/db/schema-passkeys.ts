/**
 * Passkey and e-mailed code tables (issue 9, migration 0027_passkeys_email_codes): WebAuthn
 * credentials, the pending ceremony challenges, one-time codes mailed to users and the address
 * each user proved they read. Foreign keys to users(id) are declared in the migration only
 * (importing schema.ts here would make an import cycle); each cascades.
 * @module
 */
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const passkeys = pgTable(
  'passkeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    /** The credential id (base64url), unique across the hub: it names the user at passwordless sign-in. */
    credentialId: text('credential_id').notNull().unique(),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** The authenticator's signature counter; a value not above it is a cloned authenticator. */
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: jsonb('transports').$type<string[]>().notNull().default([]),
    name: text('name').notNull(),
    backedUp: boolean('backed_up').notNull().default(false),
    createdAt: tstz('created_at').notNull().defaultNow(),
    lastUsedAt: tstz('last_used_at'),
  },
  (t) => [index('passkeys_user_idx').on(t.userId)],
);

/** A challenge handed to a browser, deleted by the one response that uses it. */
export const webauthnChallenges = pgTable('webauthn_challenges', {
  challenge: text('challenge').primaryKey(),
  /** register | second_factor | passwordless */
  purpose: text('purpose').notNull(),
  /** The user it was issued to; null for passwordless sign-in (the credential names the user). */
  userId: uuid('user_id'),
  expiresAt: tstz('expires_at').notNull(),
});

/** One live code per user and purpose (sign_in | verify_email); only its keyed hash is kept. */
export const emailCodes = pgTable(
  'email_codes',
  {
    userId: uuid('user_id').notNull(),
    purpose: text('purpose').notNull(),
    codeHash: text('code_hash').notNull(),
    /** The address it went to: a verify_email code proves that address only. */
    address: text('address').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    sentAt: tstz('sent_at').notNull(),
    /** Wrong guesses at this code; it dies at the limit. */
    failures: integer('failures').notNull().default(0),
    /** Mails sent since windowStart (the hourly send limit). */
    sends: integer('sends').notNull().default(1),
    windowStart: tstz('window_start').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.purpose] })],
);

/** The address a user proved to read; verified while it equals the account's e-mail. */
export const emailVerifications = pgTable('email_verifications', {
  userId: uuid('user_id').primaryKey(),
  address: text('address').notNull(),
  verifiedAt: tstz('verified_at').notNull(),
});
