/**
 * Groups of users. A group carries roles through role bindings; its members get them.
 * @module
 */
import type { Group, GroupInput } from '@unity/shared';
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { groupMembers, userGroups, users } from '../db/schema.js';
import { badRequest, conflict, notFound } from '../errors.js';

export async function listGroups(db: Db): Promise<Group[]> {
  const groups = await db.select().from(userGroups).orderBy(asc(userGroups.name));
  const members = await db
    .select({ groupId: groupMembers.groupId, id: users.id, username: users.username })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .orderBy(asc(users.username));
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    members: members.filter((m) => m.groupId === g.id).map(({ id, username }) => ({ id, username })),
  }));
}

export async function getGroup(db: Db, id: string): Promise<Group> {
  const group = (await listGroups(db)).find((g) => g.id === id);
  if (!group) throw notFound('group not found');
  return group;
}

async function setMembers(db: Db, groupId: string, memberIds: string[]): Promise<void> {
  const ids = [...new Set(memberIds)];
  if (ids.length > 0) {
    const found = await db.select({ id: users.id }).from(users).where(inArray(users.id, ids));
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) throw badRequest(`invalid body: memberIds: no user ${missing.join(', ')}`);
  }
  await db.delete(groupMembers).where(eq(groupMembers.groupId, groupId));
  if (ids.length > 0) await db.insert(groupMembers).values(ids.map((userId) => ({ groupId, userId })));
}

async function assertFreeName(db: Db, name: string, id?: string): Promise<void> {
  const [row] = await db.select({ id: userGroups.id }).from(userGroups).where(eq(userGroups.name, name));
  if (row && row.id !== id) throw conflict(`a group named ${name} exists`);
}

export async function createGroup(db: Db, input: GroupInput): Promise<Group> {
  await assertFreeName(db, input.name);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(userGroups)
      .values({ name: input.name, description: input.description })
      .returning({ id: userGroups.id });
    if (!row) throw new Error('group insert returned no row');
    await setMembers(tx, row.id, input.memberIds);
    return row.id;
  });
  return getGroup(db, id);
}

export async function updateGroup(db: Db, id: string, input: GroupInput): Promise<Group> {
  await assertFreeName(db, input.name, id);
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(userGroups)
      .set({ name: input.name, description: input.description })
      .where(eq(userGroups.id, id))
      .returning({ id: userGroups.id });
    if (updated.length === 0) throw notFound('group not found');
    await setMembers(tx, id, input.memberIds);
  });
  return getGroup(db, id);
}

export async function deleteGroup(db: Db, id: string): Promise<void> {
  const gone = await db.delete(userGroups).where(eq(userGroups.id, id)).returning({ id: userGroups.id });
  if (gone.length === 0) throw notFound('group not found');
}
