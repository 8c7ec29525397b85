/**
 * `/api/sso-providers` and `/api/sso-settings`: admins (the `settings` permissions) add, edit and
 * remove identity providers and turn password sign-in off. The client secret is write-only: it
 * is accepted on create and update and answered only as `hasClientSecret`. Providers from
 * UNITY_SSO_PROVIDERS are read-only here. Changes are audited by the config-audit middleware.
 * @module
 */
import {
  SsoProviderCreateSchema,
  SsoProviderUpdateSchema,
  type SsoSettings,
  SsoSettingsSchema,
} from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { conflict, notFound } from '../../errors.js';
import { jsonBody, paramsOf } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { permit } from '../require-permission.js';
import { ssoContext } from './context.js';
import {
  createProvider,
  deleteProvider,
  getProvider,
  identitiesOf,
  listProviders,
  passwordSignInSetting,
  setPasswordSignIn,
  toApi,
  updateProvider,
} from './store.js';

const IdParam = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a provider id') });

export function ssoAdminRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const { box } = ssoContext(deps);
  const view = async (id: string) => {
    const p = await getProvider(deps.db, id);
    if (!p) throw notFound('no identity provider with this id');
    return toApi(p, deps.config.publicUrl);
  };
  const editable = async (id: string) => {
    if ((await view(id)).fromEnv)
      throw conflict('this provider is defined by UNITY_SSO_PROVIDERS; change it there');
  };

  app.get('/sso-providers', permit('settings', 'read'), async (c) =>
    c.json({ items: (await listProviders(deps.db)).map((p) => toApi(p, deps.config.publicUrl)) }),
  );

  app.get('/sso-providers/:id', permit('settings', 'read'), async (c) =>
    c.json(await view(paramsOf(c, IdParam).id)),
  );

  app.post('/sso-providers', permit('settings', 'write'), async (c) => {
    const req = await jsonBody(c, SsoProviderCreateSchema);
    if (!(await createProvider(deps.db, box, req))) throw conflict(`the id ${req.id} is taken`);
    return c.json(await view(req.id), 201);
  });

  app.put('/sso-providers/:id', permit('settings', 'write'), async (c) => {
    const { id } = paramsOf(c, IdParam);
    const req = await jsonBody(c, SsoProviderUpdateSchema);
    await editable(id);
    await updateProvider(deps.db, box, id, req);
    return c.json(await view(id));
  });

  app.delete('/sso-providers/:id', permit('settings', 'delete'), async (c) => {
    const { id } = paramsOf(c, IdParam);
    await editable(id);
    await deleteProvider(deps.db, id);
    return c.body(null, 204);
  });

  app.get('/sso-settings', permit('settings', 'read'), async (c) =>
    c.json({
      passwordSignIn: await passwordSignInSetting(deps.db),
      breakGlass: deps.config.sso.passwordBreakGlass,
    } satisfies SsoSettings),
  );

  app.put('/sso-settings', permit('settings', 'write'), async (c) => {
    const req = await jsonBody(c, SsoSettingsSchema);
    const user = c.get('user');
    if (!req.passwordSignIn && user) {
      // Lock-out guard: whoever turns passwords off must be able to sign in without one.
      const enabled = new Set((await listProviders(deps.db)).filter((p) => p.enabled).map((p) => p.id));
      const mine = (await identitiesOf(deps.db, user.id)).filter((i) => enabled.has(i.providerId));
      if (mine.length === 0)
        throw conflict(
          'link an account of an enabled identity provider to your profile first, or you could not sign in again',
        );
    }
    await setPasswordSignIn(deps.db, req.passwordSignIn);
    return c.json({
      passwordSignIn: req.passwordSignIn,
      breakGlass: deps.config.sso.passwordBreakGlass,
    } satisfies SsoSettings);
  });

  return app;
}
