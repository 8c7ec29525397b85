/**
 * WebAuthn ceremony challenges, kept by the hub (WebAuthn §13.4.3): 32 random bytes handed out
 * with the options, stored with their purpose and user, and deleted by the statement that
 * accepts the response carrying them, so each one completes at most one ceremony, and only
 * within two minutes. The challenge a response carries is read from its clientDataJSON; the
 * WebAuthn library then checks that the signature covers it.
 * @module
 */
import { and, count, eq, gt, isNull, lte } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { webauthnChallenges } from '../../db/schema.js';
import { HubError } from '../../errors.js';

export type CeremonyPurpose = 'register' | 'second_factor' | 'passwordless';

export const CHALLENGE_TTL_MS = 2 * 60_000;
/** Passwordless options are public: a cap keeps a flood of requests from filling the table. */
const MAX_OPEN_PASSWORDLESS = 10_000;

export async function storeChallenge(
  db: Db,
  challenge: string,
  purpose: CeremonyPurpose,
  userId: string | null,
  now: number,
): Promise<void> {
  // Expired challenges of anyone go here: no timer needed to keep the table small.
  await db.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, new Date(now)));
  if (purpose === 'passwordless') {
    const [open] = await db
      .select({ n: count() })
      .from(webauthnChallenges)
      .where(eq(webauthnChallenges.purpose, 'passwordless'));
    if ((open?.n ?? 0) >= MAX_OPEN_PASSWORDLESS) {
      throw new HubError('rate_limited', 'too many passkey sign-ins under way; try again in a minute');
    }
  }
  await db
    .insert(webauthnChallenges)
    .values({ challenge, purpose, userId, expiresAt: new Date(now + CHALLENGE_TTL_MS) });
}

/** Uses the challenge up; false when it is unknown, expired, for another purpose or user, or used. */
export async function consumeChallenge(
  db: Db,
  challenge: string,
  purpose: CeremonyPurpose,
  userId: string | null,
  now: number,
): Promise<boolean> {
  const gone = await db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challenge, challenge),
        eq(webauthnChallenges.purpose, purpose),
        userId === null ? isNull(webauthnChallenges.userId) : eq(webauthnChallenges.userId, userId),
        gt(webauthnChallenges.expiresAt, new Date(now)),
      ),
    )
    .returning({ challenge: webauthnChallenges.challenge });
  return gone.length === 1;
}

const ClientData = z.object({ challenge: z.string().min(1).max(512) });

/** The challenge a response says it answers (unverified until the library checks the signature). */
export function challengeOf(clientDataJSON: string): string | undefined {
  try {
    return ClientData.parse(JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'))).challenge;
  } catch {
    return undefined;
  }
}
