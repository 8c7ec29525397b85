/**
 * `/api/api-keys`: the signed-in user's own keys. `POST` answers the key once; later lists show
 * only its prefix, last use and use count. Keys are made in a signed-in session, not with
 * another key, so a leaked key cannot mint itself successors.
 * @module
 */
import { CreateApiKeySchema } from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { forbidden } from '../errors.js';
import { jsonBody, paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { createApiKey, deleteApiKey, listApiKeys } from './api-keys.js';
import { auditIdentity } from './audit-identity.js';
import { signedIn } from './require-permission.js';

const IdParams = z.object({ id: z.uuid() });

export function apiKeyRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  app.get('/', async (c) => c.json({ items: await listApiKeys(deps.db, signedIn(c).id) }));

  app.post('/', async (c) => {
    const user = signedIn(c);
    if (c.get('apiKeyId')) throw forbidden('API keys are made in a signed-in session, not with another key');
    const input = await jsonBody(c, CreateApiKeySchema);
    const created = await createApiKey(deps.db, user, c.get('access') ?? new Map(), input);
    await auditIdentity(deps.db, c, {
      action: 'api_key.create',
      objectType: 'api_key',
      objectId: created.id,
      objectName: created.name,
      message: created.permissions.join(' '),
    });
    return c.json(created, 201);
  });

  app.delete('/:id', async (c) => {
    const user = signedIn(c);
    const { id } = paramsOf(c, IdParams);
    await deleteApiKey(deps.db, user.id, id);
    await auditIdentity(deps.db, c, { action: 'api_key.delete', objectType: 'api_key', objectId: id });
    return c.body(null, 204);
  });

  return app;
}
