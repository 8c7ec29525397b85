/**
 * The outbox's rows: one per notification and channel, unique on (notification id, channel id)
 * so the same notification enqueued twice is stored, and so delivered, once.
 *
 * A worker claims due rows with `FOR UPDATE SKIP LOCKED` (replicas never claim the same row),
 * marks them `sending` under a fresh claim id with a lease, and sends outside the transaction (an
 * HTTP call must not hold a connection, and PGlite has only one). A result is recorded only under
 * the same claim id, so a worker whose lease lapsed cannot overwrite the next one's outcome; a
 * `delivered` or `failed` row is never claimed again. A row left `sending` by a worker that died
 * is claimed again once its lease lapses.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Delivery, DeliveryStatus, Notification } from '@unity/shared';
import { and, asc, desc, eq, inArray, lte, notInArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { channels, notificationOutbox as outbox } from '../db/schema.js';

export type OutboxInsert = { notification: Notification; channelId: string; contactPointId: string | null };

/** Stores rows that are not there yet; returns how many were new. */
export async function insertDeliveries(db: Db, rows: OutboxInsert[], now: number): Promise<number> {
  if (rows.length === 0) return 0;
  const at = new Date(now);
  const inserted = await db
    .insert(outbox)
    .values(
      rows.map((r) => ({
        notificationId: r.notification.id,
        channelId: r.channelId,
        contactPointId: r.contactPointId,
        payload: r.notification,
        status: 'queued' as const,
        nextAttemptAt: at,
        createdAt: at,
        updatedAt: at,
      })),
    )
    .onConflictDoNothing({ target: [outbox.notificationId, outbox.channelId] })
    .returning({ id: outbox.id });
  return inserted.length;
}

export type ClaimedRow = {
  id: string;
  claimId: string;
  channelId: string;
  notification: Notification;
  attempts: number;
  createdAt: number;
};

/** Claims up to `limit` due rows, oldest due first, skipping rows another worker holds. */
export async function claimDue(
  db: Db,
  options: { now: number; limit: number; leaseMs: number; skipChannels: string[] },
): Promise<ClaimedRow[]> {
  const now = new Date(options.now);
  const claimId = randomUUID();
  const conditions: SQL[] = [
    inArray(outbox.status, ['queued', 'retrying', 'sending']),
    lte(outbox.nextAttemptAt, now),
  ];
  if (options.skipChannels.length > 0) conditions.push(notInArray(outbox.channelId, options.skipChannels));
  // One statement (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)): the row locks last
  // until it commits, and it is one round trip, which matters on PGlite where every statement
  // runs on the event loop's thread.
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(...conditions))
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(options.limit)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(outbox)
    .set({
      status: 'sending',
      claimId,
      nextAttemptAt: new Date(options.now + options.leaseMs),
      updatedAt: now,
    })
    .where(inArray(outbox.id, due))
    .returning();
  return rows
    .map((r) => ({
      id: r.id,
      claimId,
      channelId: r.channelId,
      notification: r.payload as Notification,
      attempts: r.attempts,
      createdAt: r.createdAt.getTime(),
    }))
    .sort((a, b) => a.createdAt - b.createdAt);
}

export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; at: number; error: string }
  | { kind: 'failed'; error: string }
  /** Not tried (rate limit, paused channel): back in the queue without counting an attempt. */
  | { kind: 'deferred'; at: number };

/** Records what happened to a claimed row; false when the claim was lost meanwhile. */
export async function recordOutcome(
  db: Db,
  row: ClaimedRow,
  outcome: Outcome,
  now: number,
): Promise<boolean> {
  const at = new Date(now);
  const mine = and(eq(outbox.id, row.id), eq(outbox.claimId, row.claimId), eq(outbox.status, 'sending'));
  const set = (() => {
    switch (outcome.kind) {
      case 'delivered':
        return { status: 'delivered' as const, attempts: row.attempts + 1, deliveredAt: at, lastError: null };
      case 'retry':
        return {
          status: 'retrying' as const,
          attempts: row.attempts + 1,
          nextAttemptAt: new Date(outcome.at),
          lastError: outcome.error,
        };
      case 'failed':
        return { status: 'failed' as const, attempts: row.attempts + 1, lastError: outcome.error };
      case 'deferred':
        return {
          status: row.attempts > 0 ? ('retrying' as const) : ('queued' as const),
          nextAttemptAt: new Date(outcome.at),
        };
      default: {
        const never: never = outcome;
        return never;
      }
    }
  })();
  const updated = await db
    .update(outbox)
    .set({ ...set, claimId: null, updatedAt: at })
    .where(mine)
    .returning({ id: outbox.id });
  return updated.length > 0;
}

/**
 * Records many deliveries in one statement per claim (the worker's group commit: one write for
 * every send that finished while the previous write ran). Returns the ids it recorded; a row
 * missing from it had lost its claim.
 */
export async function recordDelivered(db: Db, rows: ClaimedRow[], now: number): Promise<Set<string>> {
  const at = new Date(now);
  const byClaim = new Map<string, string[]>();
  for (const r of rows) byClaim.set(r.claimId, [...(byClaim.get(r.claimId) ?? []), r.id]);
  const done = new Set<string>();
  for (const [claimId, ids] of byClaim) {
    const updated = await db
      .update(outbox)
      .set({
        status: 'delivered',
        attempts: sql`${outbox.attempts} + 1`,
        deliveredAt: at,
        lastError: null,
        claimId: null,
        updatedAt: at,
      })
      .where(and(inArray(outbox.id, ids), eq(outbox.claimId, claimId), eq(outbox.status, 'sending')))
      .returning({ id: outbox.id });
    for (const u of updated) done.add(u.id);
  }
  return done;
}

// ---- the delivery log ----

const deliveryColumns = {
  id: outbox.id,
  notificationId: outbox.notificationId,
  channelId: outbox.channelId,
  channelName: channels.name,
  channelType: channels.type,
  contactPointId: outbox.contactPointId,
  status: outbox.status,
  attempts: outbox.attempts,
  nextAttemptAt: outbox.nextAttemptAt,
  lastError: outbox.lastError,
  createdAt: outbox.createdAt,
  deliveredAt: outbox.deliveredAt,
  payload: outbox.payload,
};

type DeliveryRow = {
  id: string;
  notificationId: string;
  channelId: string;
  channelName: string;
  channelType: string;
  contactPointId: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  payload: unknown;
};

function toDelivery(r: DeliveryRow): Delivery {
  const n = r.payload as Notification;
  const waiting = r.status === 'queued' || r.status === 'retrying';
  return {
    id: r.id,
    notificationId: r.notificationId,
    channelId: r.channelId,
    channelName: r.channelName,
    channelType: r.channelType,
    contactPointId: r.contactPointId,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: waiting ? r.nextAttemptAt.getTime() : null,
    lastError: r.lastError,
    createdAt: r.createdAt.getTime(),
    deliveredAt: r.deliveredAt?.getTime() ?? null,
    title: n.title,
    severity: n.severity,
    alertStatus: n.status,
    test: n.test === true,
  };
}

export async function listDeliveries(
  db: Db,
  query: { status?: DeliveryStatus | undefined; channel?: string | undefined; limit: number },
): Promise<Delivery[]> {
  const conditions: SQL[] = [];
  if (query.status) conditions.push(eq(outbox.status, query.status));
  if (query.channel) conditions.push(eq(outbox.channelId, query.channel));
  const rows = await db
    .select(deliveryColumns)
    .from(outbox)
    .innerJoin(channels, eq(channels.id, outbox.channelId))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(query.limit);
  return rows.map(toDelivery);
}

export async function getDelivery(db: Db, id: string): Promise<Delivery | undefined> {
  const [row] = await db
    .select(deliveryColumns)
    .from(outbox)
    .innerJoin(channels, eq(channels.id, outbox.channelId))
    .where(eq(outbox.id, id));
  return row && toDelivery(row);
}

/** The delivery of one notification to one channel (its idempotency key). */
export async function findDelivery(
  db: Db,
  notificationId: string,
  channelId: string,
): Promise<Delivery | undefined> {
  const [row] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.notificationId, notificationId), eq(outbox.channelId, channelId)));
  return row && getDelivery(db, row.id);
}
