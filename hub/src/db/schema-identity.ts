/**
 * Identity and access tables (migration 0015_identity): custom roles, groups and their members,
 * role bindings with optional host scopes, invites, API keys, and the password history.
 * Foreign keys to users(id) are declared in the migration only (importing schema.ts here would
 * make an import cycle); every one cascades on delete.
 * @module
 */
import type { Permission, Scope } from '@unity/shared';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => tstz('created_at').notNull().defaultNow();

/** Custom roles; the built-in ones live in code (auth/permissions.ts) and are not stored. */
export const roles = pgTable('roles', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  permissions: jsonb('permissions').$type<Permission[]>().notNull(),
  createdAt: createdAt(),
});

export const userGroups = pgTable('user_groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
});

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id').notNull(),
    userId: uuid('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);

/**
 * A role granted to a user or a group, everywhere (scope null) or on some hosts only.
 * `role_key` is a built-in role's name or a custom role's id.
 */
export const roleBindings = pgTable(
  'role_bindings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roleKey: text('role_key').notNull(),
    userId: uuid('user_id'),
    groupId: uuid('group_id'),
    scope: jsonb('scope').$type<Scope>(),
    createdAt: createdAt(),
  },
  (t) => [index('role_bindings_user_idx').on(t.userId), index('role_bindings_group_idx').on(t.groupId)],
);

/** One-time invite links; only the token's sha256 is kept. */
export const invites = pgTable('invites', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull().unique(),
  role: text('role', { enum: ['admin', 'editor', 'viewer'] }),
  note: text('note').notNull().default(''),
  expiresAt: tstz('expires_at').notNull(),
  createdBy: uuid('created_by'),
  usedAt: tstz('used_at'),
  createdAt: createdAt(),
});

/** API keys: the secret's sha256 only, with its owner, scope of permissions and use counters. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    name: text('name').notNull(),
    /** The first characters of the key, shown in lists so a user can tell keys apart. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull().unique(),
    permissions: jsonb('permissions').$type<Permission[]>().notNull(),
    expiresAt: tstz('expires_at'),
    lastUsedAt: tstz('last_used_at'),
    useCount: integer('use_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('api_keys_user_idx').on(t.userId)],
);

/** Earlier password hashes, for the optional "no reuse of the last N" rule. */
export const passwordHistory = pgTable(
  'password_history',
  {
    userId: uuid('user_id').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('password_history_user_idx').on(t.userId)],
);
