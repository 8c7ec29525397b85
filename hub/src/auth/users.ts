/**
 * Local user accounts.
 * @module
 */
import type { Me } from '@unity/shared';
import { count, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users } from '../db/schema.js';
import { hashPassword } from './passwords.js';

export type Role = Me['role'];
export type UserRecord = typeof users.$inferSelect;

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function findUserByName(db: Db, username: string): Promise<UserRecord | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  return row;
}

export async function createUser(
  db: Db,
  input: { username: string; password: string; role: Role },
): Promise<Me> {
  const passwordHash = await hashPassword(input.password);
  const [row] = await db
    .insert(users)
    .values({ username: input.username, passwordHash, role: input.role })
    .returning({ id: users.id, username: users.username, role: users.role });
  if (!row) throw new Error('user insert returned no row');
  return row;
}
