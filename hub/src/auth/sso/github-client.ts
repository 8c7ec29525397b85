/**
 * GitHub sign-in: OAuth 2 (GitHub is not an OpenID provider) with state and PKCE, then the REST
 * API for the account (`/user`), its verified e-mail addresses (`/user/emails`) and its
 * organisations (`/user/orgs`). The base URL setting points at GitHub Enterprise Server (web at
 * the base, API under `/api/v3`); empty means github.com.
 * @module
 */
import { z } from 'zod';
import type { ProviderRecord } from './store.js';
import { type ExternalProfile, type FlowChecks, type ProtocolClient, SsoError } from './types.js';

const DEFAULT_SCOPES = 'read:user user:email read:org';

const TokenSchema = z.object({ access_token: z.string().min(1) });
const TokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });
const UserSchema = z.object({
  id: z.number(),
  login: z.string(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
});
const EmailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));
const OrgsSchema = z.array(z.object({ login: z.string() }));

export function githubUrls(base: string): { web: string; api: string } {
  if (!base) return { web: 'https://github.com', api: 'https://api.github.com' };
  const web = base.replace(/\/+$/, '');
  return { web, api: `${web}/api/v3` };
}

const s256 = async (verifier: string) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString(
    'base64url',
  );

export function githubClient(p: ProviderRecord, clientSecret: string): ProtocolClient {
  const { web, api } = githubUrls(p.issuer);
  const getJson = async <T>(path: string, token: string, schema: z.ZodType<T>): Promise<T> => {
    const res = await fetch(`${api}${path}`, {
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'unity-hub',
      },
    });
    if (!res.ok) throw new SsoError('provider_error', `GitHub answered ${res.status} to ${path}`);
    const parsed = schema.safeParse(await res.json());
    if (!parsed.success)
      throw new SsoError('provider_error', `GitHub's answer to ${path} is not as documented`);
    return parsed.data;
  };

  return {
    async authorizationUrl(checks: FlowChecks) {
      const url = new URL(`${web}/login/oauth/authorize`);
      url.search = new URLSearchParams({
        client_id: p.clientId,
        redirect_uri: checks.redirectUri,
        scope: p.scopes || DEFAULT_SCOPES,
        state: checks.state,
        code_challenge: await s256(checks.codeVerifier),
        code_challenge_method: 'S256',
        allow_signup: 'false',
      }).toString();
      return url;
    },

    async complete(callbackUrl: URL, checks: FlowChecks): Promise<ExternalProfile> {
      const q = callbackUrl.searchParams;
      if (q.get('state') !== checks.state)
        throw new SsoError('state_mismatch', 'the answer belongs to another sign-in (state)');
      if (q.get('error'))
        throw new SsoError('provider_error', `GitHub said: ${q.get('error_description') ?? q.get('error')}`);
      const code = q.get('code');
      if (!code) throw new SsoError('provider_error', 'GitHub sent no code');
      let res: Response;
      try {
        res = await fetch(`${web}/login/oauth/access_token`, {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: p.clientId,
            client_secret: clientSecret,
            code,
            redirect_uri: checks.redirectUri,
            code_verifier: checks.codeVerifier,
          }),
        });
      } catch (cause) {
        throw new SsoError('provider_unavailable', `GitHub at ${web} cannot be reached`, { cause });
      }
      const body: unknown = await res.json().catch(() => ({}));
      const token = TokenSchema.safeParse(body);
      if (!res.ok || !token.success) {
        const err = TokenErrorSchema.safeParse(body);
        throw new SsoError(
          'provider_error',
          `GitHub refused the code: ${err.success ? (err.data.error_description ?? err.data.error) : res.status}`,
        );
      }
      const access = token.data.access_token;
      const user = await getJson('/user', access, UserSchema);
      const emails = await getJson('/user/emails', access, EmailsSchema);
      const orgs = (await getJson('/user/orgs', access, OrgsSchema)).map((o) => o.login);
      const primary = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified);
      const email = primary?.email.toLowerCase() ?? '';
      return {
        subject: String(user.id),
        email,
        emailVerified: primary !== undefined,
        username: user.login,
        displayName: user.name ?? '',
        claims: { sub: String(user.id), login: user.login, email, orgs },
        orgs,
        mfa: false,
      };
    },
  };
}
