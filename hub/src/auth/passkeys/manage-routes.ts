/**
 * `/api/me/passkeys`: my own passkeys. List them, add one (options, then the browser's response
 * with a name), rename, delete. Only through a session (an API key must not be able to add a
 * way into the account), deleting needs a fresh password or code, and every query names the
 * owner: someone else's passkey id is a 404, never a change. Each change is audited.
 * @module
 */
import { AddPasskeySchema, type Passkey, type PasskeyList, RenamePasskeySchema } from '@unity/shared';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { badRequest, forbidden, notFound } from '../../errors.js';
import { jsonBody, paramsOf } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { auditIdentity } from '../audit-identity.js';
import { signedIn } from '../require-permission.js';
import { assertFreshProof } from '../second-factor/proof.js';
import { getUser } from '../user-admin.js';
import { registrationOptions, verifyRegistration } from './ceremonies.js';
import { ceremonyDeps } from './context.js';
import { deletePasskey, listPasskeys, ownPasskey, renamePasskey, toPasskey } from './store.js';

const Params = z.object({ id: z.uuid('not a passkey id') });

function bySession(c: Context<HubEnv>) {
  const user = signedIn(c);
  if (c.get('apiKeyId')) throw forbidden('an API key cannot change passkeys; sign in');
  return user;
}

export function passkeyManageRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const cd = ceremonyDeps(deps);
  const audit = (
    c: Context<HubEnv>,
    action: string,
    passkey: { id: string; name: string },
    message?: string,
  ) =>
    auditIdentity(deps.db, c, {
      action,
      objectType: 'passkey',
      objectId: passkey.id,
      objectName: passkey.name,
      ...(message ? { message } : {}),
    });

  app.get('/', async (c) => {
    const user = signedIn(c);
    return c.json({ items: (await listPasskeys(deps.db, user.id)).map(toPasskey) } satisfies PasskeyList);
  });

  app.post('/options', async (c) => {
    const user = bySession(c);
    const row = await getUser(deps.db, user.id);
    const options = await registrationOptions(cd, row);
    return c.json({ options });
  });

  app.post('/', async (c) => {
    const user = bySession(c);
    const { name, response } = await jsonBody(c, AddPasskeySchema);
    const outcome = await verifyRegistration(cd, user.id, name, response);
    if (!outcome.ok) throw badRequest(`invalid body: response: ${outcome.reason}`);
    await audit(c, 'user.passkey_add', outcome.value);
    return c.json(toPasskey(outcome.value) satisfies Passkey, 201);
  });

  app.patch('/:id', async (c) => {
    const user = bySession(c);
    const { id } = paramsOf(c, Params);
    const { name } = await jsonBody(c, RenamePasskeySchema);
    const row = await renamePasskey(deps.db, user.id, id, name);
    if (!row) throw notFound('passkey not found');
    await audit(c, 'user.passkey_rename', row);
    return c.json(toPasskey(row) satisfies Passkey);
  });

  app.delete('/:id', async (c) => {
    const user = bySession(c);
    const { id } = paramsOf(c, Params);
    // 404 before the proof: a wrong id costs no password attempt.
    const row = await ownPasskey(deps.db, user.id, id);
    if (!row) throw notFound('passkey not found');
    await assertFreshProof(c, deps, user, 'delete a passkey');
    if (!(await deletePasskey(deps.db, user.id, id))) throw notFound('passkey not found');
    await audit(c, 'user.passkey_delete', row);
    return c.body(null, 204);
  });

  return app;
}
