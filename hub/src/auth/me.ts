/**
 * The signed-in user's own view: identity plus every permission held, and the bookkeeping of a
 * successful sign-in (time, and re-hashing a password stored with older parameters).
 * @module
 */
import type { Me } from '@unity/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users } from '../db/schema.js';
import { unauthorized } from '../errors.js';
import { permissionsOf, resolveAccess } from './access.js';
import { hashPassword, needsRehash } from './passwords.js';

export async function meWithPermissions(db: Db, userId: string): Promise<Me> {
  const resolved = await resolveAccess(db, userId);
  if (!resolved) throw unauthorized('this account is disabled or gone');
  return { ...resolved.user, permissions: permissionsOf(resolved.access) };
}

/** Called with the password just verified: the only moment the hub can re-hash it. */
export async function recordSignIn(
  db: Db,
  user: { id: string; passwordHash: string },
  password: string,
  now = Date.now(),
): Promise<void> {
  const set: Partial<typeof users.$inferInsert> = { lastSignInAt: new Date(now) };
  if (needsRehash(user.passwordHash)) set.passwordHash = await hashPassword(password);
  await db.update(users).set(set).where(eq(users.id, user.id));
}
