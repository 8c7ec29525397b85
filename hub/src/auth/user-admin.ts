/**
 * User administration: list, create, update (role, disable, profile), delete, and password
 * changes with the policy and the optional reuse history. Disabling or deleting an account ends
 * its sessions; the last enabled admin cannot be demoted, disabled or deleted, so a hub is never
 * left without anyone able to manage it.
 * @module
 */
import type { CreateUser, UpdateUser, User } from '@unity/shared';
import { and, asc, count, desc, eq, isNull, ne } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { passwordHistory, users } from '../db/schema.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { passwordProblems } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { hasSecondFactor } from './second-factor/service.js';
import { endSessionsOfUser } from './session-revoke.js';
import type { Sessions } from './sessions.js';

/** Where a disabled or deleted account's sessions are ended (PostgreSQL or Redis). */
type SessionsDep = { sessions: Sessions };

type Row = typeof users.$inferSelect;

export const toUser = (r: Row): User => ({
  id: r.id,
  username: r.username,
  displayName: r.displayName,
  email: r.email,
  role: r.role,
  disabled: r.disabledAt !== null,
  createdAt: r.createdAt.getTime(),
  lastSignInAt: r.lastSignInAt?.getTime() ?? null,
});

/** How many earlier passwords may not be reused; 0 (off) by default, as NIST advises. */
export type PasswordRules = { historySize: number };

export function assertPasswordAllowed(password: string, username: string, hasSecondFactor = false): void {
  const problems = passwordProblems(password, { username, hasSecondFactor });
  if (problems.length > 0) throw badRequest(`invalid password: ${problems.join('; ')}`);
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.select().from(users).orderBy(asc(users.username))).map(toUser);
}

export async function getUser(db: Db, id: string): Promise<Row> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  if (!row) throw notFound('user not found');
  return row;
}

export async function addUser(db: Db, input: CreateUser): Promise<User> {
  assertPasswordAllowed(input.password, input.username);
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.username, input.username));
  if (taken) throw conflict(`the username ${input.username} is taken`);
  const [row] = await db
    .insert(users)
    .values({
      username: input.username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      displayName: input.displayName,
      email: input.email,
      passwordChangedAt: new Date(),
    })
    .returning();
  if (!row) throw new Error('user insert returned no row');
  return toUser(row);
}

async function otherEnabledAdmins(db: Db, id: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.disabledAt), ne(users.id, id)));
  return row?.n ?? 0;
}

export async function updateUser(db: Db, id: string, patch: UpdateUser, deps: SessionsDep): Promise<User> {
  const before = await getUser(db, id);
  const losesAdmin =
    before.role === 'admin' &&
    !before.disabledAt &&
    ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
  if (losesAdmin && (await otherEnabledAdmins(db, id)) === 0) {
    throw conflict('this is the last enabled admin; make another admin first');
  }
  const set: Partial<typeof users.$inferInsert> = {};
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.displayName !== undefined) set.displayName = patch.displayName;
  if (patch.email !== undefined) set.email = patch.email;
  if (patch.disabled !== undefined)
    set.disabledAt = patch.disabled ? (before.disabledAt ?? new Date()) : null;
  const [row] = Object.keys(set).length
    ? await db.update(users).set(set).where(eq(users.id, id)).returning()
    : [before];
  if (!row) throw notFound('user not found');
  if (patch.disabled === true) await endSessionsOfUser(deps, id);
  return toUser(row);
}

export async function removeUser(db: Db, id: string, deps: SessionsDep): Promise<Row> {
  const before = await getUser(db, id);
  if (before.role === 'admin' && !before.disabledAt && (await otherEnabledAdmins(db, id)) === 0) {
    throw conflict('this is the last enabled admin; make another admin first');
  }
  await endSessionsOfUser(deps, id);
  await db.delete(users).where(eq(users.id, id));
  return before;
}

/**
 * Changes a password after checking the policy and, with `historySize` > 0, that it is none of
 * the last ones. The old hash goes into the history; other sessions are ended by the caller.
 */
export async function setPassword(
  db: Db,
  userId: string,
  password: string,
  rules: PasswordRules,
): Promise<void> {
  const user = await getUser(db, userId);
  // NIST SP 800-63B: the floor drops to 8 once a second factor is enrolled.
  assertPasswordAllowed(password, user.username, await hasSecondFactor(db, userId));
  if (rules.historySize > 0) {
    const earlier = await db
      .select({ hash: passwordHistory.passwordHash })
      .from(passwordHistory)
      .where(eq(passwordHistory.userId, userId))
      .orderBy(desc(passwordHistory.createdAt))
      .limit(rules.historySize - 1);
    for (const stored of [user.passwordHash, ...earlier.map((e) => e.hash)]) {
      if (await verifyPassword(stored, password)) {
        throw badRequest(`invalid password: do not reuse one of your last ${rules.historySize} passwords`);
      }
    }
  }
  await db.transaction(async (tx) => {
    await tx.insert(passwordHistory).values({ userId, passwordHash: user.passwordHash });
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(password), passwordChangedAt: new Date() })
      .where(eq(users.id, userId));
  });
}
