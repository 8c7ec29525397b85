/**
 * Contact points: a named, ordered group of channels. Alerting routes a notification to one;
 * the outbox then holds one delivery per channel in it.
 * @module
 */
import type { ContactPoint, ContactPointInput } from '@unity/shared';
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { channels, contactPointChannels, contactPoints } from '../db/schema.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { isUniqueViolation } from './db-errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function channelIdsOf(db: Db, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db
    .select()
    .from(contactPointChannels)
    .where(inArray(contactPointChannels.contactPointId, ids))
    .orderBy(asc(contactPointChannels.position));
  for (const r of rows) out.get(r.contactPointId)?.push(r.channelId);
  return out;
}

export async function listContactPoints(db: Db): Promise<ContactPoint[]> {
  const rows = await db.select().from(contactPoints).orderBy(asc(contactPoints.name));
  const members = await channelIdsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    channelIds: members.get(r.id) ?? [],
    createdAt: r.createdAt.getTime(),
    updatedAt: r.updatedAt.getTime(),
  }));
}

export async function getContactPoint(db: Db, id: string): Promise<ContactPoint | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db.select().from(contactPoints).where(eq(contactPoints.id, id));
  if (!row) return undefined;
  const members = await channelIdsOf(db, [id]);
  return {
    id: row.id,
    name: row.name,
    channelIds: members.get(id) ?? [],
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

async function checkChannels(db: Db, ids: string[]): Promise<void> {
  const found = new Set(
    (await db.select({ id: channels.id }).from(channels).where(inArray(channels.id, ids))).map((r) => r.id),
  );
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw badRequest(`invalid body: channelIds: no channel ${missing.join(', ')}`);
}

async function save(db: Db, id: string | undefined, input: ContactPointInput): Promise<ContactPoint> {
  await checkChannels(db, input.channelIds);
  let savedId: string;
  try {
    savedId = await db.transaction(async (tx) => {
      let rowId = id;
      if (rowId) {
        const updated = await tx
          .update(contactPoints)
          .set({ name: input.name, updatedAt: new Date() })
          .where(eq(contactPoints.id, rowId))
          .returning({ id: contactPoints.id });
        if (updated.length === 0) throw notFound('contact point not found');
        await tx.delete(contactPointChannels).where(eq(contactPointChannels.contactPointId, rowId));
      } else {
        const [row] = await tx
          .insert(contactPoints)
          .values({ name: input.name })
          .returning({ id: contactPoints.id });
        if (!row) throw new Error('contact point insert returned no row');
        rowId = row.id;
      }
      const cp = rowId;
      await tx
        .insert(contactPointChannels)
        .values(input.channelIds.map((channelId, position) => ({ contactPointId: cp, channelId, position })));
      return cp;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a contact point named "${input.name}" already exists`);
    throw error;
  }
  const saved = await getContactPoint(db, savedId);
  if (!saved) throw notFound('contact point not found');
  return saved;
}

export const createContactPoint = (db: Db, input: ContactPointInput) => save(db, undefined, input);

export async function updateContactPoint(
  db: Db,
  id: string,
  input: ContactPointInput,
): Promise<ContactPoint> {
  if (!UUID.test(id)) throw notFound('contact point not found');
  return save(db, id, input);
}

export async function deleteContactPoint(db: Db, id: string): Promise<void> {
  const deleted = UUID.test(id)
    ? await db.delete(contactPoints).where(eq(contactPoints.id, id)).returning({ id: contactPoints.id })
    : [];
  if (deleted.length === 0) throw notFound('contact point not found');
}
