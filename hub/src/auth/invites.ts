/**
 * Invite links: an admin makes a one-time, expiring URL; whoever opens it picks a username and
 * a password (held to the policy) and gets an account with the invite's role. Only the token's
 * sha256 is stored; the row is locked and marked used in the accepting transaction, so one link
 * makes at most one account.
 * @module
 */
import type { AcceptInvite, CreateInvite, Invite, User } from '@unity/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { invites } from '../db/schema.js';
import { unauthorized } from '../errors.js';
import { newSecret, sha256Hex } from './tokens.js';
import { addUser } from './user-admin.js';

export async function createInvite(
  db: Db,
  input: CreateInvite,
  createdBy: string,
  publicUrl: string,
  now = Date.now(),
): Promise<Invite> {
  const token = newSecret();
  const expiresAt = new Date(now + input.ttlHours * 3600_000);
  const [row] = await db
    .insert(invites)
    .values({ tokenHash: sha256Hex(token), role: input.role, note: input.note, expiresAt, createdBy })
    .returning({ id: invites.id });
  if (!row) throw new Error('invite insert returned no row');
  return {
    id: row.id,
    url: `${publicUrl}/invite?token=${token}`,
    role: input.role,
    expiresAt: expiresAt.getTime(),
  };
}

export async function acceptInvite(db: Db, req: AcceptInvite, now = Date.now()): Promise<User> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(invites)
      .where(eq(invites.tokenHash, sha256Hex(req.token)))
      .for('update');
    if (!row || row.usedAt || row.expiresAt.getTime() <= now) {
      throw unauthorized('this invite link is not valid: it was used, has expired or never existed');
    }
    const user = await addUser(tx, {
      username: req.username,
      password: req.password,
      role: row.role,
      displayName: '',
      email: '',
    });
    await tx
      .update(invites)
      .set({ usedAt: new Date(now) })
      .where(eq(invites.id, row.id));
    return user;
  });
}
