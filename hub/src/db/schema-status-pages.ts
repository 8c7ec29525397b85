/**
 * Status page tables (issue 7): pages with their chosen items, incidents and their updates,
 * maintenance notices. Written by hand in migration 0019_status_pages.
 * @module
 */
import type { StatusItem } from '@unity/shared';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const statusPages = pgTable(
  'status_pages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    theme: text('theme', { enum: ['auto', 'light', 'dark'] })
      .notNull()
      .default('auto'),
    published: boolean('published').notNull().default(false),
    /** The chosen probes and containers, in page order, as validated (StatusItemSchema). */
    items: jsonb('items').$type<StatusItem[]>().notNull().default([]),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('status_pages_slug_idx').on(t.slug)],
);

export const statusIncidents = pgTable(
  'status_incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    pageId: uuid('page_id')
      .notNull()
      .references(() => statusPages.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    severity: text('severity', { enum: ['minor', 'major', 'critical'] }).notNull(),
    /** The latest update's status. */
    status: text('status', { enum: ['investigating', 'identified', 'monitoring', 'resolved'] }).notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    resolvedAt: tstz('resolved_at'),
  },
  (t) => [index('status_incidents_page_idx').on(t.pageId, t.createdAt)],
);

export const statusIncidentUpdates = pgTable(
  'status_incident_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => statusIncidents.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['investigating', 'identified', 'monitoring', 'resolved'] }).notNull(),
    message: text('message').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('status_incident_updates_incident_idx').on(t.incidentId, t.createdAt)],
);

export const statusMaintenance = pgTable(
  'status_maintenance',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    pageId: uuid('page_id')
      .notNull()
      .references(() => statusPages.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    message: text('message').notNull().default(''),
    startsAt: tstz('starts_at').notNull(),
    endsAt: tstz('ends_at').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('status_maintenance_page_idx').on(t.pageId, t.endsAt)],
);
