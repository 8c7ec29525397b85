/**
 * Route guards by permission: `requirePermission(c, 'containers', 'act')` inside a handler, or
 * `permit('containers', 'act')` as route middleware. A permission held only on some hosts
 * (a scoped binding) passes this check; the handler then limits what it shows or touches to
 * those hosts (auth/host-scope.ts). Without a session: 401; without the permission: 403.
 * @module
 */
import type { Action, Me, Resource } from '@unity/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { forbidden, unauthorized } from '../errors.js';
import type { HubEnv } from '../types.js';
import { can } from './access.js';
import { permission } from './permissions.js';

/** The signed-in user, required to hold `resource:action` somewhere. */
export function requirePermission(c: Context<HubEnv>, resource: Resource, action: Action): Me {
  const user = c.get('user');
  if (!user) throw unauthorized('sign in first');
  const p = permission(resource, action);
  if (!can(c.get('access'), p)) throw forbidden(`this needs the ${p} permission`);
  return user;
}

export type PermitOptions = {
  /** Runs before the 403 is answered, e.g. to audit the refused attempt. */
  onDenied?: (c: Context<HubEnv>, user: Me) => Promise<void>;
};

export function permit(
  resource: Resource,
  action: Action,
  options: PermitOptions = {},
): MiddlewareHandler<HubEnv> {
  const p = permission(resource, action);
  return async (c, next) => {
    const user = c.get('user');
    if (!user) throw unauthorized('sign in first');
    if (!can(c.get('access'), p)) {
      await options.onDenied?.(c, user);
      throw forbidden(`this needs the ${p} permission`);
    }
    await next();
  };
}

/** The signed-in user, for routes every signed-in user may use (their own account, sign-out). */
export function signedIn(c: Context<HubEnv>): Me {
  const user = c.get('user');
  if (!user) throw unauthorized('sign in first');
  return user;
}
