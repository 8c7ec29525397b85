/**
 * `/api/auth`: status (is first-admin setup pending), setup, login, logout, me. Sign-in goes
 * through brute-force regulation (regulation.ts): a banned address or (account, address) pair
 * is refused before the password is even checked, and each failure is answered after a growing
 * delay. Every sign-in, failure and sign-out is audited.
 * @module
 */
import {
  LoginRequestSchema,
  type Me,
  type PasswordPolicy,
  type SecondFactorRequired,
  SetupRequestSchema,
} from '@unity/shared';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { recordEvent } from '../audit/audit-log.js';
import { forbidden, unauthorized } from '../errors.js';
import { clientIp } from '../http/client-ip.js';
import { jsonBody } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { permissionsOf } from './access.js';
import { completeSetup, setupRequired } from './bootstrap.js';
import { clearSessionCookie, setSessionCookie } from './cookies.js';
import { deviceSummary } from './device.js';
import { directorySignIn } from './ldap/sign-in.js';
import { meWithPermissions, recordSignIn } from './me.js';
import { MAX_LENGTH, MIN_LENGTH_SINGLE_FACTOR } from './password-policy.js';
import { verifyPassword } from './passwords.js';
import { bannedError } from './regulated.js';
import { startChallenge } from './second-factor/challenge.js';
import { secondFactorDeps } from './second-factor/context.js';
import { secondFactorMethods } from './second-factor/methods.js';
import { isRememberedDevice } from './second-factor/remember-device.js';
import { hasSecondFactor } from './second-factor/service.js';
import { SESSION_COOKIE } from './sessions.js';
import { completeSignIn } from './sign-in-complete.js';
import { assertPasswordSignIn } from './sso/password-switch.js';
import { assertPasswordAllowed } from './user-admin.js';
import { findUserByName } from './users.js';

const WRONG_CREDENTIALS = 'wrong username or password';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function authRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const log = deps.log.child({ module: 'auth' });

  app.get('/status', async (c) => c.json({ setupRequired: await setupRequired(deps.db) }));

  app.get('/password-policy', (c) =>
    c.json({ minLength: MIN_LENGTH_SINGLE_FACTOR, maxLength: MAX_LENGTH } satisfies PasswordPolicy),
  );

  app.post('/setup', async (c) => {
    const req = await jsonBody(c, SetupRequestSchema);
    assertPasswordAllowed(req.password, req.username);
    const user = await completeSetup(deps.db, req);
    log.info({ username: user.username }, 'first admin created through setup');
    const meta = { ip: clientIp(c), device: deviceSummary(c.req.header('user-agent')), remember: false };
    setSessionCookie(c, deps.config, await deps.sessions.create(user.id, meta));
    return c.json(await meWithPermissions(deps.db, user.id));
  });

  app.post('/login', async (c) => {
    const ip = clientIp(c) ?? 'unknown';
    const byIp = await deps.regulator.check({ scope: 'signin', ip });
    if (byIp.banned) throw bannedError(c, byIp, 'sign-ins');
    const req = await jsonBody(c, LoginRequestSchema);
    await assertPasswordSignIn(deps);
    const attempt = { scope: 'signin', ip, account: req.username } as const;
    const byPair = await deps.regulator.check(attempt);
    if (byPair.banned) throw bannedError(c, byPair, 'sign-ins');
    const found = await findUserByName(deps.db, req.username);
    // Directory-backed accounts (and unknown names, with LDAP auto-provisioning) are checked
    // by the directory; the rest of the flow (regulation, 2FA, audit) is the same for both.
    const directory = await directorySignIn(deps, found, req.username, req.password);
    const user = directory.kind === 'local' ? found : directory.user;
    const verified =
      directory.kind === 'local'
        ? await verifyPassword(found?.passwordHash, req.password)
        : directory.kind !== 'failed';
    // The password was right: told only to someone who knows it.
    if (directory.kind === 'no_access') {
      await deps.regulator.succeed(attempt);
      await recordEvent(deps.db, {
        actor: { id: user?.id ?? null, name: req.username },
        ip,
        action: 'auth.signin',
        objectType: 'user',
        objectId: user?.id ?? req.username,
        objectName: req.username,
        outcome: 'forbidden',
        message: 'directory account in no mapped group',
      });
      throw forbidden('your directory account is in no group that grants access to Unity; ask an admin');
    }
    if (!verified || !user) {
      const outcome = await deps.regulator.fail(attempt);
      log.info({ username: req.username, ip }, 'sign-in failed');
      await recordEvent(deps.db, {
        actor: { id: user?.id ?? null, name: req.username },
        ip,
        action: 'auth.signin',
        objectType: 'user',
        objectId: user?.id ?? req.username,
        objectName: req.username,
        outcome: 'unauthorized',
        message: outcome.ban ? 'wrong credentials; address banned' : 'wrong credentials',
      });
      await sleep(outcome.delayMs);
      throw unauthorized(WRONG_CREDENTIALS);
    }
    // Told only to someone who knows the password, so it reveals nothing to a guesser.
    if (user.disabledAt) {
      await deps.regulator.succeed(attempt);
      throw forbidden('this account is disabled; ask an admin');
    }
    // A directory user's password is the directory's: never hashed and stored here.
    if (directory.kind === 'local') await recordSignIn(deps.db, user, req.password);
    const sf = secondFactorDeps(deps);
    if ((await hasSecondFactor(deps.db, user.id)) && !(await isRememberedDevice(c, sf, user.id))) {
      // No session yet, and the pair's failures are not cleared: wrong codes keep counting
      // toward the ban however often the password is entered again.
      await startChallenge(
        c,
        deps.db,
        deps.config,
        { userId: user.id, remember: req.remember === true },
        sf.clock(),
      );
      return c.json(
        {
          secondFactorRequired: true,
          methods: await secondFactorMethods(deps, user.id),
        } satisfies SecondFactorRequired,
        202,
      );
    }
    await deps.regulator.succeed(attempt);
    return completeSignIn(c, deps, user, {
      ip,
      remember: req.remember === true,
      ...(directory.kind === 'ok' ? { how: 'ldap' } : {}),
    });
  });

  app.post('/logout', async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    const user = c.get('user');
    if (secret) await deps.sessions.end(secret);
    clearSessionCookie(c, deps.config);
    if (user) {
      await recordEvent(deps.db, {
        actor: { id: user.id, name: user.username },
        ip: clientIp(c),
        action: 'auth.signout',
        objectType: 'user',
        objectId: user.id,
        objectName: user.username,
        outcome: 'ok',
      });
    }
    return c.body(null, 204);
  });

  app.get('/me', (c) => {
    const user = c.get('user');
    const access = c.get('access');
    if (!user || !access) throw unauthorized('sign in first');
    return c.json({ ...user, permissions: permissionsOf(access) } satisfies Me);
  });

  return app;
}
