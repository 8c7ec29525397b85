/**
 * What every provider kind hands back, and the one error type of the SSO flow. A provider kind
 * is a `ProtocolClient`: today OIDC (generic, Google, GitLab) and GitHub's OAuth 2; SAML would be
 * one more implementation of the same two steps.
 * @module
 */
import type { SsoErrorCode } from '@unity/shared';

/** The per-flow secrets kept in the sealed flow cookie between start and callback. */
export type FlowChecks = { state: string; nonce: string; codeVerifier: string; redirectUri: string };

/** The external account, as the provider vouched for it. */
export type ExternalProfile = {
  subject: string;
  email: string;
  emailVerified: boolean;
  /** A username suggestion for auto-provisioning. */
  username: string;
  displayName: string;
  /** All claims (ID token, then userinfo), for the role rules. */
  claims: Record<string, unknown>;
  /** GitHub organisation logins (GitHub only). */
  orgs: string[];
  /** The provider asserted a multi-factor sign-in (`amr`, RFC 8176). */
  mfa: boolean;
};

export interface ProtocolClient {
  authorizationUrl(checks: FlowChecks): Promise<URL>;
  /** Exchanges the code from `callbackUrl`; throws SsoError. */
  complete(callbackUrl: URL, checks: FlowChecks): Promise<ExternalProfile>;
}

export class SsoError extends Error {
  override readonly name = 'SsoError';
  readonly code: SsoErrorCode;
  constructor(code: SsoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
