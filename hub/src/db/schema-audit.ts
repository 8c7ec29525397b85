/**
 * Tables of container actions and image scans: the audit log of every action attempt (also the
 * refused ones) and the latest vulnerability scan of each image per host. Migration 0007_audit.
 * @module
 */

import type { ImageScan } from '@unity/shared';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Who did what to which object, when, from where, and how it ended. Rows are never updated. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: tstz('at').notNull().defaultNow(),
    /** Null when the user was deleted later; the name stays. */
    userId: uuid('user_id'),
    username: text('username').notNull(),
    ip: text('ip'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id').notNull(),
    objectName: text('object_name'),
    /** `ok` or the error code. */
    outcome: text('outcome').notNull(),
    message: text('message'),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

/** The latest scan of an image on a host (images are per engine, so per host). */
export const imageScans = pgTable(
  'image_scans',
  {
    /**
     * References hosts(id) on delete cascade (in the migration; not declared here, since
     * importing schema.ts from this file would make an import cycle).
     */
    hostId: uuid('host_id').notNull(),
    image: text('image').notNull(),
    scannedAt: tstz('scanned_at').notNull(),
    scan: jsonb('scan').$type<ImageScan>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.hostId, t.image] })],
);
