/**
 * `/api/oidc-clients` and `/api/oidc-keys` for admins (`settings:read` to list, `settings:write`
 * to change): register, edit and delete the apps that sign in with Unity, and rotate the ID
 * token signing key. A confidential client's secret is in the create answer only. Changes (and
 * refused attempts) are audited by the config-audit middleware as `config.oidc-clients.*` and
 * `config.oidc-keys.*`.
 * @module
 */
import { OidcClientInputSchema, OidcClientUpdateSchema } from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { permit } from '../auth/require-permission.js';
import { jsonBody, paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { createClient, deleteClient, listClients, updateClient } from './clients-store.js';
import { listSigningKeys } from './keys.js';
import type { OidcService } from './service.js';

const IdParams = z.object({ id: z.string().min(1).max(100) });

export function oidcAdminRoutes(deps: HubDeps, service: OidcService) {
  const app = new Hono<HubEnv>();
  app.get('/oidc-clients', permit('settings', 'read'), async (c) =>
    c.json({ items: await listClients(deps.db) }),
  );
  app.post('/oidc-clients', permit('settings', 'write'), async (c) => {
    const input = await jsonBody(c, OidcClientInputSchema);
    return c.json(await createClient(deps.db, service.box, input, c.get('user')?.id ?? null), 201);
  });
  app.put('/oidc-clients/:id', permit('settings', 'write'), async (c) => {
    const { id } = paramsOf(c, IdParams);
    return c.json(await updateClient(deps.db, id, await jsonBody(c, OidcClientUpdateSchema)));
  });
  app.delete('/oidc-clients/:id', permit('settings', 'write'), async (c) => {
    await deleteClient(deps.db, paramsOf(c, IdParams).id);
    return c.body(null, 204);
  });
  app.get('/oidc-keys', permit('settings', 'read'), async (c) =>
    c.json({ items: await listSigningKeys(deps.db) }),
  );
  app.post('/oidc-keys/rotate', permit('settings', 'write'), async (c) => {
    await service.rotate();
    const items = await listSigningKeys(deps.db);
    return c.json({ id: items.find((k) => k.current)?.kid ?? '', items });
  });
  return app;
}
