/**
 * Builds the oidc-provider instance: issuer = the hub's public URL, endpoints under /oidc,
 * authorization code with PKCE (S256, required for every client), refresh tokens for clients
 * allowed `offline_access`, userinfo, revocation and RP-initiated logout; storage in Unity's
 * database; keys from keys.ts. Rotating the signing key builds a new instance over the same
 * storage, so sessions and tokens survive it.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import Provider, { type Configuration, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { SecretBox } from '../notify/secrets.js';
import { adapterFactory } from './adapter.js';
import { findAccount, SCOPE_CLAIMS } from './claims.js';
import { clientMetadata } from './clients-store.js';
import { loadCookieKeys, loadSigningKeys } from './keys.js';
import { logoutPage, messagePage, page } from './pages.js';

export const INTERACTION_PATH = '/oidc/interaction';

/** The Unity user signed in on a request, set by the HTTP mount before oidc-provider sees it. */
export const unityUserOfRequest = new WeakMap<IncomingMessage, string | undefined>();

export type ProviderOptions = {
  db: Db;
  box: SecretBox;
  log: Logger;
  issuer: string;
  clock: () => number;
  /** A confirmed "sign out of Unity" at the end_session endpoint (not "only this app"). */
  onSignOut: (ctx: KoaContextWithOIDC) => void;
};

/** A sign-in at oidc-provider is reused only while the same user is signed in to Unity. */
function policy() {
  const prompts = interactionPolicy.base();
  const login = prompts.get('login');
  login?.checks.add(
    new interactionPolicy.Check(
      'unity_session',
      'the Unity sign-in ended or changed',
      'login_required',
      (ctx: KoaContextWithOIDC) =>
        unityUserOfRequest.get(ctx.req) !== ctx.oidc.session?.accountId
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
    0,
  );
  return prompts;
}

export async function buildProvider(o: ProviderOptions): Promise<Provider> {
  const keys = await loadSigningKeys(o.db, o.box, o.clock());
  const cookieKeys = await loadCookieKeys(o.db, o.box);
  const configuration: Configuration = {
    adapter: adapterFactory(o.db, (id) => clientMetadata(o.db, o.box, id), o.clock),
    clients: [],
    findAccount: findAccount(o.db),
    jwks: { keys },
    cookies: { keys: cookieKeys },
    claims: { ...SCOPE_CLAIMS, openid: [...SCOPE_CLAIMS.openid] } as unknown as Configuration['claims'],
    scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    // Homelab apps read the profile from the ID token as often as from userinfo.
    conformIdTokenClaims: false,
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
    },
    routes: {
      authorization: '/oidc/auth',
      end_session: '/oidc/session/end',
      jwks: '/oidc/jwks',
      revocation: '/oidc/token/revocation',
      introspection: '/oidc/token/introspection',
      token: '/oidc/token',
      userinfo: '/oidc/me',
      pushed_authorization_request: '/oidc/request',
    },
    interactions: {
      url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`,
      policy: policy(),
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = logoutPage(form, ctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = messagePage('Signed out', 'You are signed out of the application.');
        },
      },
    },
    // Browser apps (public clients) call the token endpoint from their redirect URIs' origins.
    clientBasedCORS: (_ctx, origin, client) =>
      (client.redirectUris ?? []).some((uri) => {
        try {
          return new URL(uri).origin === origin;
        } catch {
          return false;
        }
      }),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in failed',
        `<h1>Sign-in failed</h1><p>${String(out.error_description ?? out.error).replace(/[&<>"']/g, '')}</p><p><a href="/">Back to Unity</a></p>`,
      );
    },
  };
  const provider = new Provider(o.issuer, configuration);
  // The mount hands every request over with Host and protocol set to the public URL's.
  provider.proxy = true;
  const log = o.log;
  provider.on('server_error', (_ctx, error) => log.error({ err: error }, 'OIDC provider error'));
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    log.info(
      { client: ctx.oidc.client?.clientId, everywhere: Boolean(ctx.oidc.params?.logout) },
      'OIDC sign-out',
    );
    if (ctx.oidc.params?.logout) o.onSignOut(ctx);
  });
  return provider;
}
