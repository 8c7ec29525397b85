/**
 * `/auth/sso`: the browser's side of a provider sign-in, outside `/api` because these are
 * top-level navigations, not API calls. Public by design: `GET /providers` (what the sign-in page
 * offers), `GET /:id/start` (redirect to the provider) and `GET /:id/callback` (the provider's
 * redirect back, whose credential is the sealed flow cookie plus the provider's code). The
 * callback answers with a redirect: into the app, to the second-factor step, or to the sign-in
 * (or account) page with `?sso_error=<code>`.
 * @module
 */
import type { SsoErrorCode, SsoSignInOptions } from '@unity/shared';
import { Hono } from 'hono';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { recordEvent } from '../../audit/audit-log.js';
import { clientIp } from '../../http/client-ip.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { startChallenge } from '../second-factor/challenge.js';
import { secondFactorDeps } from '../second-factor/context.js';
import { isRememberedDevice } from '../second-factor/remember-device.js';
import { hasSecondFactor } from '../second-factor/service.js';
import { completeSignIn } from '../sign-in-complete.js';
import { accountFor, checkAdmitted } from './accounts.js';
import { ssoContext } from './context.js';
import { type Flow, setFlow, takeFlow } from './flow-cookie.js';
import { passwordSignInAllowed } from './password-switch.js';
import {
  findIdentity,
  getProvider,
  linkIdentity,
  listProviders,
  type ProviderRecord,
  redirectUriOf,
} from './store.js';
import { type ExternalProfile, SsoError } from './types.js';

const IdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);
/** Same-origin paths only: an open redirect would hand the fresh session's user to anyone's page. */
export const SafeNextSchema = z
  .string()
  .max(2000)
  .regex(/^\/(?![/\\])/)
  .catch('/');

/** Starts a flow: the cookie with its secrets, and the provider's authorization URL. */
export async function beginFlow(
  c: Parameters<typeof setFlow>[0],
  deps: HubDeps,
  p: ProviderRecord,
  intent: Flow['intent'],
  next: string,
  userId?: string,
): Promise<URL> {
  const ctx = ssoContext(deps);
  const checks = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
    redirectUri: redirectUriOf(deps.config.publicUrl, p.id),
  };
  const url = await ctx.clientFor(p).authorizationUrl(checks);
  setFlow(
    c,
    deps.config,
    ctx.box,
    {
      provider: p.id,
      state: checks.state,
      nonce: checks.nonce,
      codeVerifier: checks.codeVerifier,
      intent,
      next,
      ...(userId ? { userId } : {}),
    },
    ctx.clock(),
  );
  return url;
}

export function ssoFlowRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const log = deps.log.child({ module: 'sso' });
  const ctx = ssoContext(deps);

  app.get('/providers', async (c) => {
    const providers = (await listProviders(deps.db))
      .filter((p) => p.enabled)
      .map((p) => ({ id: p.id, name: p.name, kind: p.kind }));
    return c.json({
      providers,
      passwordSignIn: await passwordSignInAllowed(deps),
    } satisfies SsoSignInOptions);
  });

  app.get('/:id/start', async (c) => {
    const ip = clientIp(c) ?? 'unknown';
    const next = SafeNextSchema.parse(c.req.query('next') ?? '/');
    const id = IdSchema.safeParse(c.req.param('id'));
    const p = id.success ? await getProvider(deps.db, id.data) : undefined;
    if (!p?.enabled) return c.redirect(errorTarget('signin', 'provider_unavailable'));
    if ((await deps.regulator.check({ scope: 'signin', ip })).banned)
      return c.redirect(errorTarget('signin', 'provider_error'));
    try {
      return c.redirect((await beginFlow(c, deps, p, 'signin', next)).href);
    } catch (error) {
      log.warn({ provider: p.id, err: error }, 'could not start a provider sign-in');
      return c.redirect(
        errorTarget('signin', error instanceof SsoError ? error.code : 'provider_unavailable'),
      );
    }
  });

  app.get('/:id/callback', async (c) => {
    const ip = clientIp(c) ?? 'unknown';
    const flow = takeFlow(c, deps.config, ctx.box, ctx.clock());
    const intent = flow?.intent ?? 'signin';
    const p = await getProvider(deps.db, c.req.param('id'));
    let profile: ExternalProfile | undefined;
    try {
      if (!flow)
        throw new SsoError(
          'flow_expired',
          'no sign-in is pending in this browser (or it took over 10 minutes)',
        );
      if (!p || flow.provider !== p.id)
        throw new SsoError('state_mismatch', 'the answer comes from another provider');
      if (!p.enabled) throw new SsoError('provider_unavailable', 'the provider is turned off');
      if ((await deps.regulator.check({ scope: 'signin', ip })).banned)
        throw new SsoError('provider_error', 'this address is banned from signing in for a while');
      const query = new URL(c.req.url).searchParams;
      if (query.get('state') !== flow.state)
        throw new SsoError('state_mismatch', 'the answer belongs to another sign-in (state)');
      // The registered redirect URI plus what the provider appended: the hub may sit behind a proxy.
      const callbackUrl = new URL(redirectUriOf(deps.config.publicUrl, p.id));
      callbackUrl.search = query.toString();
      const checks = { ...flow, redirectUri: callbackUrl.origin + callbackUrl.pathname };
      profile = await ctx.clientFor(p).complete(callbackUrl, checks);
      checkAdmitted(p, profile);
      return flow.intent === 'link'
        ? await finishLink(c, deps, p, profile, flow, ip)
        : await finishSignIn(c, deps, p, profile, flow, ip);
    } catch (error) {
      const failure =
        error instanceof SsoError
          ? error
          : new SsoError('provider_error', 'the sign-in failed', { cause: error });
      if (!(error instanceof SsoError)) log.error({ err: error, provider: p?.id }, 'provider sign-in failed');
      else
        log.info(
          { provider: p?.id, code: failure.code, reason: failure.message },
          'provider sign-in refused',
        );
      await recordEvent(deps.db, {
        actor: { id: flow?.userId ?? null, name: profile?.email || profile?.username || 'unknown' },
        ip,
        action: intent === 'link' ? 'auth.sso.link' : 'auth.signin',
        objectType: 'sso-provider',
        objectId: p?.id ?? c.req.param('id').slice(0, 40),
        objectName: p?.name ?? null,
        outcome: 'unauthorized',
        message: `through ${p?.name ?? 'an unknown provider'}: ${failure.code}: ${failure.message}`,
      });
      return c.redirect(errorTarget(intent, failure.code));
    }
  });

  return app;
}

const errorTarget = (intent: Flow['intent'], code: SsoErrorCode) =>
  `${intent === 'link' ? '/account' : '/login'}?sso_error=${code}`;

type Ctx = Parameters<typeof completeSignIn>[0];

async function finishSignIn(
  c: Ctx,
  deps: HubDeps,
  p: ProviderRecord,
  profile: ExternalProfile,
  flow: Flow,
  ip: string,
) {
  const { user, provisioned } = await accountFor(deps.db, p, profile, new Date(ssoContext(deps).clock()));
  if (user.disabledAt) throw new SsoError('account_disabled', 'this account is disabled; ask an admin');
  const sf = secondFactorDeps(deps);
  // The hub's own second factor still applies unless the provider asserted a multi-factor
  // sign-in (`amr`): an IdP account with only a password is not a stronger credential.
  if (
    !profile.mfa &&
    (await hasSecondFactor(deps.db, user.id)) &&
    !(await isRememberedDevice(c, sf, user.id))
  ) {
    await startChallenge(c, deps.db, deps.config, { userId: user.id, remember: false }, sf.clock());
    return c.redirect(`/login?second_factor=1&next=${encodeURIComponent(flow.next)}`);
  }
  const how = `through ${p.name}${provisioned ? ' (account created)' : ''}${profile.mfa ? ', multi-factor at the provider' : ''}`;
  await completeSignIn(c, deps, user, { ip, remember: false, how });
  // completeSignIn answered JSON for the API; the browser here wants to land in the app.
  return c.redirect(flow.next);
}

async function finishLink(
  c: Ctx,
  deps: HubDeps,
  p: ProviderRecord,
  profile: ExternalProfile,
  flow: Flow,
  ip: string,
) {
  if (!flow.userId) throw new SsoError('link_failed', 'the link was not started from a signed-in session');
  const existing = await findIdentity(deps.db, p.id, profile.subject);
  if (existing && existing.userId !== flow.userId)
    throw new SsoError('already_linked', 'this external account is linked to another user');
  if (
    !existing &&
    !(await linkIdentity(deps.db, {
      providerId: p.id,
      subject: profile.subject,
      userId: flow.userId,
      email: profile.email,
    }))
  )
    throw new SsoError('already_linked', 'this external account is linked to another user');
  await recordEvent(deps.db, {
    actor: { id: flow.userId, name: profile.email || profile.username },
    ip,
    action: 'auth.sso.link',
    objectType: 'sso-provider',
    objectId: p.id,
    objectName: p.name,
    outcome: 'ok',
    message: `linked ${p.name} account ${profile.username || profile.subject}`,
  });
  return c.redirect(`/account?sso_linked=${encodeURIComponent(p.id)}`);
}
