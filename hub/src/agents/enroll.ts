/**
 * Enrollment: an agent trades a valid enrollment token and its public key for an agent id and
 * the hub's public key. The token use is taken with one conditional UPDATE, so two agents racing
 * for the last use cannot both win, and the agent is created in the same transaction.
 * @module
 */
import type { EnrollRequest, EnrollResponse } from '@unity/shared';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { sha256Hex } from '../auth/tokens.js';
import type { Db } from '../db/client.js';
import { enrollmentTokens } from '../db/schema.js';
import { unauthorized } from '../errors.js';
import { createAgent } from './agent-store.js';
import type { HubIdentity } from './identity.js';

export async function enroll(db: Db, identity: HubIdentity, req: EnrollRequest): Promise<EnrollResponse> {
  const tokenHash = sha256Hex(req.token);
  const agentId = await db.transaction(async (tx) => {
    const [token] = await tx
      .update(enrollmentTokens)
      .set({ uses: sql`${enrollmentTokens.uses} + 1` })
      .where(
        and(
          eq(enrollmentTokens.tokenHash, tokenHash),
          lt(enrollmentTokens.uses, enrollmentTokens.maxUses),
          gt(enrollmentTokens.expiresAt, sql`now()`),
        ),
      )
      .returning({ id: enrollmentTokens.id });
    if (!token) {
      const [known] = await tx
        .select({ id: enrollmentTokens.id })
        .from(enrollmentTokens)
        .where(eq(enrollmentTokens.tokenHash, tokenHash));
      throw unauthorized(known ? 'enrollment token is expired or used up' : 'enrollment token is not valid');
    }
    return createAgent(tx, { publicKey: req.publicKey, host: req.host, enrollmentTokenId: token.id });
  });
  return { agentId, hubId: identity.hubId, hubPublicKey: identity.publicJwk };
}
