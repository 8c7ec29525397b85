/**
 * OpenID Connect through `openid-client` (an OpenID-certified relying party): discovery, the
 * authorization code flow with PKCE (S256), state and nonce, and ID-token validation against the
 * provider's JWKS (signature, issuer, audience, expiry, nonce). Google and GitLab are presets:
 * generic OIDC with a known issuer. Userinfo claims are merged in when the provider has the
 * endpoint (Authentik and GitLab put groups there).
 * @module
 */
import * as oidc from 'openid-client';
import type { ProviderRecord } from './store.js';
import { type ExternalProfile, type FlowChecks, type ProtocolClient, SsoError } from './types.js';

const DEFAULT_SCOPES = 'openid profile email';

/** RFC 8176 methods that are a factor beyond the password. */
const EXTRA_FACTORS = new Set([
  'mfa',
  'otp',
  'hwk',
  'swk',
  'sms',
  'fpt',
  'face',
  'iris',
  'retina',
  'vbm',
  'pop',
]);

export function issuerOf(p: Pick<ProviderRecord, 'kind' | 'issuer'>): string {
  switch (p.kind) {
    case 'google':
      return 'https://accounts.google.com';
    case 'gitlab':
      return p.issuer || 'https://gitlab.com';
    case 'oidc':
    case 'github':
      return p.issuer;
  }
}

export function oidcClient(p: ProviderRecord, clientSecret: string): ProtocolClient {
  let discovered: Promise<oidc.Configuration> | undefined;
  const config = () => {
    discovered ??= discover(p, clientSecret).catch((cause) => {
      discovered = undefined;
      throw new SsoError('provider_unavailable', `discovery at ${issuerOf(p)} failed`, { cause });
    });
    return discovered;
  };
  const scope = (p.scopes || DEFAULT_SCOPES).includes('openid')
    ? p.scopes || DEFAULT_SCOPES
    : `openid ${p.scopes}`;

  return {
    async authorizationUrl(checks: FlowChecks) {
      return oidc.buildAuthorizationUrl(await config(), {
        redirect_uri: checks.redirectUri,
        scope,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
    },

    async complete(callbackUrl: URL, checks: FlowChecks) {
      const cfg = await config();
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(cfg, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
      } catch (cause) {
        const text = causeChain(cause);
        if (/nonce/i.test(text))
          throw new SsoError('nonce_mismatch', 'the ID token answers another sign-in (nonce)', { cause });
        if (/"state"/.test(text))
          throw new SsoError('state_mismatch', 'the answer belongs to another sign-in (state)', { cause });
        throw new SsoError('provider_error', `the provider refused the code: ${text}`, { cause });
      }
      const idClaims = tokens.claims();
      if (!idClaims) throw new SsoError('provider_error', 'the provider returned no ID token');
      let claims: Record<string, unknown> = { ...idClaims };
      if (cfg.serverMetadata().userinfo_endpoint) {
        try {
          const info = await oidc.fetchUserInfo(cfg, tokens.access_token, idClaims.sub);
          // The ID token's signed claims win; userinfo adds what it lacks (often groups).
          claims = { ...info, ...idClaims };
        } catch {
          // The ID token alone is enough to sign in; userinfo only adds claims.
        }
      }
      return profileOf(claims);
    },
  };
}

async function discover(p: ProviderRecord, clientSecret: string) {
  const issuer = new URL(issuerOf(p));
  // Plain HTTP only when the admin configured it so (a provider on the same host or network).
  const options: oidc.DiscoveryRequestOptions =
    issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {};
  return oidc.discovery(
    issuer,
    p.clientId,
    undefined,
    clientSecret ? oidc.ClientSecretPost(clientSecret) : oidc.None(),
    options,
  );
}

/**
 * openid-client wraps oauth4webapi's error ("unexpected JWT claim value encountered"); the
 * wrapped one names the claim, so the messages and claim names down the cause chain are read.
 */
function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { message, claim, cause } = e as { message?: unknown; claim?: unknown; cause?: unknown };
    if (typeof message === 'string') parts.push(message);
    if (typeof claim === 'string') parts.push(`claim ${claim}`);
    e = cause;
  }
  return parts.join(': ');
}

export function profileOf(claims: Record<string, unknown>): ExternalProfile {
  const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : '');
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string') : [];
  const email = str('email').toLowerCase();
  return {
    subject: str('sub'),
    email,
    emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    username: str('preferred_username') || str('nickname') || email.split('@')[0] || '',
    displayName: str('name'),
    claims,
    orgs: [],
    mfa: amr.includes('mfa') || (amr.length >= 2 && amr.some((m) => EXTRA_FACTORS.has(m))),
  };
}
