/**
 * The shared frame of every second-factor answer after the password (a code, a mailed code, a
 * passkey): the address and the (account, address) pair are checked for bans, the pending
 * challenge names the user, a failure is audited and counted like a wrong password, and a
 * success uses the challenge up and ends in the usual sign-in.
 * @module
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { recordEvent } from '../../audit/audit-log.js';
import { forbidden, unauthorized } from '../../errors.js';
import { clientIp } from '../../http/client-ip.js';
import { jsonBody } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { bannedError } from '../regulated.js';
import { completeSignIn } from '../sign-in-complete.js';
import { getUser } from '../user-admin.js';
import { type Challenge, consumeChallenge, pendingChallenge } from './challenge.js';
import { secondFactorDeps } from './context.js';
import { rememberDevice } from './remember-device.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ChallengeStep<T> = {
  ip: string;
  body: T;
  pending: Challenge;
  user: Awaited<ReturnType<typeof getUser>>;
  attempt: { scope: 'signin'; ip: string; account: string };
};

/** Bans, the body, the pending challenge (401 without one), the pair's ban. */
export async function beginChallengeStep<S extends z.ZodType>(
  c: Context<HubEnv>,
  deps: HubDeps,
  schema: S,
): Promise<ChallengeStep<z.infer<S>>> {
  const ip = clientIp(c) ?? 'unknown';
  const byIp = await deps.regulator.check({ scope: 'signin', ip });
  if (byIp.banned) throw bannedError(c, byIp, 'sign-ins');
  const body = await jsonBody(c, schema);
  const pending = await pendingChallenge(c, deps.db, secondFactorDeps(deps).clock());
  if (!pending)
    throw unauthorized('sign in with your password first (the code must follow within 5 minutes)');
  const user = await getUser(deps.db, pending.userId);
  const attempt = { scope: 'signin', ip, account: user.username } as const;
  const byPair = await deps.regulator.check(attempt);
  if (byPair.banned) throw bannedError(c, byPair, 'sign-ins');
  return { ip, body, pending, user, attempt };
}

/** A wrong answer: counted toward the ban, audited, answered 401 after the growing delay. */
export async function failChallengeStep(
  deps: HubDeps,
  step: ChallengeStep<unknown>,
  reason: string,
  answer = 'wrong or already used code',
): Promise<never> {
  const outcome = await deps.regulator.fail(step.attempt);
  await recordEvent(deps.db, {
    actor: { id: step.user.id, name: step.user.username },
    ip: step.ip,
    action: 'auth.second_factor',
    objectType: 'user',
    objectId: step.user.id,
    objectName: step.user.username,
    outcome: 'unauthorized',
    message: outcome.ban ? `${reason}; address banned` : reason,
  });
  await sleep(outcome.delayMs);
  throw unauthorized(answer);
}

/** The right answer: the challenge is used up (once), the device maybe remembered, the session made. */
export async function finishChallengeStep(
  c: Context<HubEnv>,
  deps: HubDeps,
  step: ChallengeStep<unknown>,
  options: { rememberDevice: boolean | undefined; how: string },
): Promise<Response> {
  if (!(await consumeChallenge(c, deps.db, deps.config))) {
    throw unauthorized('this sign-in was already completed; sign in again');
  }
  await deps.regulator.succeed(step.attempt);
  if (step.user.disabledAt) throw forbidden('this account is disabled; ask an admin');
  if (options.rememberDevice === true) {
    await rememberDevice(c, secondFactorDeps(deps), deps.config, step.user.id);
  }
  return completeSignIn(c, deps, step.user, {
    ip: step.ip,
    remember: step.pending.remember,
    how: options.how,
  });
}
