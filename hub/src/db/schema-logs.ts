/**
 * Shipped container log lines and the containers users chose to ship. Lines are kept by time
 * (retention deletes by `time`) and searched through a full-text index on the line
 * (`to_tsvector('simple', line)`: words as written, no stemming, in PGlite and PostgreSQL alike).
 * @module
 */
import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const logLines = pgTable(
  'log_lines',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** References hosts(id) ON DELETE CASCADE (declared in 0006_logs.sql: importing schema.ts would be a cycle). */
    hostId: uuid('host_id').notNull(),
    /** The hub's container id (containers.id), not the engine's. */
    containerId: text('container_id').notNull(),
    /** Microseconds: the engine's nanoseconds are cut; `id` keeps the order within one. */
    time: tstz('time').notNull(),
    stream: text('stream', { enum: ['stdout', 'stderr'] }).notNull(),
    level: text('level'),
    line: text('line').notNull(),
    /** The batch it arrived in, as for samples (delivery audits). */
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('log_lines_container_time_idx').on(t.containerId, t.time),
    index('log_lines_time_idx').on(t.time),
    index('log_lines_line_fts_idx').using('gin', sql`to_tsvector('simple', ${t.line})`),
  ],
);

/** Containers whose logs users chose to ship (besides those labelled `unity.logs=ship`). */
export const logShipSettings = pgTable('log_ship_settings', {
  containerId: text('container_id').primaryKey(),
  /** References hosts(id) ON DELETE CASCADE, like log_lines.host_id. */
  hostId: uuid('host_id').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
