/**
 * Every `/api` route needs a session or an API key, except the ones on this allow-list: sign-in itself and
 * the agent endpoints, which carry their own credentials (enrollment token, connect token).
 * A new route is therefore protected unless someone adds it here on purpose.
 * @module
 */
import { CONNECT_PATH, ENROLL_PATH, type Me } from '@unity/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { forbidden, unauthorized } from '../errors.js';
import { SPEEDTEST_AGENT_ROUTES } from '../speedtests/agent-endpoints.js';
import type { HubDeps, HubEnv } from '../types.js';
import { resolveAccess } from './access.js';
import { API_KEY_PREFIX, resolveApiKey } from './api-keys.js';
import { headerAuthUser } from './header-auth.js';
import { SESSION_COOKIE } from './sessions.js';
import type { Role } from './users.js';

export const PUBLIC_API_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/auth/status',
  'POST /api/auth/login',
  'POST /api/auth/setup',
  // The invite token is the credential; the policy is what the sign-up form shows.
  'POST /api/invites/accept',
  'GET /api/auth/password-policy',
  // The challenge cookie from the password step is the credential (second-factor/challenge.ts).
  'POST /api/auth/second-factor',
  // Passkeys: the signed assertion is the credential; the second-factor forms ride on the
  // challenge cookie like the code step (passkeys/sign-in-routes.ts, email-codes/routes.ts).
  'POST /api/auth/passkey/options',
  'POST /api/auth/passkey',
  'POST /api/auth/second-factor/passkey/options',
  'POST /api/auth/second-factor/passkey',
  'POST /api/auth/second-factor/email',
  `POST ${ENROLL_PATH}`,
  `GET ${CONNECT_PATH}`,
  // Speed test endpoints: each request carries the agent's connect token, checked by the route.
  ...SPEEDTEST_AGENT_ROUTES,
]);

export const isPublicApiRoute = (method: string, path: string): boolean =>
  PUBLIC_API_ROUTES.has(`${method.toUpperCase()} ${path}`);

/**
/**
 * Sets `user` and `access` from an API key (`Authorization: Bearer unity_…`), else a trusted
 * proxy's headers (header auth, when enabled), else the session cookie; answers 401 for a
 * protected route without any. A bad key is a 401 even on a public route, so a script with a
 * revoked key fails loudly. Other bearer tokens (the agents' connect tokens) are not API keys
 * and pass through untouched.
 */
export function sessionMiddleware(deps: HubDeps): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const key = apiKeyOf(c.req.header('authorization'));
    if (key !== undefined) {
      const resolved = await resolveApiKey(deps.db, key);
      if (!resolved) throw unauthorized('the API key is not valid or has expired');
      c.set('user', resolved.user);
      c.set('access', resolved.access);
      c.set('apiKeyId', resolved.keyId);
      return next();
    }
    const user =
      (await headerAuthUser(deps, c)) ?? (await deps.sessions.resolve(getCookie(c, SESSION_COOKIE)))?.user;
    // A disabled or deleted account has no access, whatever session it still had.
    const resolved = user ? await resolveAccess(deps.db, user.id) : undefined;
    c.set('user', resolved?.user);
    c.set('access', resolved?.access);
    if (!resolved && !isPublicApiRoute(c.req.method, c.req.path)) throw unauthorized('sign in first');
    await next();
  };
}

function apiKeyOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1]?.startsWith(API_KEY_PREFIX) ? match[1] : undefined;
}

const RANK: Record<NonNullable<Role>, number> = { viewer: 0, editor: 1, admin: 2 };

/**
 * The signed-in user, required to hold at least the built-in `role`.
 * @deprecated Routes check permissions now (auth/require-permission.ts), which custom roles and
 * scoped bindings also grant; kept for code not yet moved over.
 */
export function requireRole(c: Context<HubEnv>, role: NonNullable<Role>): Me {
  const user = c.get('user');
  if (!user) throw unauthorized('sign in first');
  if (!user.role || RANK[user.role] < RANK[role]) throw forbidden(`this needs the ${role} role`);
  return user;
}
