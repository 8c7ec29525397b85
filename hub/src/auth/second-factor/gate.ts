/**
 * Forced enrolment: a session user one of whose roles requires a second factor, and who has not
 * enrolled one, may use only the enrolment routes, the auth routes (me, sign-out) and its own
 * profile; everything else answers 403 `second_factor_enrolment_required`. API keys are not
 * gated: they are separate, scoped credentials an admin can revoke.
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import { HubError } from '../../errors.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { mustEnrolSecondFactor } from './service.js';

// A passkey is a second factor too: registering one satisfies the requirement.
const OPEN_PREFIXES = ['/api/auth/', '/api/me/second-factor', '/api/me/passkeys'];

const isOpen = (method: string, path: string): boolean =>
  OPEN_PREFIXES.some((p) => path.startsWith(p)) || (method === 'GET' && path === '/api/me');

export function secondFactorGate(deps: HubDeps): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!user || c.get('apiKeyId') || isOpen(c.req.method, c.req.path)) return next();
    if (await mustEnrolSecondFactor(deps.db, user.id)) {
      throw new HubError(
        'second_factor_enrolment_required',
        'your role requires two-factor authentication: set it up under My account first',
      );
    }
    return next();
  };
}
