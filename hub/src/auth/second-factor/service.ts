/**
 * The second-factor service: TOTP enrolment (pending until a first code confirms it), code
 * checks with replay refusal, single-use backup codes, and whether a user's roles require a
 * second factor. The TOTP secret is sealed at rest with the hub's secret key (the SecretBox of
 * notify/secrets.ts, the user id as associated data so a sealed secret copied onto another
 * account does not open).
 * @module
 */
import { and, eq, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/client.js';
import {
  backupCodes,
  groupMembers,
  passkeys,
  roleBindings,
  roleSecondFactor,
  secondFactors,
  users,
} from '../../db/schema.js';
import { conflict } from '../../errors.js';
import type { SecretBox } from '../../notify/secrets.js';
import { passkeyCount } from '../passkeys/store.js';
import { BACKUP_CODE_COUNT, hashBackupCode, isBackupCodeShape, newBackupCode } from './backup-codes.js';
import { matchTotp, newTotpSecret } from './totp.js';

export type SecondFactorDeps = { db: Db; box: SecretBox; clock: () => number };
export type CodeKind = 'totp' | 'backup_code';

const context = (userId: string) => `totp:${userId}`;

export async function secondFactorRow(db: Db, userId: string) {
  const [row] = await db.select().from(secondFactors).where(eq(secondFactors.userId, userId)).limit(1);
  return row;
}

/**
 * True once TOTP is confirmed or a passkey is registered: sign-in then asks for a second step,
 * a role's 2FA requirement is met, and the password floor drops to 8.
 */
export async function hasSecondFactor(db: Db, userId: string): Promise<boolean> {
  return (await hasTotp(db, userId)) || (await passkeyCount(db, userId)) > 0;
}

export async function hasTotp(db: Db, userId: string): Promise<boolean> {
  return (await secondFactorRow(db, userId))?.confirmedAt != null;
}

export async function backupCodesRemaining(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(backupCodes)
    .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
  return Number(row?.n ?? 0);
}

/** Starts (or restarts) an enrolment with a fresh 160-bit secret; refused while one is active. */
export async function startTotpEnrolment(sf: SecondFactorDeps, userId: string): Promise<string> {
  const row = await secondFactorRow(sf.db, userId);
  if (row?.confirmedAt) throw conflict('two-factor authentication is already on; turn it off first');
  const secret = newTotpSecret();
  const sealed = sf.box.seal(secret, context(userId));
  await sf.db
    .insert(secondFactors)
    .values({ userId, totpSecretSealed: sealed })
    .onConflictDoUpdate({
      target: secondFactors.userId,
      set: { totpSecretSealed: sealed, lastUsedStep: null, confirmedAt: null },
    });
  return secret;
}

/**
 * Accepts a TOTP code for a step after the last one used, recording that step in the same
 * statement so two requests racing with one code cannot both pass.
 */
async function useTotp(sf: SecondFactorDeps, userId: string, code: string, pending: boolean) {
  const row = await secondFactorRow(sf.db, userId);
  if (!row || (row.confirmedAt == null) !== pending) return false;
  const step = matchTotp(sf.box.open(row.totpSecretSealed, context(userId)), code, sf.clock());
  if (step === undefined) return false;
  const used = await sf.db
    .update(secondFactors)
    .set({ lastUsedStep: step, ...(pending ? { confirmedAt: new Date(sf.clock()) } : {}) })
    .where(
      and(
        eq(secondFactors.userId, userId),
        or(isNull(secondFactors.lastUsedStep), lt(secondFactors.lastUsedStep, step)),
      ),
    )
    .returning({ userId: secondFactors.userId });
  return used.length === 1;
}

/** Confirms a pending enrolment with its first code; returns the new backup codes, or undefined. */
export async function confirmTotp(
  sf: SecondFactorDeps,
  userId: string,
  code: string,
): Promise<string[] | undefined> {
  if (!(await useTotp(sf, userId, code.replace(/\s/g, ''), true))) return undefined;
  return regenerateBackupCodes(sf.db, userId);
}

/** Checks a code of a confirmed second factor: a TOTP code, else an unused backup code. */
export async function verifySecondFactor(
  sf: SecondFactorDeps,
  userId: string,
  code: string,
): Promise<CodeKind | undefined> {
  const digits = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(digits)) return (await useTotp(sf, userId, digits, false)) ? 'totp' : undefined;
  if (!isBackupCodeShape(code) || !(await hasTotp(sf.db, userId))) return undefined;
  const used = await sf.db
    .update(backupCodes)
    .set({ usedAt: new Date(sf.clock()) })
    .where(
      and(
        eq(backupCodes.userId, userId),
        eq(backupCodes.codeHash, hashBackupCode(code)),
        isNull(backupCodes.usedAt),
      ),
    )
    .returning({ id: backupCodes.id });
  return used.length > 0 ? 'backup_code' : undefined;
}

/** Replaces every backup code of the user with 10 fresh ones, returned once in clear. */
export async function regenerateBackupCodes(db: Db, userId: string): Promise<string[]> {
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
  await db.transaction(async (tx) => {
    await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
    await tx.insert(backupCodes).values(codes.map((c) => ({ userId, codeHash: hashBackupCode(c) })));
  });
  return codes;
}

/** Turns 2FA off: the secret and the backup codes go (remembered devices die with the secret). */
export async function disableSecondFactor(db: Db, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
    await tx.delete(secondFactors).where(eq(secondFactors.userId, userId));
  });
}

/**
 * Whether the user must enrol a second factor before anything else: one of their roles requires
 * it and they have neither a confirmed TOTP nor a passkey. The gate asks on every request of such
 * a user, so this is one round trip (roleRequiresSecondFactor and hasSecondFactor took up to four);
 * with no role requiring 2FA (the cached common case) it asks nothing.
 */
export async function mustEnrolSecondFactor(db: Db, userId: string): Promise<boolean> {
  const required = [...(await rolesRequiringSecondFactor(db))];
  if (required.length === 0) return false;
  const roles = sql.join(
    required.map((r) => sql`${r}`),
    sql`, `,
  );
  const [row] = rowsOf<{ must: boolean }>(
    await db.execute(sql`
      select (
        exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.role} in (${roles}))
        or exists (
          select 1 from ${roleBindings}
          where ${roleBindings.roleKey} in (${roles})
            and (${roleBindings.userId} = ${userId}
              or ${roleBindings.groupId} in
                (select ${groupMembers.groupId} from ${groupMembers} where ${groupMembers.userId} = ${userId}))
        )
      )
      and not exists (
        select 1 from ${secondFactors}
        where ${secondFactors.userId} = ${userId} and ${secondFactors.confirmedAt} is not null
      )
      and not exists (select 1 from ${passkeys} where ${passkeys.userId} = ${userId}) as must`),
  );
  return row?.must === true;
}

/** Whether one of the user's roles (own built-in role, or bound directly or through a group) requires 2FA. */
export async function roleRequiresSecondFactor(db: Db, userId: string): Promise<boolean> {
  const required = [...(await rolesRequiringSecondFactor(db))];
  if (required.length === 0) return false;
  const [own] = await db
    .select({ role: users.role })
    .from(users)
    .where(and(eq(users.id, userId), isNotNull(users.role)));
  if (own?.role && required.includes(own.role)) return true;
  const groups = db
    .select({ id: groupMembers.groupId })
    .from(groupMembers)
    .where(eq(groupMembers.userId, userId));
  const [bound] = await db
    .select({ id: roleBindings.id })
    .from(roleBindings)
    .where(
      and(
        inArray(roleBindings.roleKey, required),
        or(eq(roleBindings.userId, userId), inArray(roleBindings.groupId, groups)),
      ),
    )
    .limit(1);
  return bound !== undefined;
}

/**
 * The roles that require a second factor, read at most every REQUIRED_TTL_MS per database: the
 * gate asks on every authenticated request, and the answer is almost always "none". A change
 * made through this module is seen at once; one made on another replica within the TTL.
 */
const REQUIRED_TTL_MS = 5_000;
const requiredRoles = new WeakMap<Db, { until: number; keys: Promise<Set<string>> }>();

export function rolesRequiringSecondFactor(db: Db): Promise<Set<string>> {
  const now = Date.now();
  const hit = requiredRoles.get(db);
  if (hit && hit.until > now) return hit.keys;
  const keys = db
    .select({ key: roleSecondFactor.roleKey })
    .from(roleSecondFactor)
    .then((rows) => new Set(rows.map((r) => r.key)));
  const entry = { until: now + REQUIRED_TTL_MS, keys };
  requiredRoles.set(db, entry);
  keys.catch(() => {
    if (requiredRoles.get(db) === entry) requiredRoles.delete(db);
  });
  return keys;
}

export async function setRoleRequiresSecondFactor(db: Db, roleKey: string, required: boolean): Promise<void> {
  if (required) await db.insert(roleSecondFactor).values({ roleKey }).onConflictDoNothing();
  else await db.delete(roleSecondFactor).where(eq(roleSecondFactor.roleKey, roleKey));
  requiredRoles.delete(db);
}
