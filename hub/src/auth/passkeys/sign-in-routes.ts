/**
 * Signing in with a passkey. `/api/auth/passkey`: passwordless (options for a discoverable
 * credential, then the assertion, user verification required; the passkey alone completes the
 * sign-in, whatever second factor the account has, since it is itself possession plus a PIN or
 * biometric). `/api/auth/second-factor/passkey`: the passkey as the second step after the
 * password, within the pending challenge. All public (the assertion, or the challenge cookie,
 * is the credential) and regulated like passwords; failures are audited with their reason.
 * @module
 */
import { PasskeyChallengeSchema, PasskeySignInSchema } from '@unity/shared';
import { Hono } from 'hono';
import { recordEvent } from '../../audit/audit-log.js';
import { badRequest, forbidden, unauthorized } from '../../errors.js';
import { clientIp } from '../../http/client-ip.js';
import { jsonBody } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { bannedError } from '../regulated.js';
import { pendingChallenge } from '../second-factor/challenge.js';
import {
  beginChallengeStep,
  failChallengeStep,
  finishChallengeStep,
} from '../second-factor/challenge-step.js';
import { completeSignIn } from '../sign-in-complete.js';
import { getUser } from '../user-admin.js';
import { authenticationOptions, verifyAuthentication } from './ceremonies.js';
import { ceremonyDeps } from './context.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HOW = 'with a passkey';

export function passkeySignInRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const cd = ceremonyDeps(deps);

  app.post('/options', async (c) => {
    const ban = await deps.regulator.check({ scope: 'signin', ip: clientIp(c) ?? 'unknown' });
    if (ban.banned) throw bannedError(c, ban, 'sign-ins');
    return c.json({ options: await authenticationOptions(cd, null) });
  });

  app.post('/', async (c) => {
    const ip = clientIp(c) ?? 'unknown';
    const ban = await deps.regulator.check({ scope: 'signin', ip });
    if (ban.banned) throw bannedError(c, ban, 'sign-ins');
    const { response, remember } = await jsonBody(c, PasskeySignInSchema);
    const outcome = await verifyAuthentication(cd, null, response);
    if (!outcome.ok) {
      const failed = await deps.regulator.fail({ scope: 'signin', ip });
      await recordEvent(deps.db, {
        actor: { id: null, name: 'passkey' },
        ip,
        action: 'auth.passkey',
        objectType: 'passkey',
        objectId: response.id.slice(0, 128),
        outcome: 'unauthorized',
        message: failed.ban ? `${outcome.reason}; address banned` : outcome.reason,
      });
      await sleep(failed.delayMs);
      throw unauthorized('that passkey did not sign you in; try again or use your password');
    }
    const user = await getUser(deps.db, outcome.value.userId);
    if (user.disabledAt) throw forbidden('this account is disabled; ask an admin');
    return completeSignIn(c, deps, user, {
      ip,
      remember: remember === true,
      how: `${HOW} "${outcome.value.name}"`,
    });
  });

  return app;
}

export function passkeyChallengeRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const cd = ceremonyDeps(deps);

  app.post('/options', async (c) => {
    const pending = await pendingChallenge(c, deps.db, cd.clock());
    // 400, not 401: the route is public, and this is a request out of order, not a bad credential.
    if (!pending)
      throw badRequest('no sign-in is waiting for a second factor; sign in with your password first');
    return c.json({ options: await authenticationOptions(cd, pending.userId) });
  });

  app.post('/', async (c) => {
    const step = await beginChallengeStep(c, deps, PasskeyChallengeSchema);
    const outcome = await verifyAuthentication(cd, step.user.id, step.body.response);
    if (!outcome.ok)
      return failChallengeStep(deps, step, `passkey refused: ${outcome.reason}`, 'that passkey was refused');
    return finishChallengeStep(c, deps, step, {
      rememberDevice: step.body.rememberDevice,
      how: `${HOW} "${outcome.value.name}"`,
    });
  });

  return app;
}
