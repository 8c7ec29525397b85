/**
 * The audit log: one row per attempt to change something (a container action, a scan request),
 * written whether it succeeded, failed or was refused, and read back newest first by admins.
 * @module
 */
import type { AuditEntry, Me } from '@unity/shared';
import { desc, lt } from 'drizzle-orm';
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

export async function recordAudit(db: Db, r: AuditRecord): Promise<void> {
  await db.insert(auditLog).values({
    userId: r.user.id,
    username: r.user.username,
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
  const items = rows.map((r) => ({
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
  }));
  const last = items.at(-1);
  return { items, nextBefore: items.length === query.limit && last ? last.at : null };
}
