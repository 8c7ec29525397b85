/**
 * Incidents (each with its updates, newest first) and maintenance notices of a status page.
 * An incident's status is its latest update's; an update saying `resolved` stamps the time it
 * was resolved, and a later one reopening it clears that stamp.
 * @module
 */
import type {
  Incident,
  IncidentInput,
  IncidentUpdateInput,
  MaintenanceNotice,
  MaintenanceNoticeInput,
} from '@unity/shared';
import { and, desc, eq, gte, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { statusIncidents, statusIncidentUpdates, statusMaintenance } from '../db/schema.js';

type IncidentRow = typeof statusIncidents.$inferSelect;
type UpdateRow = typeof statusIncidentUpdates.$inferSelect;

function toIncident(row: IncidentRow, updates: UpdateRow[]): Incident {
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    updates: updates
      .filter((u) => u.incidentId === row.id)
      .map((u) => ({ id: u.id, status: u.status, message: u.message, createdAt: u.createdAt.toISOString() })),
  };
}

/**
 * The page's incidents, newest first, each with its updates: all of them (at most `limit`), or
 * with `resolvedSince` only the open ones and those resolved since then.
 */
export async function listIncidents(
  db: Db,
  pageId: string,
  options: { limit: number; resolvedSince?: Date },
): Promise<Incident[]> {
  const since = options.resolvedSince;
  const rows = await db
    .select()
    .from(statusIncidents)
    .where(
      and(
        eq(statusIncidents.pageId, pageId),
        since ? or(isNull(statusIncidents.resolvedAt), gte(statusIncidents.resolvedAt, since)) : undefined,
      ),
    )
    .orderBy(desc(statusIncidents.createdAt), desc(statusIncidents.id))
    .limit(options.limit);
  if (rows.length === 0) return [];
  const updates = await db
    .select()
    .from(statusIncidentUpdates)
    .where(
      inArray(
        statusIncidentUpdates.incidentId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(desc(statusIncidentUpdates.createdAt), desc(statusIncidentUpdates.id));
  return rows.map((r) => toIncident(r, updates));
}

export async function getIncident(db: Db, pageId: string, id: string): Promise<Incident | undefined> {
  const [row] = await db
    .select()
    .from(statusIncidents)
    .where(and(eq(statusIncidents.pageId, pageId), eq(statusIncidents.id, id)));
  if (!row) return undefined;
  const updates = await db
    .select()
    .from(statusIncidentUpdates)
    .where(eq(statusIncidentUpdates.incidentId, id))
    .orderBy(desc(statusIncidentUpdates.createdAt), desc(statusIncidentUpdates.id));
  return toIncident(row, updates);
}

export async function createIncident(db: Db, pageId: string, input: IncidentInput): Promise<Incident> {
  const id = await db.transaction(async (tx) => {
    const now = new Date();
    const [row] = await tx
      .insert(statusIncidents)
      .values({
        pageId,
        title: input.title,
        severity: input.severity,
        status: input.status,
        createdAt: now,
        resolvedAt: input.status === 'resolved' ? now : null,
      })
      .returning({ id: statusIncidents.id });
    const incidentId = (row as { id: string }).id;
    await tx
      .insert(statusIncidentUpdates)
      .values({ incidentId, status: input.status, message: input.message, createdAt: now });
    return incidentId;
  });
  return (await getIncident(db, pageId, id)) as Incident;
}

/** Posts an update and moves the incident to its status; undefined when there is no such incident. */
export async function addIncidentUpdate(
  db: Db,
  pageId: string,
  id: string,
  input: IncidentUpdateInput,
): Promise<Incident | undefined> {
  const found = await db.transaction(async (tx) => {
    const now = new Date();
    const [row] = await tx
      .update(statusIncidents)
      .set({ status: input.status, resolvedAt: input.status === 'resolved' ? now : null })
      .where(and(eq(statusIncidents.pageId, pageId), eq(statusIncidents.id, id)))
      .returning({ id: statusIncidents.id });
    if (!row) return false;
    await tx
      .insert(statusIncidentUpdates)
      .values({ incidentId: id, status: input.status, message: input.message, createdAt: now });
    return true;
  });
  return found ? getIncident(db, pageId, id) : undefined;
}

export async function deleteIncident(db: Db, pageId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(statusIncidents)
    .where(and(eq(statusIncidents.pageId, pageId), eq(statusIncidents.id, id)))
    .returning({ id: statusIncidents.id });
  return rows.length > 0;
}

type NoticeRow = typeof statusMaintenance.$inferSelect;

const toNotice = (r: NoticeRow): MaintenanceNotice => ({
  id: r.id,
  title: r.title,
  message: r.message,
  start: r.startsAt.toISOString(),
  end: r.endsAt.toISOString(),
});

/** The page's notices by start time; with `endingAfter` only those not over by then. */
export async function listMaintenance(
  db: Db,
  pageId: string,
  endingAfter?: Date,
): Promise<MaintenanceNotice[]> {
  const rows = await db
    .select()
    .from(statusMaintenance)
    .where(
      and(
        eq(statusMaintenance.pageId, pageId),
        endingAfter ? gte(statusMaintenance.endsAt, endingAfter) : undefined,
      ),
    )
    .orderBy(statusMaintenance.startsAt, statusMaintenance.id)
    .limit(200);
  return rows.map(toNotice);
}

export async function createMaintenance(
  db: Db,
  pageId: string,
  input: MaintenanceNoticeInput,
): Promise<MaintenanceNotice> {
  const [row] = await db
    .insert(statusMaintenance)
    .values({
      pageId,
      title: input.title,
      message: input.message,
      startsAt: new Date(input.start),
      endsAt: new Date(input.end),
    })
    .returning();
  return toNotice(row as NoticeRow);
}

export async function deleteMaintenance(db: Db, pageId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(statusMaintenance)
    .where(and(eq(statusMaintenance.pageId, pageId), eq(statusMaintenance.id, id)))
    .returning({ id: statusMaintenance.id });
  return rows.length > 0;
}
