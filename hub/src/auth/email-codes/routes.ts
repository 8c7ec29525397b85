/**
 * E-mailed codes over HTTP. `POST /api/auth/second-factor/email` mails a sign-in code to the
 * verified address of the account whose password was just accepted (public: the challenge cookie
 * is the credential; the code then goes to `POST /api/auth/second-factor` with `method: "email"`).
 * `/api/me/email-verification` proves the signed-in user reads their address: a code mailed to
 * it, typed back.
 * @module
 */
import { EmailCodeSchema, type EmailCodeSent, type EmailVerificationStatus } from '@unity/shared';
import { type Context, Hono } from 'hono';
import { badRequest, forbidden } from '../../errors.js';
import { clientIp } from '../../http/client-ip.js';
import { jsonBody } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { auditIdentity } from '../audit-identity.js';
import { bannedError } from '../regulated.js';
import { signedIn } from '../require-permission.js';
import { pendingChallenge } from '../second-factor/challenge.js';
import { secondFactorDeps } from '../second-factor/context.js';
import { getUser } from '../user-admin.js';
import { markVerified, sendEmailCode, useEmailCode, verifiedAddress } from './service.js';

export function emailChallengeRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  app.post('/', async (c) => {
    const ban = await deps.regulator.check({ scope: 'signin', ip: clientIp(c) ?? 'unknown' });
    if (ban.banned) throw bannedError(c, ban, 'sign-ins');
    const pending = await pendingChallenge(c, deps.db, secondFactorDeps(deps).clock());
    if (!pending)
      throw badRequest('no sign-in is waiting for a second factor; sign in with your password first');
    const address = deps.config.smtp ? await verifiedAddress(deps, pending.userId) : undefined;
    if (!address) throw badRequest('codes by e-mail are not available for this account');
    return c.json((await sendEmailCode(deps, pending.userId, 'sign_in', address)) satisfies EmailCodeSent);
  });
  return app;
}

function bySession(c: Context<HubEnv>) {
  const user = signedIn(c);
  if (c.get('apiKeyId')) throw forbidden('an API key cannot change the account; sign in');
  return user;
}

export function emailVerificationRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  app.get('/', async (c) => {
    const user = signedIn(c);
    const row = await getUser(deps.db, user.id);
    return c.json({
      smtp: deps.config.smtp !== undefined,
      email: row.email,
      verified: (await verifiedAddress(deps, user.id)) !== undefined,
    } satisfies EmailVerificationStatus);
  });

  app.post('/', async (c) => {
    const user = bySession(c);
    const row = await getUser(deps.db, user.id);
    if (!row.email) throw badRequest('set an e-mail address in your profile first');
    return c.json((await sendEmailCode(deps, user.id, 'verify_email', row.email)) satisfies EmailCodeSent);
  });

  app.post('/confirm', async (c) => {
    const user = bySession(c);
    const { code } = await jsonBody(c, EmailCodeSchema);
    const address = await useEmailCode(deps, user.id, 'verify_email', code);
    const row = await getUser(deps.db, user.id);
    // The code proves the address it went to, and only while that is still the account's one.
    if (!address || address.toLowerCase() !== row.email.toLowerCase()) {
      throw badRequest('invalid body: code: wrong or expired code; ask for a new one');
    }
    await markVerified(deps, user.id, address);
    await auditIdentity(deps.db, c, {
      action: 'user.email_verify',
      objectType: 'user',
      objectId: user.id,
      objectName: user.username,
    });
    return c.body(null, 204);
  });

  return app;
}
