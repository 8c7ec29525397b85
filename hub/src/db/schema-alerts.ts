/**
 * Alerting tables (issue 5): rules (the validated spec as jsonb), the current state of every
 * alert instance (so a hub restart neither pages again nor forgets `for` progress), and the
 * history of every state change. Written by hand in migration 0009_alerts, like 0004 and 0005.
 * @module
 */
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const alertRules = pgTable('alert_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /** The AlertRuleSpec as validated (defaults applied). */
  spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
  /** Who wrote it last; the reference to users is in the migration (no import cycle). */
  updatedBy: uuid('updated_by'),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

/** One row per instance that is not inactive, or that keeps flapping history. */
export const alertInstances = pgTable(
  'alert_instances',
  {
    fingerprint: text('fingerprint').primaryKey(),
    ruleId: uuid('rule_id').notNull(),
    ruleName: text('rule_name').notNull(),
    severity: text('severity').notNull(),
    objectKey: text('object_key').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    url: text('url').notNull(),
    state: text('state').notNull(),
    activeSince: tstz('active_since'),
    firingSince: tstz('firing_since'),
    keepFiringUntil: tstz('keep_firing_until'),
    value: doublePrecision('value'),
    raised: boolean('raised').notNull(),
    vars: jsonb('vars').$type<Record<string, string>>().notNull(),
    /** Epoch ms of firing/resolved changes within the flapping window. */
    flapTimes: jsonb('flap_times').$type<number[]>().notNull(),
    flappingSince: tstz('flapping_since'),
    lastEvalAt: tstz('last_eval_at').notNull(),
  },
  (t) => [index('alert_instances_rule_idx').on(t.ruleId)],
);

/** Every state change; kept when the rule is deleted (the name is copied). */
export const alertHistory = pgTable(
  'alert_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: tstz('at').notNull(),
    fingerprint: text('fingerprint').notNull(),
    ruleId: uuid('rule_id').notNull(),
    ruleName: text('rule_name').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    value: doublePrecision('value'),
    /** The instance's object (`host:<id>`, `container:<id>`, …) for host scopes; migration 0022. */
    objectKey: text('object_key'),
  },
  (t) => [
    index('alert_history_at_idx').on(t.at),
    index('alert_history_rule_at_idx').on(t.ruleId, t.at),
    index('alert_history_fingerprint_at_idx').on(t.fingerprint, t.at),
  ],
);
