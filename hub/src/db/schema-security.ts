/**
 * Brute-force protection's tables: failed attempts (per scope, client address and account) and
 * the temporary bans they lead to. Migration 0016_sessions_security.
 * @module
 */
import { bigserial, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One failed attempt; pruned once older than the counting window. */
export const authFailures = pgTable(
  'auth_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** What was attempted: `signin`, `enroll`, `api-key`. */
    scope: text('scope').notNull(),
    ip: text('ip').notNull(),
    /** The account named in the attempt, if any (kept as typed, unknown names included). */
    account: text('account'),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [index('auth_failures_ip_idx').on(t.scope, t.ip, t.at)],
);

/** A temporary ban of an address, or of an (account, address) pair when `account` is set. */
export const authBans = pgTable(
  'auth_bans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    scope: text('scope').notNull(),
    ip: text('ip').notNull(),
    account: text('account'),
    failures: integer('failures').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    /** Set when an admin lifted the ban early. */
    liftedAt: tstz('lifted_at'),
    liftedBy: text('lifted_by'),
  },
  (t) => [index('auth_bans_ip_idx').on(t.scope, t.ip, t.expiresAt)],
);

/**
 * Admin-managed IP rules (migration 0022): allow or deny a CIDR for people (`ui`: the UI and
 * the API) or for agents. The environment's lists apply as well and always win.
 */
export const ipRules = pgTable('ip_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  target: text('target').$type<'ui' | 'agent'>().notNull(),
  action: text('action').$type<'allow' | 'deny'>().notNull(),
  cidr: text('cidr').notNull(),
  note: text('note').notNull().default(''),
  createdBy: uuid('created_by'),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
