/**
 * The sign-in challenge between the password and the code: a random 256-bit token in an
 * HttpOnly cookie scoped to `/api/auth`, its sha256 stored with the account and a 5-minute end.
 * A wrong code leaves it in place (the regulator counts the failure); the right one deletes it
 * in the statement that reads it, so it completes at most one sign-in.
 * @module
 */
import { and, eq, gt, lte } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { secondFactorChallenges } from '../../db/schema.js';
import { secureCookies } from '../cookies.js';
import { newSecret, sha256Hex } from '../tokens.js';

export const CHALLENGE_COOKIE = 'unity_2fa_challenge';
export const CHALLENGE_TTL_MS = 5 * 60_000;
const PATH = '/api/auth';

export type Challenge = { userId: string; remember: boolean };

export async function startChallenge(
  c: Context,
  db: Db,
  config: Config,
  challenge: Challenge,
  now: number,
): Promise<void> {
  const token = newSecret();
  // Expired challenges of anyone are dropped here: no timer needed to keep the table small.
  await db.delete(secondFactorChallenges).where(lte(secondFactorChallenges.expiresAt, new Date(now)));
  await db.insert(secondFactorChallenges).values({
    tokenHash: sha256Hex(token),
    userId: challenge.userId,
    remember: challenge.remember,
    expiresAt: new Date(now + CHALLENGE_TTL_MS),
  });
  setCookie(c, CHALLENGE_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: PATH,
    secure: secureCookies(c, config),
    maxAge: CHALLENGE_TTL_MS / 1000,
  });
}

/** The pending challenge of this browser, without using it up. */
export async function pendingChallenge(c: Context, db: Db, now: number): Promise<Challenge | undefined> {
  const token = getCookie(c, CHALLENGE_COOKIE);
  if (!token || token.length > 128) return undefined;
  const [row] = await db
    .select()
    .from(secondFactorChallenges)
    .where(
      and(
        eq(secondFactorChallenges.tokenHash, sha256Hex(token)),
        gt(secondFactorChallenges.expiresAt, new Date(now)),
      ),
    )
    .limit(1);
  return row ? { userId: row.userId, remember: row.remember } : undefined;
}

/** Uses the challenge up; false when another request already did. */
export async function consumeChallenge(c: Context, db: Db, config: Config): Promise<boolean> {
  const token = getCookie(c, CHALLENGE_COOKIE) ?? '';
  const gone = await db
    .delete(secondFactorChallenges)
    .where(eq(secondFactorChallenges.tokenHash, sha256Hex(token)))
    .returning({ userId: secondFactorChallenges.userId });
  deleteCookie(c, CHALLENGE_COOKIE, { path: PATH, secure: secureCookies(c, config), httpOnly: true });
  return gone.length === 1;
}
