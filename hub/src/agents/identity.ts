/**
 * The hub's own identity: an id and an Ed25519 key pair made on first start and kept in the
 * database (one row), so every replica and every restart presents the key agents pinned.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Ed25519PublicJwk } from '@unity/shared';
import { Ed25519PublicJwkSchema, hubAudience } from '@unity/shared';
import { eq } from 'drizzle-orm';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Db } from '../db/client.js';
import { hubIdentity } from '../db/schema.js';

export type HubIdentity = {
  hubId: string;
  /** The audience agents must name in their connect tokens. */
  audience: string;
  publicJwk: Ed25519PublicJwk;
  privateKey: CryptoKey;
};

/** Loads the identity, creating it on first start (a concurrent replica's insert wins). */
export async function loadOrCreateIdentity(db: Db): Promise<HubIdentity> {
  const [existing] = await db.select().from(hubIdentity).where(eq(hubIdentity.id, 1));
  if (!existing) {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    await db
      .insert(hubIdentity)
      .values({
        id: 1,
        hubId: randomUUID(),
        publicJwk: await exportJWK(publicKey),
        privateJwk: await exportJWK(privateKey),
      })
      .onConflictDoNothing();
    return loadOrCreateIdentity(db);
  }
  const pub = existing.publicJwk as JWK;
  const publicJwk = Ed25519PublicJwkSchema.parse({ kty: pub.kty, crv: pub.crv, x: pub.x });
  const privateKey = (await importJWK(existing.privateJwk as JWK, 'EdDSA')) as CryptoKey;
  return { hubId: existing.hubId, audience: hubAudience(existing.hubId), publicJwk, privateKey };
}

/**
 * The `hubProof` of the config frame: an EdDSA JWT with iss = hub id, aud = agent id and
 * nonce = the jti of the agent's connect token, so it cannot be replayed to another agent or
 * another connection.
 */
export async function signHubProof(identity: HubIdentity, agentId: string, nonce: string): Promise<string> {
  return new SignJWT({ nonce })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(identity.hubId)
    .setAudience(agentId)
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(identity.privateKey);
}
