/**
 * Alert persistence: rules (CRUD), instance states (loaded at start, saved after each
 * evaluation together with the history of its transitions, in one transaction) and history
 * queries. Works the same on PGlite and PostgreSQL.
 * @module
 */
import {
  type AlertHistoryEntry,
  type AlertInstanceState,
  type AlertInstanceView,
  type AlertRule,
  type AlertRuleSpec,
  AlertRuleSpecSchema,
  type AlertSeverity,
} from '@unity/shared';
import { and, asc, desc, eq, gte, inArray, lte, ne, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { alertHistory, alertInstances, alertRules } from '../db/schema.js';
import type { EvalOutput } from './eval/evaluate.js';
import { type EvalRule, type InstanceState, isActive } from './eval/types.js';
import { objectKeyVisible } from './object-scope.js';

const ms = (d: Date | null) => (d === null ? null : d.getTime());
const date = (n: number | null) => (n === null ? null : new Date(n));
/** float8 takes Infinity and NaN, JSON does not: such values are stored as no value. */
const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);

// ---- rules ----

type RuleRow = typeof alertRules.$inferSelect;

function toRule(row: RuleRow): AlertRule | undefined {
  const parsed = AlertRuleSpecSchema.safeParse({ ...row.spec, name: row.name, enabled: row.enabled });
  if (!parsed.success) return undefined;
  return {
    ...parsed.data,
    id: row.id,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

export async function createRule(db: Db, spec: AlertRuleSpec, userId: string | null): Promise<AlertRule> {
  const [row] = await db
    .insert(alertRules)
    .values({ name: spec.name, enabled: spec.enabled, spec, updatedBy: userId })
    .returning();
  const rule = row && toRule(row);
  if (!rule) throw new Error('stored rule does not read back');
  return rule;
}

/** Every rule, by name; a stored spec that no longer validates is left out (and reported). */
export async function listRules(db: Db): Promise<{ rules: AlertRule[]; invalid: string[] }> {
  const rows = await db.select().from(alertRules).orderBy(asc(alertRules.name), asc(alertRules.id));
  const rules: AlertRule[] = [];
  const invalid: string[] = [];
  for (const row of rows) {
    const rule = toRule(row);
    if (rule) rules.push(rule);
    else invalid.push(row.id);
  }
  return { rules, invalid };
}

export async function getRule(db: Db, id: string): Promise<AlertRule | undefined> {
  const [row] = await db.select().from(alertRules).where(eq(alertRules.id, id));
  return row && toRule(row);
}

export async function updateRule(
  db: Db,
  id: string,
  spec: AlertRuleSpec,
  userId: string | null,
): Promise<AlertRule | undefined> {
  const [row] = await db
    .update(alertRules)
    .set({ name: spec.name, enabled: spec.enabled, spec, updatedBy: userId, updatedAt: new Date() })
    .where(eq(alertRules.id, id))
    .returning();
  return row && toRule(row);
}

/** Deletes a rule; its instances resolve at the next evaluation (and are removed then). */
export async function deleteRule(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(alertRules).where(eq(alertRules.id, id)).returning({ id: alertRules.id });
  return rows.length > 0;
}

/** Which of `ids` are stored rules (composite references must point at one). */
export async function existingRuleIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: alertRules.id }).from(alertRules).where(inArray(alertRules.id, ids));
  return new Set(rows.map((r) => r.id));
}

export const toEvalRule = (r: AlertRule): EvalRule => r;

// ---- instances ----

type InstanceRow = typeof alertInstances.$inferInsert;

function toRow(i: InstanceState): InstanceRow {
  return {
    fingerprint: i.fingerprint,
    ruleId: i.ruleId,
    ruleName: i.ruleName,
    severity: i.severity,
    objectKey: i.objectKey,
    labels: i.labels,
    url: i.url,
    state: i.state,
    activeSince: date(i.activeSince),
    firingSince: date(i.firingSince),
    keepFiringUntil: date(i.keepFiringUntil),
    value: finite(i.value),
    raised: i.raised,
    vars: i.vars,
    flapTimes: i.flapTimes,
    flappingSince: date(i.flappingSince),
    lastEvalAt: new Date(i.lastEvalAt),
  };
}

function fromRow(r: typeof alertInstances.$inferSelect): InstanceState {
  return {
    fingerprint: r.fingerprint,
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    severity: r.severity as AlertSeverity,
    objectKey: r.objectKey,
    labels: r.labels,
    url: r.url,
    state: r.state as InstanceState['state'],
    activeSince: ms(r.activeSince),
    firingSince: ms(r.firingSince),
    keepFiringUntil: ms(r.keepFiringUntil),
    value: r.value,
    raised: r.raised,
    vars: r.vars,
    flapTimes: r.flapTimes,
    flappingSince: ms(r.flappingSince),
    lastEvalAt: r.lastEvalAt.getTime(),
  };
}

export async function loadInstances(db: Db): Promise<InstanceState[]> {
  return (await db.select().from(alertInstances)).map(fromRow);
}

/** True when `next` must be written: anything but the value and evaluation time changed, or it is active. */
export function needsWrite(prev: InstanceState | undefined, next: InstanceState): boolean {
  if (!prev || next.state !== 'inactive') return true;
  return (
    prev.state !== next.state ||
    prev.flappingSince !== next.flappingSince ||
    prev.flapTimes.length !== next.flapTimes.length ||
    prev.flapTimes.at(-1) !== next.flapTimes.at(-1)
  );
}

const CHUNK = 500;
const chunks = <T>(xs: T[]) =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

const UPSERT_SET = Object.fromEntries(
  (
    [
      'rule_id',
      'rule_name',
      'severity',
      'object_key',
      'labels',
      'url',
      'state',
      'active_since',
      'firing_since',
      'keep_firing_until',
      'value',
      'raised',
      'vars',
      'flap_times',
      'flapping_since',
      'last_eval_at',
    ] as const
  ).map((col) => [col.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), sql.raw(`excluded.${col}`)]),
);

/** Writes one evaluation: changed instance states, removals and the transitions, atomically. */
export async function saveEvaluation(
  db: Db,
  out: Pick<EvalOutput, 'states' | 'removed' | 'transitions'>,
  previous: ReadonlyMap<string, InstanceState>,
): Promise<void> {
  const writes = out.states.filter((s) => needsWrite(previous.get(s.fingerprint), s)).map(toRow);
  if (writes.length === 0 && out.removed.length === 0 && out.transitions.length === 0) return;
  // History rows carry their object's key so host scopes can filter them (object-scope.ts).
  const keyOf = new Map([...previous.values(), ...out.states].map((s) => [s.fingerprint, s.objectKey]));
  await db.transaction(async (tx) => {
    for (const part of chunks(writes))
      await tx
        .insert(alertInstances)
        .values(part)
        .onConflictDoUpdate({ target: alertInstances.fingerprint, set: UPSERT_SET });
    for (const part of chunks(out.removed))
      await tx.delete(alertInstances).where(inArray(alertInstances.fingerprint, part));
    for (const part of chunks(out.transitions))
      await tx.insert(alertHistory).values(
        part.map((t) => ({
          at: new Date(t.at),
          fingerprint: t.fingerprint,
          ruleId: t.ruleId,
          ruleName: t.ruleName,
          labels: t.labels,
          fromState: t.from,
          toState: t.to,
          value: finite(t.value),
          objectKey: keyOf.get(t.fingerprint) ?? null,
        })),
      );
  });
}

/** The fingerprints among `fingerprints` whose instances the caller may see (see object-scope.ts). */
export async function visibleFingerprints(
  db: Db,
  fingerprints: readonly string[],
  visible: ReadonlySet<string>,
): Promise<Set<string>> {
  if (fingerprints.length === 0) return new Set();
  const scoped = objectKeyVisible(alertInstances.objectKey, visible);
  const rows = await db
    .select({ fingerprint: alertInstances.fingerprint })
    .from(alertInstances)
    .where(and(inArray(alertInstances.fingerprint, [...fingerprints]), scoped));
  return new Set(rows.map((r) => r.fingerprint));
}

/** `GET /api/alerts`: instances that are not inactive, most severe and oldest first. */
export async function listInstanceViews(
  db: Db,
  filter: { ruleId?: string | undefined; state?: AlertInstanceState | undefined },
  visible: 'all' | ReadonlySet<string> = 'all',
): Promise<AlertInstanceView[]> {
  const where: SQL[] = [ne(alertInstances.state, 'inactive')];
  const scoped = objectKeyVisible(alertInstances.objectKey, visible);
  if (scoped) where.push(scoped);
  if (filter.ruleId) where.push(eq(alertInstances.ruleId, filter.ruleId));
  if (filter.state) where.push(eq(alertInstances.state, filter.state));
  const rows = await db
    .select()
    .from(alertInstances)
    .where(and(...where))
    .orderBy(
      sql`case ${alertInstances.severity} when 'critical' then 0 when 'warning' then 1 else 2 end`,
      asc(alertInstances.activeSince),
      asc(alertInstances.fingerprint),
    );
  return rows.map((r) => {
    const i = fromRow(r);
    return {
      fingerprint: i.fingerprint,
      ruleId: i.ruleId,
      ruleName: i.ruleName,
      severity: i.severity,
      state: i.state,
      labels: i.labels,
      value: i.value,
      since: isActive(i.state) ? i.firingSince : i.activeSince,
      firingSince: i.firingSince,
      lastEvaluatedAt: i.lastEvalAt,
      keepFiringUntil: i.keepFiringUntil,
      flapping: i.flappingSince !== null,
    };
  });
}

// ---- history ----

export type HistoryFilter = {
  from: number;
  to: number;
  ruleId?: string | undefined;
  fingerprint?: string | undefined;
  limit: number;
};

/** State changes in [from, to], newest first. */
export async function listHistory(db: Db, f: HistoryFilter): Promise<AlertHistoryEntry[]> {
  const where: SQL[] = [gte(alertHistory.at, new Date(f.from)), lte(alertHistory.at, new Date(f.to))];
  if (f.ruleId) where.push(eq(alertHistory.ruleId, f.ruleId));
  if (f.fingerprint) where.push(eq(alertHistory.fingerprint, f.fingerprint));
  const rows = await db
    .select()
    .from(alertHistory)
    .where(and(...where))
    .orderBy(desc(alertHistory.at), desc(alertHistory.id))
    .limit(f.limit);
  return rows.map(toHistoryEntry);
}

/** A stored state change as the API answers it. */
export const toHistoryEntry = (r: typeof alertHistory.$inferSelect): AlertHistoryEntry => ({
  id: r.id,
  at: r.at.getTime(),
  fingerprint: r.fingerprint,
  ruleId: r.ruleId,
  ruleName: r.ruleName,
  labels: r.labels,
  from: r.fromState as AlertInstanceState,
  to: r.toState as AlertInstanceState,
  value: r.value,
});

/** Firing episodes (changes from pending or inactive to an active state) per fingerprint since `since`. */
export async function firedCounts(db: Db, since: number): Promise<Map<string, number>> {
  const rows = await db
    .select({ fingerprint: alertHistory.fingerprint, n: sql<number>`count(*)::int`.mapWith(Number) })
    .from(alertHistory)
    .where(
      and(
        gte(alertHistory.at, new Date(since)),
        inArray(alertHistory.fromState, ['pending', 'inactive']),
        inArray(alertHistory.toState, ['firing', 'nodata', 'error']),
      ),
    )
    .groupBy(alertHistory.fingerprint);
  return new Map(rows.map((r) => [r.fingerprint, r.n]));
}

/** A started firing episode, as firedCounts counts them. */
export const startsEpisode = (t: { from: AlertInstanceState; to: AlertInstanceState }) =>
  isActive(t.to) && (t.from === 'pending' || t.from === 'inactive');
