/**
 * Storage for routing: the policy tree, time intervals, silences, inhibition rules, escalation
 * chains, acknowledgements and the dispatcher's per-group state. Every function takes a `Db`
 * (a database or a transaction) and speaks the shared API shapes.
 * @module
 */
import {
  type Acknowledgement,
  DEFAULT_NOTIFICATION_POLICY,
  type EscalationChain,
  type EscalationChainInput,
  EscalationChainInputSchema,
  type InhibitionRule,
  type InhibitionRuleInput,
  InhibitionRuleInputSchema,
  type NotificationPolicy,
  type Silence,
  type SilenceCreate,
  type SilenceState,
  type TimeInterval,
} from '@unity/shared';
import { and, asc, desc, eq, gt, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  alertAckLog,
  alertAcks,
  alertDispatchGroups,
  escalationChains,
  inhibitionRules,
  notificationPolicy,
  silences,
  timeIntervals,
} from '../../db/schema.js';
import type { GroupState, RouterChanges, RoutingConfig } from './router.js';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

// ---- policy ----

export type StoredPolicy = { policy: NotificationPolicy; updatedAt: string | null; updatedBy: string | null };

export async function getPolicy(db: Db): Promise<StoredPolicy> {
  const [row] = await db.select().from(notificationPolicy).where(eq(notificationPolicy.id, 1));
  if (!row) return { policy: DEFAULT_NOTIFICATION_POLICY, updatedAt: null, updatedBy: null };
  return { policy: row.policy, updatedAt: iso(row.updatedAt), updatedBy: row.updatedBy };
}

export async function putPolicy(
  db: Db,
  policy: NotificationPolicy,
  by: string,
  now = new Date(),
): Promise<StoredPolicy> {
  await db
    .insert(notificationPolicy)
    .values({ id: 1, policy, updatedAt: now, updatedBy: by })
    .onConflictDoUpdate({ target: notificationPolicy.id, set: { policy, updatedAt: now, updatedBy: by } });
  return { policy, updatedAt: iso(now), updatedBy: by };
}

// ---- time intervals ----

const toInterval = (r: typeof timeIntervals.$inferSelect): TimeInterval => ({
  name: r.name,
  timeIntervals: r.timeIntervals,
});

export async function listTimeIntervals(db: Db): Promise<TimeInterval[]> {
  return (await db.select().from(timeIntervals).orderBy(asc(timeIntervals.name))).map(toInterval);
}

export async function getTimeInterval(db: Db, name: string): Promise<TimeInterval | undefined> {
  const [row] = await db.select().from(timeIntervals).where(eq(timeIntervals.name, name));
  return row ? toInterval(row) : undefined;
}

/** False when the name is taken. */
export async function createTimeInterval(db: Db, ti: TimeInterval): Promise<boolean> {
  const rows = await db
    .insert(timeIntervals)
    .values({ name: ti.name, timeIntervals: ti.timeIntervals })
    .onConflictDoNothing()
    .returning({ name: timeIntervals.name });
  return rows.length > 0;
}

/** False when there is no such interval. */
export async function updateTimeInterval(
  db: Db,
  name: string,
  specs: TimeInterval['timeIntervals'],
): Promise<boolean> {
  const rows = await db
    .update(timeIntervals)
    .set({ timeIntervals: specs, updatedAt: new Date() })
    .where(eq(timeIntervals.name, name))
    .returning({ name: timeIntervals.name });
  return rows.length > 0;
}

export async function deleteTimeInterval(db: Db, name: string): Promise<boolean> {
  const rows = await db
    .delete(timeIntervals)
    .where(eq(timeIntervals.name, name))
    .returning({ name: timeIntervals.name });
  return rows.length > 0;
}

// ---- silences ----

export function silenceState(startsAt: Date, endsAt: Date, now: Date): SilenceState {
  if (now < startsAt) return 'pending';
  return now < endsAt ? 'active' : 'expired';
}

const toSilence = (r: typeof silences.$inferSelect, now: Date): Silence => ({
  id: r.id,
  matchers: r.matchers,
  startsAt: iso(r.startsAt),
  endsAt: iso(r.endsAt),
  schedule: r.schedule ?? null,
  createdBy: r.createdBy,
  comment: r.comment,
  createdAt: iso(r.createdAt),
  state: silenceState(r.startsAt, r.endsAt, now),
});

/** Silences, newest first; `state` filters (at most 1000 are returned). */
export async function listSilences(db: Db, now: Date, state?: SilenceState): Promise<Silence[]> {
  const where: Record<SilenceState, SQL | undefined> = {
    pending: gt(silences.startsAt, now),
    active: and(lte(silences.startsAt, now), gt(silences.endsAt, now)),
    expired: lte(silences.endsAt, now),
  };
  const rows = await db
    .select()
    .from(silences)
    .where(state ? where[state] : undefined)
    .orderBy(desc(silences.createdAt), desc(silences.id))
    .limit(1000);
  return rows.map((r) => toSilence(r, now));
}

export async function getSilence(db: Db, id: string, now: Date): Promise<Silence | undefined> {
  const [row] = await db.select().from(silences).where(eq(silences.id, id));
  return row ? toSilence(row, now) : undefined;
}

export async function createSilence(
  db: Db,
  input: SilenceCreate,
  createdBy: string,
  now: Date,
): Promise<Silence> {
  const [row] = await db
    .insert(silences)
    .values({
      matchers: input.matchers,
      startsAt: input.startsAt ? new Date(input.startsAt) : now,
      endsAt: new Date(input.endsAt),
      schedule: input.schedule ?? null,
      createdBy,
      comment: input.comment,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error('silence insert returned no row');
  return toSilence(row, now);
}

/** Ends a silence now (a pending one never starts); an expired one stays as it is. */
export async function expireSilence(db: Db, id: string, now: Date): Promise<Silence | undefined> {
  const current = await getSilence(db, id, now);
  if (!current || current.state === 'expired') return current;
  const startsAt = current.state === 'pending' ? now : new Date(current.startsAt);
  const [row] = await db
    .update(silences)
    .set({ startsAt, endsAt: now, updatedAt: now })
    .where(eq(silences.id, id))
    .returning();
  return row ? toSilence(row, now) : undefined;
}

// ---- inhibition rules ----

const toRule = (r: typeof inhibitionRules.$inferSelect): InhibitionRule => ({
  id: r.id,
  name: r.name,
  sourceMatchers: r.sourceMatchers,
  targetMatchers: r.targetMatchers,
  equal: r.equal,
  builtin: false,
});

export async function listInhibitionRules(db: Db): Promise<InhibitionRule[]> {
  return (
    await db.select().from(inhibitionRules).orderBy(asc(inhibitionRules.createdAt), asc(inhibitionRules.id))
  ).map(toRule);
}

export async function createInhibitionRule(db: Db, input: InhibitionRuleInput): Promise<InhibitionRule> {
  const v = InhibitionRuleInputSchema.parse(input);
  const [row] = await db.insert(inhibitionRules).values(v).returning();
  if (!row) throw new Error('inhibition rule insert returned no row');
  return toRule(row);
}

export async function updateInhibitionRule(
  db: Db,
  id: string,
  input: InhibitionRuleInput,
): Promise<InhibitionRule | undefined> {
  const v = InhibitionRuleInputSchema.parse(input);
  const [row] = await db
    .update(inhibitionRules)
    .set({ ...v, updatedAt: new Date() })
    .where(eq(inhibitionRules.id, id))
    .returning();
  return row ? toRule(row) : undefined;
}

export async function deleteInhibitionRule(db: Db, id: string): Promise<boolean> {
  return (
    (await db.delete(inhibitionRules).where(eq(inhibitionRules.id, id)).returning({ id: inhibitionRules.id }))
      .length > 0
  );
}

// ---- escalation chains ----

const toChain = (r: typeof escalationChains.$inferSelect): EscalationChain => ({
  id: r.id,
  name: r.name,
  steps: r.steps,
  repeat: r.repeat,
});

export async function listEscalationChains(db: Db): Promise<EscalationChain[]> {
  return (await db.select().from(escalationChains).orderBy(asc(escalationChains.name))).map(toChain);
}

export async function getEscalationChain(db: Db, id: string): Promise<EscalationChain | undefined> {
  const [row] = await db.select().from(escalationChains).where(eq(escalationChains.id, id));
  return row ? toChain(row) : undefined;
}

/** undefined when the name is taken. */
export async function createEscalationChain(
  db: Db,
  input: EscalationChainInput,
): Promise<EscalationChain | undefined> {
  const v = EscalationChainInputSchema.parse(input);
  const [row] = await db.insert(escalationChains).values(v).onConflictDoNothing().returning();
  return row ? toChain(row) : undefined;
}

/** 'missing' when there is no such chain, 'taken' when another chain has the name. */
export async function updateEscalationChain(
  db: Db,
  id: string,
  input: EscalationChainInput,
): Promise<EscalationChain | 'missing' | 'taken'> {
  const v = EscalationChainInputSchema.parse(input);
  const [other] = await db
    .select({ id: escalationChains.id })
    .from(escalationChains)
    .where(eq(escalationChains.name, v.name));
  if (other && other.id !== id) return 'taken';
  const [row] = await db
    .update(escalationChains)
    .set({ ...v, updatedAt: new Date() })
    .where(eq(escalationChains.id, id))
    .returning();
  return row ? toChain(row) : 'missing';
}

export async function deleteEscalationChain(db: Db, id: string): Promise<boolean> {
  return (
    (
      await db
        .delete(escalationChains)
        .where(eq(escalationChains.id, id))
        .returning({ id: escalationChains.id })
    ).length > 0
  );
}

// ---- acknowledgements ----

const toAck = (r: typeof alertAcks.$inferSelect): Acknowledgement => ({
  fingerprint: r.fingerprint,
  alertStartsAt: iso(r.alertStartsAt),
  acknowledgedBy: r.acknowledgedBy,
  acknowledgedAt: iso(r.acknowledgedAt),
  comment: r.comment,
  expiresAt: isoOrNull(r.expiresAt),
});

export async function listAcks(db: Db): Promise<Acknowledgement[]> {
  return (await db.select().from(alertAcks)).map(toAck);
}

/** Records the ack in force (replacing an earlier one) and in the ack log. */
export async function saveAck(db: Db, ack: Acknowledgement): Promise<void> {
  const row = {
    fingerprint: ack.fingerprint,
    alertStartsAt: new Date(ack.alertStartsAt),
    acknowledgedBy: ack.acknowledgedBy,
    acknowledgedAt: new Date(ack.acknowledgedAt),
    comment: ack.comment,
    expiresAt: ack.expiresAt ? new Date(ack.expiresAt) : null,
  };
  await db.transaction(async (tx) => {
    await tx.insert(alertAcks).values(row).onConflictDoUpdate({ target: alertAcks.fingerprint, set: row });
    await tx.insert(alertAckLog).values(row);
  });
}

// ---- dispatcher state ----

export async function loadGroupStates(db: Db): Promise<GroupState[]> {
  const rows = await db.select().from(alertDispatchGroups);
  return rows.map((r) => ({
    groupKey: r.groupKey,
    routeId: r.routeId,
    groupLabels: r.groupLabels,
    createdAt: r.createdAt.getTime(),
    nextFlushAt: r.nextFlushAt.getTime(),
    lastSentAt: r.lastSentAt ? r.lastSentAt.getTime() : null,
    notifiedFiring: r.notifiedFiring,
    notifiedHash: r.notifiedHash,
    seq: r.seq,
    acked: r.acked,
    escalation: r.escalation ?? null,
  }));
}

const CHUNK = 500;
const sqlExcluded = (column: string) => sql.raw(`excluded.${column}`);

/** Writes what the router changed: upserted and deleted groups, ended acks. One transaction. */
export async function saveRouterChanges(db: Db, changes: RouterChanges): Promise<void> {
  if (changes.groups.length === 0 && changes.deletedGroups.length === 0 && changes.deletedAcks.length === 0)
    return;
  await db.transaction(async (tx) => {
    for (let i = 0; i < changes.deletedGroups.length; i += CHUNK) {
      await tx
        .delete(alertDispatchGroups)
        .where(inArray(alertDispatchGroups.groupKey, changes.deletedGroups.slice(i, i + CHUNK)));
    }
    for (let i = 0; i < changes.deletedAcks.length; i += CHUNK) {
      await tx
        .delete(alertAcks)
        .where(inArray(alertAcks.fingerprint, changes.deletedAcks.slice(i, i + CHUNK)));
    }
    for (let i = 0; i < changes.groups.length; i += CHUNK) {
      const rows = changes.groups.slice(i, i + CHUNK).map((g) => ({
        groupKey: g.groupKey,
        routeId: g.routeId,
        groupLabels: g.groupLabels,
        createdAt: new Date(g.createdAt),
        nextFlushAt: new Date(g.nextFlushAt),
        lastSentAt: g.lastSentAt === null ? null : new Date(g.lastSentAt),
        notifiedFiring: g.notifiedFiring,
        notifiedHash: g.notifiedHash,
        seq: g.seq,
        acked: g.acked,
        escalation: g.escalation,
        updatedAt: new Date(),
      }));
      await tx
        .insert(alertDispatchGroups)
        .values(rows)
        .onConflictDoUpdate({
          target: alertDispatchGroups.groupKey,
          set: {
            routeId: sqlExcluded('route_id'),
            groupLabels: sqlExcluded('group_labels'),
            createdAt: sqlExcluded('created_at'),
            nextFlushAt: sqlExcluded('next_flush_at'),
            lastSentAt: sqlExcluded('last_sent_at'),
            notifiedFiring: sqlExcluded('notified_firing'),
            notifiedHash: sqlExcluded('notified_hash'),
            seq: sqlExcluded('seq'),
            acked: sqlExcluded('acked'),
            escalation: sqlExcluded('escalation'),
            updatedAt: sqlExcluded('updated_at'),
          },
        });
    }
  });
}

// ---- everything the router is configured from ----

/** The router's configuration as stored; silences that ended are left out. */
export async function loadRoutingConfig(db: Db, now: Date): Promise<RoutingConfig> {
  const [policy, intervals, silenceRows, rules, chains] = await Promise.all([
    getPolicy(db),
    listTimeIntervals(db),
    db.select().from(silences).where(gt(silences.endsAt, now)),
    listInhibitionRules(db),
    listEscalationChains(db),
  ]);
  return {
    policy: policy.policy,
    timeIntervals: intervals,
    silences: silenceRows.map((r) => toSilence(r, now)),
    inhibitionRules: rules,
    escalationChains: chains,
  };
}

export async function loadActiveSilences(db: Db, now: Date): Promise<Silence[]> {
  return (await db.select().from(silences).where(gt(silences.endsAt, now))).map((r) => toSilence(r, now));
}
