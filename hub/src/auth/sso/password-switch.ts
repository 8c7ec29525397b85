/**
 * Whether password sign-in is on: the admin setting, overridden (on) by the break-glass variable
 * UNITY_PASSWORD_SIGNIN_BREAK_GLASS for when the identity provider is down or misconfigured.
 * @module
 */
import { forbidden } from '../../errors.js';
import type { HubDeps } from '../../types.js';
import { passwordSignInSetting } from './store.js';

export async function passwordSignInAllowed(deps: Pick<HubDeps, 'db' | 'config'>): Promise<boolean> {
  return deps.config.sso.passwordBreakGlass || (await passwordSignInSetting(deps.db));
}

export async function assertPasswordSignIn(deps: Pick<HubDeps, 'db' | 'config'>): Promise<void> {
  if (!(await passwordSignInAllowed(deps)))
    throw forbidden('password sign-in is turned off here: sign in with your identity provider');
}
