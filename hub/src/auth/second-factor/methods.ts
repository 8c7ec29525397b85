/**
 * Which answers the second step of a sign-in offers this account: TOTP and backup codes once
 * TOTP is on, a passkey once one is registered, and a mailed code as the fallback when the hub
 * has SMTP and the account's address is verified.
 * @module
 */
import type { SecondFactorRequired } from '@unity/shared';
import type { HubDeps } from '../../types.js';
import { emailCodesOffered } from '../email-codes/service.js';
import { passkeyCount } from '../passkeys/store.js';
import { hasTotp } from './service.js';

export async function secondFactorMethods(
  deps: HubDeps,
  userId: string,
): Promise<SecondFactorRequired['methods']> {
  const methods: SecondFactorRequired['methods'] = [];
  if (await hasTotp(deps.db, userId)) methods.push('totp', 'backup_code');
  if ((await passkeyCount(deps.db, userId)) > 0) methods.push('passkey');
  if (await emailCodesOffered(deps, userId)) methods.push('email');
  return methods;
}
