/**
 * `POST /api/auth/second-factor`: the second step of a sign-in. Public (the challenge cookie the
 * password step set is the credential), and regulated exactly like the password: a wrong code is
 * a sign-in failure of the (account, address) pair and of the address, so guessing codes ends
 * in a ban just as guessing passwords does.
 * @module
 */
import { SecondFactorChallengeSchema } from '@unity/shared';
import { Hono } from 'hono';
import { recordEvent } from '../../audit/audit-log.js';
import { forbidden, unauthorized } from '../../errors.js';
import { clientIp } from '../../http/client-ip.js';
import { jsonBody } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { bannedError } from '../regulated.js';
import { completeSignIn } from '../sign-in-complete.js';
import { getUser } from '../user-admin.js';
import { consumeChallenge, pendingChallenge } from './challenge.js';
import { secondFactorDeps } from './context.js';
import { rememberDevice } from './remember-device.js';
import { verifySecondFactor } from './service.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function challengeRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const sf = secondFactorDeps(deps);

  app.post('/', async (c) => {
    const ip = clientIp(c) ?? 'unknown';
    const byIp = await deps.regulator.check({ scope: 'signin', ip });
    if (byIp.banned) throw bannedError(c, byIp, 'sign-ins');
    const req = await jsonBody(c, SecondFactorChallengeSchema);
    const pending = await pendingChallenge(c, deps.db, sf.clock());
    if (!pending)
      throw unauthorized('sign in with your password first (the code must follow within 5 minutes)');
    const user = await getUser(deps.db, pending.userId);
    const attempt = { scope: 'signin', ip, account: user.username } as const;
    const byPair = await deps.regulator.check(attempt);
    if (byPair.banned) throw bannedError(c, byPair, 'sign-ins');
    const kind = await verifySecondFactor(sf, user.id, req.code);
    if (!kind) {
      const outcome = await deps.regulator.fail(attempt);
      await recordEvent(deps.db, {
        actor: { id: user.id, name: user.username },
        ip,
        action: 'auth.second_factor',
        objectType: 'user',
        objectId: user.id,
        objectName: user.username,
        outcome: 'unauthorized',
        message: outcome.ban ? 'wrong code; address banned' : 'wrong code',
      });
      await sleep(outcome.delayMs);
      throw unauthorized('wrong or already used code');
    }
    if (!(await consumeChallenge(c, deps.db, deps.config))) {
      throw unauthorized('this sign-in was already completed; sign in again');
    }
    await deps.regulator.succeed(attempt);
    if (user.disabledAt) throw forbidden('this account is disabled; ask an admin');
    if (req.rememberDevice === true) await rememberDevice(c, sf, deps.config, user.id);
    const how = kind === 'totp' ? 'with an authenticator code' : 'with a backup code';
    return completeSignIn(c, deps, user, { ip, remember: pending.remember, how });
  });

  return app;
}
