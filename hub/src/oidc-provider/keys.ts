/**
 * The provider's keys, kept in Unity's database sealed with the hub's secret key (never
 * logged): RS256 signing keys for ID tokens and the secret that signs its cookies. Rotation
 * makes a new signing key current and retires the old one, which stays in the JWKS until every
 * token it signed has expired (`RETIRED_KEY_KEEP_MS`), so relying parties keep verifying them.
 * @module
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { JWK } from 'oidc-provider';
import type { Db } from '../db/client.js';
import { oidcKeys } from '../db/schema.js';
import type { SecretBox } from '../notify/secrets.js';

/** The longest-lived token a signing key signs (the ID token, 1 h) plus clock skew. */
export const RETIRED_KEY_KEEP_MS = 65 * 60_000;

export type KeyInfo = { kid: string; createdAt: string; retiredAt: string | null; current: boolean };

const context = (kid: string) => `oidc-key:${kid}`;

function newSigningJwk(kid: string): JWK {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' };
}

async function insertSigningKey(db: Db, box: SecretBox): Promise<void> {
  const kid = randomUUID();
  await db
    .insert(oidcKeys)
    .values({ kid, use: 'sig', sealed: box.seal(JSON.stringify(newSigningJwk(kid)), context(kid)) });
}

/** Signing keys to publish, the current one first (oidc-provider signs with the first). */
export async function loadSigningKeys(db: Db, box: SecretBox, now: number): Promise<JWK[]> {
  await db
    .delete(oidcKeys)
    .where(and(eq(oidcKeys.use, 'sig'), lt(oidcKeys.retiredAt, new Date(now - RETIRED_KEY_KEEP_MS))));
  let rows = await db
    .select()
    .from(oidcKeys)
    .where(eq(oidcKeys.use, 'sig'))
    .orderBy(desc(oidcKeys.createdAt));
  if (!rows.some((r) => r.retiredAt === null)) {
    await insertSigningKey(db, box);
    rows = await db.select().from(oidcKeys).where(eq(oidcKeys.use, 'sig')).orderBy(desc(oidcKeys.createdAt));
  }
  const current = rows.filter((r) => r.retiredAt === null);
  const retired = rows.filter((r) => r.retiredAt !== null);
  return [...current, ...retired].map((r) => JSON.parse(box.open(r.sealed, context(r.kid))) as JWK);
}

/** The cookie signing secrets, made on first use. */
export async function loadCookieKeys(db: Db, box: SecretBox): Promise<string[]> {
  let rows = await db.select().from(oidcKeys).where(eq(oidcKeys.use, 'cookie'));
  if (rows.length === 0) {
    const kid = randomUUID();
    await db
      .insert(oidcKeys)
      .values({ kid, use: 'cookie', sealed: box.seal(randomBytes(32).toString('base64url'), context(kid)) })
      .onConflictDoNothing();
    rows = await db.select().from(oidcKeys).where(eq(oidcKeys.use, 'cookie'));
  }
  return rows.map((r) => box.open(r.sealed, context(r.kid)));
}

/** A new current signing key; the previous ones are retired (still published for a while). */
export async function rotateSigningKey(db: Db, box: SecretBox, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(oidcKeys)
      .set({ retiredAt: new Date(now) })
      .where(and(eq(oidcKeys.use, 'sig'), isNull(oidcKeys.retiredAt)));
    await insertSigningKey(tx as unknown as Db, box);
  });
}

/** True when a retired key has outlived its tokens (the provider is then rebuilt without it). */
export async function hasExpiredRetiredKey(db: Db, now: number): Promise<boolean> {
  const rows = await db
    .select({ kid: oidcKeys.kid })
    .from(oidcKeys)
    .where(and(eq(oidcKeys.use, 'sig'), lt(oidcKeys.retiredAt, new Date(now - RETIRED_KEY_KEEP_MS))))
    .limit(1);
  return rows.length > 0;
}

export async function listSigningKeys(db: Db): Promise<KeyInfo[]> {
  const rows = await db
    .select({ kid: oidcKeys.kid, createdAt: oidcKeys.createdAt, retiredAt: oidcKeys.retiredAt })
    .from(oidcKeys)
    .where(eq(oidcKeys.use, 'sig'))
    .orderBy(desc(oidcKeys.createdAt));
  return rows.map((r) => ({
    kid: r.kid,
    createdAt: r.createdAt.toISOString(),
    retiredAt: r.retiredAt?.toISOString() ?? null,
    current: r.retiredAt === null,
  }));
}
