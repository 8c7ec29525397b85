/**
 * One-time codes by e-mail: a fallback second factor and the proof that a user reads their
 * address. Six random digits, kept only as a keyed hash (a plain hash of 10^6 values hides
 * nothing), live for 10 minutes, used once; a code dies after 5 wrong guesses, a new one may be
 * mailed a minute after the last and at most 5 an hour. Offered for sign-in only when the hub
 * has SMTP and the account's address was verified (the address verified equals the current one,
 * so changing the e-mail needs a new verification without any hook in the profile code).
 * @module
 */
import { randomInt } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { emailCodes, emailVerifications, users } from '../../db/schema.js';
import { badRequest, HubError } from '../../errors.js';
import type { HubDeps } from '../../types.js';
import { secondFactorDeps } from '../second-factor/context.js';
import { mailCode } from './mailer.js';

export type EmailCodePurpose = 'sign_in' | 'verify_email';

export const CODE_TTL_MS = 10 * 60_000;
export const RESEND_AFTER_MS = 60_000;
const MAX_FAILURES = 5;
const MAX_SENDS_PER_HOUR = 5;
const HOUR_MS = 3_600_000;

const hashOf = (deps: HubDeps, userId: string, purpose: EmailCodePurpose, code: string) =>
  secondFactorDeps(deps).box.mac(`${userId}:${purpose}:${code}`, 'email-code');

/** `a…@example.com`: enough to recognise one's address, not to learn someone else's. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '…';
  return `${address.slice(0, 1)}…${address.slice(at)}`;
}

/** The account's address if it is verified (equal, ignoring case, to the one proved). */
export async function verifiedAddress(deps: HubDeps, userId: string): Promise<string | undefined> {
  const [row] = await deps.db
    .select({ email: users.email, proved: emailVerifications.address })
    .from(users)
    .innerJoin(emailVerifications, eq(emailVerifications.userId, users.id))
    .where(eq(users.id, userId))
    .limit(1);
  return row && row.email !== '' && row.email.toLowerCase() === row.proved.toLowerCase()
    ? row.email
    : undefined;
}

/** Whether sign-in may offer a mailed code to this account. */
export async function emailCodesOffered(deps: HubDeps, userId: string): Promise<boolean> {
  return deps.config.smtp !== undefined && (await verifiedAddress(deps, userId)) !== undefined;
}

/**
 * Makes a fresh code (replacing any earlier one of the purpose) and mails it. Refused with 429
 * within the resend cooldown or past the hourly limit; the previous code stays valid then.
 */
export async function sendEmailCode(
  deps: HubDeps,
  userId: string,
  purpose: EmailCodePurpose,
  address: string,
): Promise<{ sentTo: string; resendAfterSec: number }> {
  const smtp = deps.config.smtp;
  if (!smtp) throw badRequest('this hub cannot send e-mail (UNITY_SMTP_HOST is not set)');
  const now = secondFactorDeps(deps).clock();
  const [previous] = await deps.db
    .select()
    .from(emailCodes)
    .where(and(eq(emailCodes.userId, userId), eq(emailCodes.purpose, purpose)))
    .limit(1);
  if (previous) {
    const wait = previous.sentAt.getTime() + RESEND_AFTER_MS - now;
    if (wait > 0) throw tooSoon(`wait ${Math.ceil(wait / 1000)} s before asking for another code`);
  }
  const windowOpen = previous !== undefined && previous.windowStart.getTime() + HOUR_MS > now;
  if (windowOpen && previous.sends >= MAX_SENDS_PER_HOUR) {
    throw tooSoon('too many codes asked for within an hour; try again later');
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const row = {
    codeHash: hashOf(deps, userId, purpose, code),
    address,
    expiresAt: new Date(now + CODE_TTL_MS),
    sentAt: new Date(now),
    failures: 0,
    sends: windowOpen ? previous.sends + 1 : 1,
    windowStart: windowOpen ? previous.windowStart : new Date(now),
  };
  // Mailed first: a code that never left keeps no cooldown and leaves the previous one valid.
  try {
    await mailCode(smtp, { to: address, code, purpose, publicUrl: deps.config.publicUrl });
  } catch (cause) {
    deps.log.child({ module: 'email-codes' }).warn({ err: String(cause), userId }, 'mailing a code failed');
    throw new HubError('internal', 'the code could not be mailed; try again later or use another method', {
      cause,
    });
  }
  await deps.db
    .insert(emailCodes)
    .values({ userId, purpose, ...row })
    .onConflictDoUpdate({ target: [emailCodes.userId, emailCodes.purpose], set: row });
  return { sentTo: maskAddress(address), resendAfterSec: RESEND_AFTER_MS / 1000 };
}

const tooSoon = (message: string) => new HubError('rate_limited', message);

/**
 * Uses the code up if it is right and alive; returns the address it was mailed to. A wrong one
 * counts against the code (which dies at the limit), so it cannot be guessed within its life.
 */
export async function useEmailCode(
  deps: HubDeps,
  userId: string,
  purpose: EmailCodePurpose,
  code: string,
): Promise<string | undefined> {
  const digits = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(digits)) return undefined;
  const now = new Date(secondFactorDeps(deps).clock());
  const mine = and(
    eq(emailCodes.userId, userId),
    eq(emailCodes.purpose, purpose),
    gt(emailCodes.expiresAt, now),
  );
  // Deleted by the statement that checks it: two requests racing with one code cannot both pass.
  const [used] = await deps.db
    .delete(emailCodes)
    .where(
      and(
        mine,
        eq(emailCodes.codeHash, hashOf(deps, userId, purpose, digits)),
        sql`${emailCodes.failures} < ${MAX_FAILURES}`,
      ),
    )
    .returning({ address: emailCodes.address });
  if (used) return used.address;
  // Wrong, or no live code at all: either way a guess, counted against a live one.
  await deps.db
    .update(emailCodes)
    .set({ failures: sql`${emailCodes.failures} + 1` })
    .where(mine);
  return undefined;
}

/** Records that the user proved to read `address`. */
export async function markVerified(deps: HubDeps, userId: string, address: string): Promise<void> {
  const row = { address, verifiedAt: new Date(secondFactorDeps(deps).clock()) };
  await deps.db
    .insert(emailVerifications)
    .values({ userId, ...row })
    .onConflictDoUpdate({ target: emailVerifications.userId, set: row });
}
