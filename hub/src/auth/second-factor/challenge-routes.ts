/**
 * `POST /api/auth/second-factor`: the second step of a sign-in. Public (the challenge cookie the
 * password step set is the credential), and regulated exactly like the password: a wrong code is
 * a sign-in failure of the (account, address) pair and of the address, so guessing codes ends
 * in a ban just as guessing passwords does. The code is a TOTP or backup code, or with
 * `method: "email"` one the hub mailed (auth/email-codes/).
 * @module
 */
import { SecondFactorChallengeSchema } from '@unity/shared';
import { Hono } from 'hono';
import type { HubDeps, HubEnv } from '../../types.js';
import { useEmailCode } from '../email-codes/service.js';
import { beginChallengeStep, failChallengeStep, finishChallengeStep } from './challenge-step.js';
import { secondFactorDeps } from './context.js';
import { verifySecondFactor } from './service.js';

const HOW = {
  totp: 'with an authenticator code',
  backup_code: 'with a backup code',
  email: 'with a code sent by e-mail',
} as const;

export function challengeRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const sf = secondFactorDeps(deps);

  app.post('/', async (c) => {
    const step = await beginChallengeStep(c, deps, SecondFactorChallengeSchema);
    const { code, method, rememberDevice } = step.body;
    const kind =
      method === 'email'
        ? (await useEmailCode(deps, step.user.id, 'sign_in', code))
          ? ('email' as const)
          : undefined
        : await verifySecondFactor(sf, step.user.id, code);
    if (!kind)
      return failChallengeStep(deps, step, method === 'email' ? 'wrong e-mailed code' : 'wrong code');
    return finishChallengeStep(c, deps, step, { rememberDevice, how: HOW[kind] });
  });

  return app;
}
