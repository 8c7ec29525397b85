/**
 * Tables for alert routing and delivery (issue 5): the notification policy tree (one row), time
 * intervals, silences, inhibition rules, escalation chains, acknowledgements (current ones and a
 * log of every ack, for MTTA) and the dispatcher's per-group state, so a restarted hub neither
 * pages again for what it announced nor loses an escalation's place.
 * @module
 */
import type { EscalationStep, Matcher, NotificationPolicy, TimeIntervalSpec } from '@unity/shared';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const now = (name: string) => tstz(name).notNull().defaultNow();

/** A single row (id = 1); absent until the first save, when the built-in default applies. */
export const notificationPolicy = pgTable('notification_policy', {
  id: integer('id').primaryKey(),
  policy: jsonb('policy').$type<NotificationPolicy>().notNull(),
  updatedAt: now('updated_at'),
  updatedBy: text('updated_by'),
});

export const timeIntervals = pgTable('time_intervals', {
  name: text('name').primaryKey(),
  timeIntervals: jsonb('time_intervals').$type<TimeIntervalSpec[]>().notNull(),
  createdAt: now('created_at'),
  updatedAt: now('updated_at'),
});

export const silences = pgTable(
  'silences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    matchers: jsonb('matchers').$type<Matcher[]>().notNull(),
    startsAt: tstz('starts_at').notNull(),
    endsAt: tstz('ends_at').notNull(),
    schedule: jsonb('schedule').$type<TimeIntervalSpec[]>(),
    createdBy: text('created_by').notNull(),
    comment: text('comment').notNull(),
    createdAt: now('created_at'),
    updatedAt: now('updated_at'),
  },
  (t) => [index('silences_ends_at_idx').on(t.endsAt)],
);

export const inhibitionRules = pgTable('inhibition_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  sourceMatchers: jsonb('source_matchers').$type<Matcher[]>().notNull(),
  targetMatchers: jsonb('target_matchers').$type<Matcher[]>().notNull(),
  equal: jsonb('equal').$type<string[]>().notNull(),
  createdAt: now('created_at'),
  updatedAt: now('updated_at'),
});

export const escalationChains = pgTable('escalation_chains', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  steps: jsonb('steps').$type<EscalationStep[]>().notNull(),
  repeat: integer('repeat').notNull(),
  createdAt: now('created_at'),
  updatedAt: now('updated_at'),
});

/** The ack in force per alert; it ends when the alert resolves or the ack times out. */
export const alertAcks = pgTable('alert_acks', {
  fingerprint: text('fingerprint').primaryKey(),
  alertStartsAt: tstz('alert_starts_at').notNull(),
  acknowledgedBy: text('acknowledged_by').notNull(),
  acknowledgedAt: tstz('acknowledged_at').notNull(),
  comment: text('comment'),
  expiresAt: tstz('expires_at'),
});

/** Every ack ever given (who, when, which firing episode): what MTTA is computed from. */
export const alertAckLog = pgTable(
  'alert_ack_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    fingerprint: text('fingerprint').notNull(),
    alertStartsAt: tstz('alert_starts_at').notNull(),
    acknowledgedBy: text('acknowledged_by').notNull(),
    acknowledgedAt: tstz('acknowledged_at').notNull(),
    comment: text('comment'),
    expiresAt: tstz('expires_at'),
  },
  (t) => [index('alert_ack_log_fingerprint_idx').on(t.fingerprint, t.alertStartsAt)],
);

/** The dispatcher's state per aggregation group (see alerts/route/router.ts, GroupState). */
export const alertDispatchGroups = pgTable('alert_dispatch_groups', {
  groupKey: text('group_key').primaryKey(),
  routeId: text('route_id').notNull(),
  groupLabels: jsonb('group_labels').$type<Record<string, string>>().notNull(),
  createdAt: tstz('created_at').notNull(),
  nextFlushAt: tstz('next_flush_at').notNull(),
  lastSentAt: tstz('last_sent_at'),
  notifiedFiring: jsonb('notified_firing').$type<string[]>().notNull(),
  notifiedHash: text('notified_hash').notNull(),
  seq: integer('seq').notNull(),
  acked: boolean('acked').notNull(),
  escalation: jsonb('escalation').$type<{
    chainId: string;
    round: number;
    step: number;
    nextAt: number | null;
    reached: string[];
  }>(),
  updatedAt: now('updated_at'),
});
