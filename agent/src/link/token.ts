/**
 * The per-connection credentials: the connect token the agent signs (EdDSA JWT, iss = sub =
 * agent id, aud = the hub, a minute of validity, a unique jti against replay) and the check of
 * the hub's proof, a JWT signed by the pinned hub key naming this agent and echoing the jti.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  CONNECT_TOKEN_TTL_SEC,
  type Ed25519PublicJwk,
  err,
  hubAudience,
  ok,
  type Result,
} from '@unity/shared';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import type { PrivateJwk } from './identity.js';

export type ConnectToken = { token: string; jti: string };

/** Signs a fresh connect token; `nowSec` is injectable for tests. */
export async function signConnectToken(options: {
  privateKey: PrivateJwk;
  agentId: string;
  hubId: string;
  nowSec?: number;
}): Promise<ConnectToken> {
  const key = await importJWK(options.privateKey, 'EdDSA');
  const now = options.nowSec ?? Math.floor(Date.now() / 1000);
  const jti = randomUUID();
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setIssuer(options.agentId)
    .setSubject(options.agentId)
    .setAudience(hubAudience(options.hubId))
    .setIssuedAt(now)
    .setExpirationTime(now + CONNECT_TOKEN_TTL_SEC)
    .setJti(jti)
    .sign(key);
  return { token, jti };
}

/**
 * Verifies the hub's `config.hubProof`: signed by the pinned key (not just any hub answering on
 * that URL), audience this agent, nonce the jti of this connection's token (not a replay).
 */
export async function verifyHubProof(
  proof: string,
  options: { hubPublicKey: Ed25519PublicJwk; agentId: string; nonce: string },
): Promise<Result<void, string>> {
  try {
    const key = await importJWK(options.hubPublicKey, 'EdDSA');
    const { payload } = await jwtVerify(proof, key, {
      algorithms: ['EdDSA'],
      audience: options.agentId,
      clockTolerance: 300,
    });
    if (payload.nonce !== options.nonce) return err('hub proof answers another connection (nonce mismatch)');
    return ok(undefined);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERR';
    return err(`hub proof rejected (${code}): ${(error as Error).message}`);
  }
}
