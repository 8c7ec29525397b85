/**
 * What the sign-in and account pages say when a provider flow failed: the hub's callback
 * redirects with `?sso_error=<code>`, and each code gets a sentence a person can act on.
 * @module
 */
import { SSO_ERROR_CODES, type SsoErrorCode } from '@unity/shared';

const MESSAGES: Record<SsoErrorCode, string> = {
  state_mismatch:
    'The identity provider answered a different sign-in than the one this browser started. Start again from this page.',
  nonce_mismatch:
    "The identity provider's token does not belong to this sign-in (nonce mismatch). Start again from this page.",
  flow_expired: 'The sign-in took too long or was started in another browser. Start again from this page.',
  provider_error:
    'The identity provider refused the sign-in. Try again, or ask an admin to check its settings.',
  provider_unavailable: 'The identity provider cannot be reached or is turned off. Try again later.',
  email_not_verified: 'Your identity provider did not confirm your e-mail address, which this hub requires.',
  domain_not_allowed: 'Your e-mail domain is not allowed to sign in here.',
  org_not_allowed: 'Your GitHub account is not a member of an organisation allowed to sign in here.',
  not_provisioned:
    'No account here is linked to that identity. Ask an admin for an account, sign in with it and link the provider under My account.',
  account_disabled: 'This account is disabled. Ask an admin.',
  already_linked: 'That external account is already linked to another user here.',
  link_failed: 'Linking failed: sign in again and retry from My account.',
};

/** The sentence for `?sso_error=…`, or '' when there is none (unknown codes get a general one). */
export function ssoErrorMessage(search: string): string {
  const code = new URLSearchParams(search).get('sso_error');
  if (!code) return '';
  return (SSO_ERROR_CODES as readonly string[]).includes(code)
    ? MESSAGES[code as SsoErrorCode]
    : 'Signing in through the identity provider failed.';
}
