/**
 * Tables for what containers do (issue 3): the engines' event stream, and health and restart
 * state with its history. Events are unique on their identity (host, engine, time in ns, object,
 * action), so an agent replaying its stream after a reconnect stores nothing twice.
 * @module
 */
import {
  bigint,
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
// The foreign key to hosts (ON DELETE CASCADE) is in the hand-written migration 0004; declaring
// it here would import schema.ts, which re-exports this file (an import cycle).
const hostRef = () => uuid('host_id').notNull();

export const containerEvents = pgTable(
  'container_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    hostId: hostRef(),
    engineId: text('engine_id').notNull(),
    /** The hub's container id (see containers/container-id.ts); null for image/volume/network events. */
    containerId: text('container_id'),
    actorId: text('actor_id').notNull(),
    type: text('type').notNull(),
    action: text('action').notNull(),
    time: tstz('time').notNull(),
    /** Epoch ns as digits: part of the identity, beyond what a timestamptz holds. */
    timeNano: text('time_nano').notNull(),
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('container_events_identity_idx').on(
      t.hostId,
      t.engineId,
      t.timeNano,
      t.type,
      t.actorId,
      t.action,
    ),
    index('container_events_container_time_idx').on(t.containerId, t.time),
    index('container_events_host_time_idx').on(t.hostId, t.time),
  ],
);

/** Latest health and restart state per container (the hub's container id). */
export const containerHealth = pgTable('container_health', {
  containerId: text('container_id').primaryKey(),
  hostId: hostRef(),
  status: text('status').notNull(),
  failingStreak: integer('failing_streak').notNull(),
  restartCount: integer('restart_count').notNull(),
  exitCode: integer('exit_code').notNull(),
  oomKilled: boolean('oom_killed').notNull(),
  startedAt: tstz('started_at'),
  finishedAt: tstz('finished_at'),
  log: jsonb('log').notNull(),
  checkedAt: tstz('checked_at').notNull(),
});

/** One row whenever a container's health status or restart count changed. */
export const containerHealthHistory = pgTable(
  'container_health_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    containerId: text('container_id').notNull(),
    hostId: hostRef(),
    ts: tstz('ts').notNull(),
    status: text('status').notNull(),
    failingStreak: integer('failing_streak').notNull(),
    restartCount: integer('restart_count').notNull(),
    exitCode: integer('exit_code').notNull(),
    oomKilled: boolean('oom_killed').notNull(),
  },
  (t) => [index('container_health_history_container_ts_idx').on(t.containerId, t.ts)],
);
