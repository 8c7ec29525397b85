/**
 * `/api/auth`: status (is first-admin setup pending), setup, login, logout, me.
 * @module
 */
import { LoginRequestSchema, SetupRequestSchema } from '@unity/shared';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { HubError, unauthorized } from '../errors.js';
import { jsonBody } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { completeSetup, setupRequired } from './bootstrap.js';
import { clearSessionCookie, setSessionCookie } from './cookies.js';
import { verifyPassword } from './passwords.js';
import { createSession, deleteSession, SESSION_COOKIE } from './sessions.js';
import { findUserByName } from './users.js';

const WRONG_CREDENTIALS = 'wrong username or password';

/** The client's address as the socket saw it (a proxy's address when behind one). */
function clientAddress(c: { env: unknown }): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

export function authRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  app.get('/status', async (c) => c.json({ setupRequired: await setupRequired(deps.db) }));

  app.post('/setup', async (c) => {
    const req = await jsonBody(c, SetupRequestSchema);
    const user = await completeSetup(deps.db, req);
    deps.log.info({ module: 'auth', username: user.username }, 'first admin created through setup');
    setSessionCookie(c, deps.config, await createSession(deps.db, user.id));
    return c.json(user);
  });

  app.post('/login', async (c) => {
    const ip = clientAddress(c);
    if (deps.loginLimiter.blocked(ip)) {
      throw new HubError('rate_limited', 'too many failed sign-ins; try again in a few minutes');
    }
    const req = await jsonBody(c, LoginRequestSchema);
    const user = await findUserByName(deps.db, req.username);
    if (!(await verifyPassword(user?.passwordHash, req.password)) || !user) {
      deps.loginLimiter.fail(ip);
      deps.log.info({ module: 'auth', username: req.username, ip }, 'sign-in failed');
      throw unauthorized(WRONG_CREDENTIALS);
    }
    deps.loginLimiter.reset(ip);
    setSessionCookie(c, deps.config, await createSession(deps.db, user.id));
    return c.json({ id: user.id, username: user.username, role: user.role });
  });

  app.post('/logout', async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret) await deleteSession(deps.db, secret);
    clearSessionCookie(c, deps.config);
    return c.body(null, 204);
  });

  app.get('/me', (c) => {
    const user = c.get('user');
    if (!user) throw unauthorized('sign in first');
    return c.json(user);
  });

  return app;
}
