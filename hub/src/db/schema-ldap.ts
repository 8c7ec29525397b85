/**
 * LDAP tables (issue 9, migration 0026_ldap): the directory settings (one row) and the
 * directory-backed accounts. The foreign key to users(id) is declared in the migration only
 * (importing schema.ts here would make an import cycle); it cascades.
 * @module
 */
import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const ldapSettings = pgTable('ldap_settings', {
  id: integer('id').primaryKey(),
  /** LdapSettings without the bind password (validated with zod when read). */
  settings: jsonb('settings').$type<unknown>().notNull(),
  /** AES-256-GCM under the hub's secret key; null for an anonymous service bind. */
  bindPasswordSealed: text('bind_password_sealed'),
  lastSync: jsonb('last_sync').$type<unknown>(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const ldapAccounts = pgTable('ldap_accounts', {
  userId: uuid('user_id').primaryKey(),
  /** The entry's distinguished name at the last sign-in or sync. */
  dn: text('dn').notNull(),
  /** The directory's username attribute, searched again at every sync. */
  ldapUsername: text('ldap_username').notNull(),
  /** Custom role ids bound to the user by the sync (built-in roles go to users.role). */
  grantedRoles: jsonb('granted_roles').$type<string[]>().notNull().default([]),
  syncedAt: tstz('synced_at'),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
