/**
 * `allowRoles(...)`: route middleware that lets only users holding one of the listed roles
 * through and answers 403 to the rest (401 without a session). A route that must record refused
 * attempts (the audit log) passes `onDenied`, which runs before the 403 is answered.
 * @module
 */
import type { Me } from '@unity/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { forbidden, unauthorized } from '../errors.js';
import type { HubEnv } from '../types.js';
import type { Role } from './users.js';

export type AllowRolesOptions = {
  onDenied?: (c: Context<HubEnv>, user: Me) => Promise<void>;
};

export function allowRoles(
  roles: readonly Role[],
  options: AllowRolesOptions = {},
): MiddlewareHandler<HubEnv> {
  const allowed = new Set(roles);
  const names = roles.join(' or ');
  return async (c, next) => {
    const user = c.get('user');
    if (!user) throw unauthorized('sign in first');
    if (!allowed.has(user.role)) {
      await options.onDenied?.(c, user);
      throw forbidden(
        `this needs the ${names} role; you are ${user.role === 'admin' ? 'an' : 'a'} ${user.role}`,
      );
    }
    await next();
  };
}

/** Editors and admins change things; viewers only look. */
export const CAN_ACT: readonly Role[] = ['editor', 'admin'];
export const ADMIN_ONLY: readonly Role[] = ['admin'];
