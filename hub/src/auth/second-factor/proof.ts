/**
 * A fresh proof that the person at a signed-in browser is the account's owner: the current
 * password or a valid second-factor code, regulated like a sign-in (a wrong one is a failure of
 * the pair and is audited), so a stolen session cannot guess its way to turning 2FA off or
 * deleting a passkey.
 * @module
 */
import { SecondFactorProofSchema } from '@unity/shared';
import type { Context } from 'hono';
import { recordEvent } from '../../audit/audit-log.js';
import { badRequest } from '../../errors.js';
import { clientIp } from '../../http/client-ip.js';
import { jsonBody } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { verifyPassword } from '../passwords.js';
import { bannedError } from '../regulated.js';
import { getUser } from '../user-admin.js';
import { secondFactorDeps } from './context.js';
import { verifySecondFactor } from './service.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function assertFreshProof(
  c: Context<HubEnv>,
  deps: HubDeps,
  user: { id: string; username: string },
  what: string,
): Promise<void> {
  const proof = await jsonBody(c, SecondFactorProofSchema);
  const attempt = { scope: 'signin', ip: clientIp(c) ?? 'unknown', account: user.username } as const;
  const state = await deps.regulator.check(attempt);
  if (state.banned) throw bannedError(c, state, 'sign-ins');
  const row = await getUser(deps.db, user.id);
  const ok =
    (proof.password !== undefined && (await verifyPassword(row.passwordHash, proof.password))) ||
    (proof.code !== undefined &&
      (await verifySecondFactor(secondFactorDeps(deps), user.id, proof.code)) !== undefined);
  if (ok) return;
  const outcome = await deps.regulator.fail(attempt);
  await recordEvent(deps.db, {
    actor: { id: user.id, name: user.username },
    ip: attempt.ip,
    action: 'auth.second_factor',
    objectType: 'user',
    objectId: user.id,
    objectName: user.username,
    outcome: 'unauthorized',
    message: `wrong password or code to ${what}`,
  });
  await sleep(outcome.delayMs);
  throw badRequest('invalid body: that is not your current password or a valid code');
}
