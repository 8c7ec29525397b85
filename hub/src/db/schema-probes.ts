/**
 * Probe tables (issue 7): definitions (the validated spec as jsonb, name/kind/enabled beside it
 * for listing) and one row per run per agent. Written by hand in migration 0014_probes.
 * @module
 */
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const probes = pgTable('probes', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /** The ProbeSpec as validated (defaults applied). */
  spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
  /** Marked public by its owner: /badge answers for it (0017_badges). */
  public: boolean('public').notNull().default(false),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const probeResults = pgTable(
  'probe_results',
  {
    probeId: uuid('probe_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    time: tstz('time').notNull(),
    ok: boolean('ok').notNull(),
    latencyMs: doublePrecision('latency_ms'),
    status: integer('status'),
    error: text('error'),
    certExpiresAt: tstz('cert_expires_at'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.probeId, t.time, t.agentId] }),
    index('probe_results_time_idx').on(t.time),
  ],
);

/** Push probes' ping tokens, by hash only (migration 0018_push_monitors). */
export const pushMonitors = pgTable(
  'push_monitors',
  {
    probeId: uuid('probe_id').primaryKey(),
    /** SHA-256 of the token, hex: the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    /** The last `/start` not yet closed by a success or failure. */
    startedAt: tstz('started_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('push_monitors_token_hash_idx').on(t.tokenHash)],
);
