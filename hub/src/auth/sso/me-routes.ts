/**
 * `/api/me/sso`: the signed-in user's linked provider accounts. Linking is a POST (so the CSRF
 * check applies and no cross-site link can attach an attacker's IdP account to a victim): it
 * sets the flow cookie and answers the provider URL the browser goes to. Unlinking refuses to
 * remove the last way to sign in.
 * @module
 */
import type { SsoLinks } from '@unity/shared';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { recordEvent } from '../../audit/audit-log.js';
import { conflict, forbidden, notFound, unauthorized } from '../../errors.js';
import { clientIp } from '../../http/client-ip.js';
import { paramsOf } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { passkeyCount } from '../passkeys/store.js';
import { getUser } from '../user-admin.js';
import { beginFlow } from './flow-routes.js';
import { passwordSignInAllowed } from './password-switch.js';
import { getProvider, identitiesOf, listProviders, unlinkIdentity } from './store.js';

const ProviderParam = z.object({
  provider: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a provider id'),
});
const IdentityParam = z.object({ id: z.uuid('must be a linked account id') });

export function ssoMeRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const me = (c: Context<HubEnv>) => {
    const user = c.get('user');
    if (!user) throw unauthorized('sign in first');
    return user;
  };
  /** Links are ways to sign in: changed from a browser session only, never with an API key. */
  const meInBrowser = (c: Context<HubEnv>) => {
    const user = me(c);
    if (c.get('apiKeyId'))
      throw forbidden('linked accounts change only from a signed-in browser, not with an API key');
    return user;
  };

  app.get('/', async (c) => {
    const user = me(c);
    const identities = await identitiesOf(deps.db, user.id);
    const linked = new Set(identities.map((i) => i.providerId));
    const available = (await listProviders(deps.db))
      .filter((p) => p.enabled && !linked.has(p.id))
      .map((p) => ({ id: p.id, name: p.name, kind: p.kind }));
    const hasPassword = (await getUser(deps.db, user.id)).passwordHash !== '';
    return c.json({ identities, available, hasPassword } satisfies SsoLinks);
  });

  app.post('/:provider/link', async (c) => {
    const user = meInBrowser(c);
    const p = await getProvider(deps.db, paramsOf(c, ProviderParam).provider);
    if (!p?.enabled) throw notFound('no enabled identity provider with this id');
    const url = await beginFlow(c, deps, p, 'link', '/account', user.id);
    return c.json({ url: url.href });
  });

  app.delete('/:id', async (c) => {
    const user = meInBrowser(c);
    const { id } = paramsOf(c, IdentityParam);
    const identities = await identitiesOf(deps.db, user.id);
    const target = identities.find((i) => i.id === id);
    if (!target) throw notFound('you have no linked account with this id');
    const enabled = new Set((await listProviders(deps.db)).filter((p) => p.enabled).map((p) => p.id));
    const password =
      (await getUser(deps.db, user.id)).passwordHash !== '' && (await passwordSignInAllowed(deps));
    const others = identities.filter((i) => i.id !== id && enabled.has(i.providerId));
    // A passkey signs in without a password (auth/passkeys/), so it is a way in too.
    if (!password && others.length === 0 && (await passkeyCount(deps.db, user.id)) === 0)
      throw conflict(
        'this is your last way to sign in: set a password, add a passkey or link another provider first',
      );
    await unlinkIdentity(deps.db, user.id, id);
    await recordEvent(deps.db, {
      actor: { id: user.id, name: user.username },
      ip: clientIp(c),
      action: 'auth.sso.unlink',
      objectType: 'sso-provider',
      objectId: target.providerId,
      objectName: target.providerName,
      outcome: 'ok',
      message: `unlinked ${target.providerName} account ${target.email || target.subject}`,
    });
    return c.body(null, 204);
  });

  return app;
}
