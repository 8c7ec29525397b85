/**
 * Push probes' secret ping tokens: 192 random bits as base64url, stored only as a SHA-256 hash.
 * A fast hash is enough here (no salt, no Argon2): the token is random and long, so there is no
 * dictionary to try, and looking a ping up by its hash must stay cheap.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { pushMonitors } from '../../db/schema.js';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The URL a job pings, e.g. https://hub.example/push/<token>. */
export const pingUrl = (publicUrl: string, token: string): string =>
  `${publicUrl.replace(/\/+$/, '')}/push/${token}`;

/** Gives the probe a new token (replacing any old one, which stops working at once); returns it. */
export async function issueToken(db: Db, probeId: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const tokenHash = hashToken(token);
  await db
    .insert(pushMonitors)
    .values({ probeId, tokenHash })
    .onConflictDoUpdate({ target: pushMonitors.probeId, set: { tokenHash, startedAt: null } });
  return token;
}

export async function hasToken(db: Db, probeId: string): Promise<boolean> {
  const rows = await db
    .select({ id: pushMonitors.probeId })
    .from(pushMonitors)
    .where(eq(pushMonitors.probeId, probeId));
  return rows.length > 0;
}

/** The probe a token belongs to, or undefined. */
export async function probeIdOfToken(db: Db, token: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: pushMonitors.probeId })
    .from(pushMonitors)
    .where(eq(pushMonitors.tokenHash, hashToken(token)));
  return row?.id;
}

/** Notes a `/start` at `at`. */
export async function markStarted(db: Db, probeId: string, at: number): Promise<void> {
  await db
    .update(pushMonitors)
    .set({ startedAt: new Date(at) })
    .where(eq(pushMonitors.probeId, probeId));
}

/** The open `/start` (epoch ms), cleared in the same statement so one start measures one run. */
export async function takeStarted(db: Db, probeId: string): Promise<number | null> {
  const [row] = await db
    .update(pushMonitors)
    .set({ startedAt: null })
    .where(eq(pushMonitors.probeId, probeId))
    .returning({
      was: sql<Date | string | null>`(select started_at from push_monitors where probe_id = ${probeId})`,
    });
  return row?.was ? new Date(row.was).getTime() : null;
}
