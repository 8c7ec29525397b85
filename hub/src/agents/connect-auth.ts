/**
 * Checks the `Authorization: Bearer <connect token>` of an agent's WebSocket upgrade: an EdDSA
 * JWT signed with the agent's enrolled key, iss = agent id, aud = hubAudience(hubId), expiring
 * at most two minutes ahead, with a jti not seen before within its lifetime.
 * @module
 */
import { err, ok, type Result } from '@unity/shared';
import { decodeJwt, importJWK, type JWK, jwtVerify } from 'jose';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { findAgent } from './agent-store.js';
import type { HubIdentity } from './identity.js';
import type { ReplayCache } from './replay-cache.js';

export type ConnectClaims = { agentId: string; jti: string };

/** Tokens further ahead than this are refused: a long-lived token is a standing credential. */
const MAX_LIFETIME_SEC = 120;
const CLOCK_TOLERANCE_SEC = 5;

const Uuid = z.uuid();

export async function verifyConnectToken(
  deps: { db: Db; identity: HubIdentity; replay: ReplayCache },
  authorization: string | undefined,
  now = Date.now(),
): Promise<Result<ConnectClaims, string>> {
  const match = /^Bearer ([A-Za-z0-9_.-]{1,4096})$/.exec(authorization ?? '');
  if (!match?.[1]) return err('missing bearer connect token');
  const token = match[1];

  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    return err('connect token is malformed');
  }
  const agentId = Uuid.safeParse(issuer);
  if (!agentId.success) return err('connect token has no valid issuer');
  const agent = await findAgent(deps.db, agentId.data);
  if (!agent || agent.revoked) return err('unknown or revoked agent');

  let claims: { exp?: number; jti?: string };
  try {
    const key = await importJWK(agent.publicJwk as JWK, 'EdDSA');
    ({ payload: claims } = await jwtVerify(token, key, {
      algorithms: ['EdDSA'],
      issuer: agent.id,
      audience: deps.identity.audience,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_TOLERANCE_SEC,
      currentDate: new Date(now),
    }));
  } catch {
    return err('connect token signature or claims are not valid');
  }
  const exp = claims.exp ?? 0;
  if (exp - now / 1000 > MAX_LIFETIME_SEC + CLOCK_TOLERANCE_SEC) {
    return err(`connect token must expire within ${MAX_LIFETIME_SEC} s`);
  }
  const jti = claims.jti ?? '';
  if (jti.length === 0 || jti.length > 128) return err('connect token has no valid jti');
  if (!deps.replay.claim(`${agent.id}:${jti}`, (exp + CLOCK_TOLERANCE_SEC) * 1000, now)) {
    return err('connect token was already used');
  }
  return ok({ agentId: agent.id, jti });
}
