/**
 * The provider on the hub's HTTP server. oidc-provider is a Koa application: its requests are
 * handed the Node request and response (@hono/node-server's bindings) after the hub's client
 * address, IP rules and security middleware ran, with Host and protocol set from the public URL
 * so every endpoint it advertises is under the issuer. Its interactions (sign-in and consent)
 * are Unity's: without a Unity session the browser goes to Unity's sign-in page and comes back;
 * the consent page lists the client and the scopes it asks for, and Allow/Deny posts back here.
 * @module
 */
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Me } from '@unity/shared';
import { type Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type Provider from 'oidc-provider';
import { recordAudit } from '../audit/audit-log.js';
import { resolveAccess } from '../auth/access.js';
import { headerAuthUser } from '../auth/header-auth.js';
import { mustEnrolSecondFactor } from '../auth/second-factor/service.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { clientIp } from '../http/client-ip.js';
import { crossOrigin } from '../http/csrf.js';
import type { HubDeps, HubEnv } from '../types.js';
import { consentPage, messagePage, PAGE_CSP } from './pages.js';
import { INTERACTION_PATH, unityUserOfRequest } from './provider.js';
import type { OidcService } from './service.js';

/** Paths oidc-provider answers: its discovery document and everything under /oidc. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

type Bindings = Partial<HttpBindings>;

/** The signed-in Unity user (session cookie or trusted-proxy headers), enabled accounts only. */
async function unityUser(deps: HubDeps, c: Context<HubEnv>): Promise<Me | undefined> {
  const user =
    (await headerAuthUser(deps, c)) ?? (await deps.sessions.resolve(getCookie(c, SESSION_COOKIE)))?.user;
  return user ? (await resolveAccess(deps.db, user.id))?.user : undefined;
}

export function oidcProviderRoutes(deps: HubDeps, service: OidcService) {
  const app = new Hono<HubEnv>();
  const publicUrl = new URL(service.issuer);

  const bindings = (c: Context<HubEnv>): HttpBindings => {
    const env = c.env as Bindings | undefined;
    if (!env?.incoming || !env.outgoing) throw new Error('the OIDC provider needs the Node HTTP server');
    // oidc-provider builds its URLs from these (provider.proxy is on); the public URL decides.
    env.incoming.headers.host = publicUrl.host;
    env.incoming.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
    delete env.incoming.headers['x-forwarded-host'];
    return env as HttpBindings;
  };

  const page = (c: Context<HubEnv>, html: string, status: 200 | 400 | 403 = 200) => {
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(html, status);
  };

  const forward = async (c: Context<HubEnv>) => {
    const { incoming, outgoing } = bindings(c);
    const cookie = getCookie(c, SESSION_COOKIE);
    unityUserOfRequest.set(
      incoming,
      cookie || c.req.header('remote-user') ? (await unityUser(deps, c))?.id : undefined,
    );
    outgoing.setHeader('Content-Security-Policy', PAGE_CSP);
    outgoing.setHeader('X-Content-Type-Options', 'nosniff');
    outgoing.setHeader('X-Frame-Options', 'DENY');
    outgoing.setHeader('Referrer-Policy', 'no-referrer');
    const { handle } = await service.built();
    await handle(incoming, outgoing);
    return RESPONSE_ALREADY_SENT;
  };

  const details = async (c: Context<HubEnv>, provider: Provider) => {
    const { incoming, outgoing } = bindings(c);
    try {
      const found = await provider.interactionDetails(incoming, outgoing);
      return found.uid === c.req.param('uid') ? found : undefined;
    } catch {
      return undefined;
    }
  };

  const expired = (c: Context<HubEnv>) =>
    page(
      c,
      messagePage(
        'Sign-in request expired',
        'This sign-in request has expired or was started in another browser. Go back to the application and sign in again.',
      ),
      400,
    );

  /** The Unity user for an interaction, or the response to send instead. */
  const interactionUser = async (c: Context<HubEnv>): Promise<Me | Response> => {
    const user = await unityUser(deps, c);
    if (!user) {
      const back = `${INTERACTION_PATH}/${encodeURIComponent(c.req.param('uid') ?? '')}`;
      return c.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
    }
    if (await mustEnrolSecondFactor(deps.db, user.id)) {
      return page(
        c,
        messagePage(
          'Two-factor authentication required',
          'Set up two-factor authentication under My account first.',
        ),
        403,
      );
    }
    return user;
  };

  const finish = async (c: Context<HubEnv>, provider: Provider, result: Record<string, unknown>) => {
    const { incoming, outgoing } = bindings(c);
    const to = await provider.interactionResult(incoming, outgoing, result, {
      mergeWithLastSubmission: false,
    });
    return c.redirect(to, 303);
  };

  const refuseCrossSite = (c: Context<HubEnv>) =>
    crossOrigin(
      { site: c.req.header('sec-fetch-site'), origin: c.req.header('origin'), host: c.req.header('host') },
      publicUrl.host,
    );

  app.get(`${INTERACTION_PATH}/:uid`, async (c) => {
    const { provider } = await service.built();
    const found = await details(c, provider);
    if (!found) return expired(c);
    const user = await interactionUser(c);
    if (user instanceof Response) return user;
    // Unity's session is the sign-in: a login prompt (or a session of someone else) is answered with it.
    if (found.prompt.name === 'login' || found.session?.accountId !== user.id) {
      return finish(c, provider, { login: { accountId: user.id } });
    }
    const client = await provider.Client.find(String(found.params.client_id));
    if (!client) return expired(c);
    const requested = String(found.params.scope ?? 'openid').split(' ');
    const allowed = new Set((client.scope ?? 'openid').split(' '));
    return page(
      c,
      consentPage({
        uid: found.uid,
        clientName: client.clientName ?? client.clientId,
        username: user.username,
        scopes: requested.filter((s) => allowed.has(s)),
      }),
    );
  });

  app.post(`${INTERACTION_PATH}/:uid/:decision{confirm|abort}`, async (c) => {
    if (refuseCrossSite(c)) return page(c, messagePage('Refused', 'Cross-site request refused.'), 403);
    const { provider } = await service.built();
    const found = await details(c, provider);
    if (!found) return expired(c);
    const user = await interactionUser(c);
    if (user instanceof Response) return user;
    if (found.prompt.name !== 'consent' || found.session?.accountId !== user.id) return expired(c);
    const clientId = String(found.params.client_id);
    const allow = c.req.param('decision') === 'confirm';
    await recordAudit(deps.db, {
      user,
      ip: clientIp(c),
      action: allow ? 'oidc.consent.allow' : 'oidc.consent.deny',
      objectType: 'oidc-clients',
      objectId: clientId,
      outcome: 'ok',
      message: `scopes: ${String(found.params.scope ?? '')}`,
    }).catch((error: unknown) => deps.log.warn({ err: error }, 'could not write the audit entry'));
    if (!allow) {
      return finish(c, provider, { error: 'access_denied', error_description: 'the user denied access' });
    }
    const missing = found.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant = found.grantId
      ? ((await provider.Grant.find(found.grantId)) ?? new provider.Grant({ accountId: user.id, clientId }))
      : new provider.Grant({ accountId: user.id, clientId });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return finish(c, provider, { consent: { grantId } });
  });

  app.get(DISCOVERY_PATH, forward);
  app.all('/oidc/*', forward);
  return app;
}
