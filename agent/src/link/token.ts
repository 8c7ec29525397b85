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
import type { PrivateJwk } from './identity.js';
import { signJwt, verifyJwt } from './jwt.js';

export type ConnectToken = { token: string; jti: string };

/** How far the hub's clock may be off from the agent's when its proof is checked. */
const PROOF_CLOCK_TOLERANCE_SEC = 300;

/** Signs a fresh connect token; `nowSec` is injectable for tests. */
export async function signConnectToken(options: {
  privateKey: PrivateJwk;
  agentId: string;
  hubId: string;
  nowSec?: number;
}): Promise<ConnectToken> {
  const now = options.nowSec ?? Math.floor(Date.now() / 1000);
  const jti = randomUUID();
  const token = signJwt(
    {
      iss: options.agentId,
      sub: options.agentId,
      aud: hubAudience(options.hubId),
      iat: now,
      exp: now + CONNECT_TOKEN_TTL_SEC,
      jti,
    },
    options.privateKey,
  );
  return { token, jti };
}

/**
 * Verifies the hub's `config.hubProof`: signed by the pinned key (not just any hub answering on
 * that URL), audience this agent, nonce the jti of this connection's token (not a replay).
 */
export async function verifyHubProof(
  proof: string,
  options: { hubPublicKey: Ed25519PublicJwk; agentId: string; nonce: string; nowSec?: number },
): Promise<Result<void, string>> {
  const nowSec = options.nowSec ?? Math.floor(Date.now() / 1000);
  let verified: Result<Record<string, unknown>, string>;
  try {
    verified = verifyJwt(proof, options.hubPublicKey, { nowSec, toleranceSec: PROOF_CLOCK_TOLERANCE_SEC });
  } catch (error) {
    // A pinned key node:crypto cannot import: the identity file was edited by hand.
    return err(`hub proof rejected: ${(error as Error).message}`);
  }
  if (!verified.ok) return err(`hub proof rejected: ${verified.error}`);
  const { aud, nonce } = verified.value;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(options.agentId))
    return err('hub proof rejected: it is addressed to another agent');
  if (nonce !== options.nonce) return err('hub proof answers another connection (nonce mismatch)');
  return ok(undefined);
}
