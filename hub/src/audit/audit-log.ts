/**
 * The audit log: one row per attempt to change something (a container action, a scan request,
 * a sign-in, a session revocation, a ban), written whether it succeeded, failed or was refused,
 * and read back newest first by admins. Append-only: no route updates or deletes a row, and a
 * database trigger refuses UPDATE and DELETE except for retention pruning (`pruneAudit`).
 * @module
 */
import type { AuditEntry, AuditLogQuery, Me } from '@unity/shared';
import { and, desc, eq, gte, ilike, like, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema.js';

export type AuditRecord = {
  user: Me;
  ip: string | null;
  action: string;
  objectType: string;
  objectId: string;
  objectName?: string | null;
  /** `ok` or the error code. */
  outcome: string;
  message?: string | null;
};

/** An event whose actor may not be a signed-in user (a failed sign-in names whatever was typed). */
export type AuditEvent = Omit<AuditRecord, 'user'> & { actor: { id: string | null; name: string } };

export async function recordAudit(db: Db, r: AuditRecord): Promise<void> {
  await recordEvent(db, { ...r, actor: { id: r.user.id, name: r.user.username } });
}

export async function recordEvent(db: Db, r: AuditEvent): Promise<void> {
  await db.insert(auditLog).values({
    userId: r.actor.id,
    username: r.actor.name.slice(0, 256),
    ip: r.ip,
    action: r.action,
    objectType: r.objectType,
    objectId: r.objectId,
    objectName: r.objectName ?? null,
    outcome: r.outcome,
    message: r.message?.slice(0, 2048) ?? null,
  });
}

/** Newest first; `before` (ms) pages back through older entries. */
export async function listAudit(
  db: Db,
  query: { limit: number; before?: number | undefined },
): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(query.before === undefined ? undefined : lt(auditLog.at, new Date(query.before)))
    .orderBy(desc(auditLog.at))
    .limit(query.limit);
  const items = rows.map(toEntry);
  const last = items.at(-1);
  return { items, nextBefore: items.length === query.limit && last ? last.at : null };
}

const toEntry = (r: typeof auditLog.$inferSelect): AuditEntry => ({
  id: r.id,
  at: r.at.getTime(),
  userId: r.userId,
  username: r.username,
  ip: r.ip,
  action: r.action,
  objectType: r.objectType,
  objectId: r.objectId,
  objectName: r.objectName,
  outcome: r.outcome,
  message: r.message,
});

/** `%` and `_` typed by a user match themselves. */
const literal = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Newest first, filtered; `before` pages back as in `listAudit`. */
export async function searchAudit(
  db: Db,
  q: Omit<AuditLogQuery, 'format'>,
): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        q.actor ? eq(auditLog.username, q.actor) : undefined,
        q.action
          ? q.action.endsWith('.')
            ? like(auditLog.action, `${literal(q.action)}%`)
            : eq(auditLog.action, q.action)
          : undefined,
        q.target
          ? or(eq(auditLog.objectId, q.target), ilike(auditLog.objectName, `%${literal(q.target)}%`))
          : undefined,
        q.outcome ? eq(auditLog.outcome, q.outcome) : undefined,
        q.from !== undefined ? gte(auditLog.at, new Date(q.from)) : undefined,
        q.to !== undefined ? lt(auditLog.at, new Date(q.to)) : undefined,
        q.before !== undefined ? lt(auditLog.at, new Date(q.before)) : undefined,
      ),
    )
    .orderBy(desc(auditLog.at))
    .limit(q.limit);
  const items = rows.map(toEntry);
  const last = items.at(-1);
  return { items, nextBefore: items.length === q.limit && last ? last.at : null };
}

/**
 * Deletes entries older than the retention. The append-only trigger lets a DELETE through only
 * with `unity.audit_prune` set, which `set_config(..., true)` scopes to this transaction.
 */
export async function pruneAudit(db: Db, retentionMs: number, now = Date.now()): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('unity.audit_prune', 'on', true)`);
    await tx.delete(auditLog).where(lt(auditLog.at, new Date(now - retentionMs)));
  });
}
