/**
 * Sessions in PostgreSQL. The cookie carries a random 256-bit id; the table keeps only its
 * sha256. A session ends after 12 hours without use or 7 days after sign-in, whichever is first.
 * @module
 */
import type { Me } from '@unity/shared';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sessions, users } from '../db/schema.js';
import { newSecret, sha256Hex } from './tokens.js';

export const SESSION_COOKIE = 'unity_session';
export const IDLE_TIMEOUT_MS = 12 * 3600_000;
export const ABSOLUTE_TIMEOUT_MS = 7 * 86_400_000;
/** last_seen_at is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 60_000;

/** Starts a session; returns the secret for the cookie. */
export async function createSession(db: Db, userId: string, now = Date.now()): Promise<string> {
  const secret = newSecret();
  await db.insert(sessions).values({
    idHash: sha256Hex(secret),
    userId,
    createdAt: new Date(now),
    lastSeenAt: new Date(now),
    expiresAt: new Date(now + ABSOLUTE_TIMEOUT_MS),
  });
  return secret;
}

/** The signed-in user for a cookie value, or undefined when absent, unknown or expired. */
export async function resolveSession(
  db: Db,
  secret: string | undefined,
  now = Date.now(),
): Promise<Me | undefined> {
  if (!secret || secret.length > 128) return undefined;
  const idHash = sha256Hex(secret);
  const [row] = await db
    .select({ id: users.id, username: users.username, role: users.role, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.idHash, idHash),
        gt(sessions.expiresAt, new Date(now)),
        gt(sessions.lastSeenAt, new Date(now - IDLE_TIMEOUT_MS)),
      ),
    )
    .limit(1);
  if (!row) return undefined;
  if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.idHash, idHash));
  }
  return { id: row.id, username: row.username, role: row.role };
}

export async function deleteSession(db: Db, secret: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, sha256Hex(secret)));
}

/** Drops sessions past either timeout; run now and then. */
export async function pruneSessions(db: Db, now = Date.now()): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date(now)));
  await db.delete(sessions).where(lt(sessions.lastSeenAt, new Date(now - IDLE_TIMEOUT_MS)));
}
