/**
 * Every `/api` route needs a session, except the ones on this allow-list: sign-in itself and
 * the agent endpoints, which carry their own credentials (enrollment token, connect token).
 * A new route is therefore protected unless someone adds it here on purpose.
 * @module
 */
import { CONNECT_PATH, ENROLL_PATH, type Me } from '@unity/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { forbidden, unauthorized } from '../errors.js';
import type { HubDeps, HubEnv } from '../types.js';
import { resolveSession, SESSION_COOKIE } from './sessions.js';
import type { Role } from './users.js';

export const PUBLIC_API_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/auth/status',
  'POST /api/auth/login',
  'POST /api/auth/setup',
  `POST ${ENROLL_PATH}`,
  `GET ${CONNECT_PATH}`,
]);

export const isPublicApiRoute = (method: string, path: string): boolean =>
  PUBLIC_API_ROUTES.has(`${method.toUpperCase()} ${path}`);

/** Sets `user` from the session cookie; answers 401 for a protected route without one. */
export function sessionMiddleware(deps: HubDeps): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const user = await resolveSession(deps.db, getCookie(c, SESSION_COOKIE));
    c.set('user', user);
    if (!user && !isPublicApiRoute(c.req.method, c.req.path)) throw unauthorized('sign in first');
    await next();
  };
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** The signed-in user, required to hold at least `role`. */
export function requireRole(c: Context<HubEnv>, role: Role): Me {
  const user = c.get('user');
  if (!user) throw unauthorized('sign in first');
  if (RANK[user.role] < RANK[role]) throw forbidden(`this needs the ${role} role`);
  return user;
}
