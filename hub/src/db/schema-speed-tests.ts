/**
 * Speed tests agent ↔ hub (issue 7): one row per test, written `running` when it starts and
 * completed (or failed, with the reason) when the agent answers; and each host's schedule.
 * Written by hand in migration 0021_speed_tests.
 * @module
 */
import { doublePrecision, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const speedTests = pgTable(
  'speed_tests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** References hosts(id) ON DELETE CASCADE in the migration. */
    hostId: uuid('host_id').notNull(),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
    state: text('state', { enum: ['running', 'ok', 'failed'] }).notNull(),
    trigger: text('trigger', { enum: ['manual', 'schedule'] }).notNull(),
    requestedBy: text('requested_by'),
    phase: text('phase', { enum: ['starting', 'latency', 'download', 'upload'] }),
    percent: doublePrecision('percent'),
    downloadMbps: doublePrecision('download_mbps'),
    uploadMbps: doublePrecision('upload_mbps'),
    latencyMs: doublePrecision('latency_ms'),
    jitterMs: doublePrecision('jitter_ms'),
    downloadBytes: doublePrecision('download_bytes'),
    uploadBytes: doublePrecision('upload_bytes'),
    streams: integer('streams').notNull(),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
  },
  (t) => [index('speed_tests_host_started_idx').on(t.hostId, t.startedAt)],
);

export const speedTestSchedules = pgTable('speed_test_schedules', {
  hostId: uuid('host_id').primaryKey(),
  intervalMinutes: integer('interval_minutes').notNull(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});
