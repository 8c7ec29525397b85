/**
 * Enrollment tokens: made by an admin (or from UNITY_BOOTSTRAP_TOKEN at start), stored as a
 * sha256 digest with an expiry and a number of uses, and consumed atomically at enrollment.
 * @module
 */
import type { EnrollmentToken } from '@unity/shared';
import { newSecret, sha256Hex } from '../auth/tokens.js';
import type { Db } from '../db/client.js';
import { enrollmentTokens } from '../db/schema.js';

/** The bootstrap token `npm start` hands to the hub and to the local agent. */
export const BOOTSTRAP_TTL_MS = 15 * 60_000;

/** The one line an admin pastes on a host. */
export const installCommand = (publicUrl: string, token: string): string =>
  `curl -fsSL ${publicUrl}/install.sh | sudo bash -s -- --hub ${publicUrl} --token ${token}`;

export const ENROLLMENT_TOKEN_PREFIX = 'uet_';

export async function createEnrollmentToken(
  db: Db,
  input: { ttlSec: number; maxUses: number; note?: string | undefined; createdBy: string | null },
  publicUrl: string,
  now = Date.now(),
): Promise<EnrollmentToken> {
  // A fixed prefix: secret scanners can recognise a leaked token, and it never starts with a
  // dash, which a command line (`--token -x…`) would read as an option.
  const token = `${ENROLLMENT_TOKEN_PREFIX}${newSecret()}`;
  const expiresAt = now + input.ttlSec * 1000;
  const [row] = await db
    .insert(enrollmentTokens)
    .values({
      tokenHash: sha256Hex(token),
      note: input.note ?? null,
      expiresAt: new Date(expiresAt),
      maxUses: input.maxUses,
      createdBy: input.createdBy,
    })
    .returning({ id: enrollmentTokens.id });
  if (!row) throw new Error('enrollment token insert returned no row');
  return {
    id: row.id,
    token,
    expiresAt,
    maxUses: input.maxUses,
    installCommand: installCommand(publicUrl, token),
  };
}

/**
 * Registers UNITY_BOOTSTRAP_TOKEN as a single-use token valid 15 minutes. Re-registering the
 * same token after a restart changes nothing, so a used bootstrap token stays used.
 */
export async function registerBootstrapToken(db: Db, token: string, now = Date.now()): Promise<boolean> {
  const inserted = await db
    .insert(enrollmentTokens)
    .values({
      tokenHash: sha256Hex(token),
      note: 'bootstrap (UNITY_BOOTSTRAP_TOKEN)',
      expiresAt: new Date(now + BOOTSTRAP_TTL_MS),
      maxUses: 1,
      createdBy: null,
    })
    .onConflictDoNothing()
    .returning({ id: enrollmentTokens.id });
  return inserted.length > 0;
}
