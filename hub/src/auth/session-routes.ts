/**
 * `/api/sessions`: my sessions (the current one marked), revoke one of mine by its public id,
 * or revoke all my others. A revoked session answers 401 on its next request.
 * @module
 */
import { type Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { recordEvent } from '../audit/audit-log.js';
import { notFound, unauthorized } from '../errors.js';
import { clientIp } from '../http/client-ip.js';
import { paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { SESSION_COOKIE, sessionHash } from './sessions.js';

const IdParamSchema = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, 'must be a session id') });

export function sessionRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const currentHash = (c: Context<HubEnv>) => {
    const secret = getCookie(c, SESSION_COOKIE);
    return secret ? sessionHash(secret) : undefined;
  };
  const me = (c: Context<HubEnv>) => {
    const user = c.get('user');
    if (!user) throw unauthorized('sign in first');
    return user;
  };

  app.get('/', async (c) => c.json({ items: await deps.sessions.list(me(c).id, currentHash(c)) }));

  app.delete('/:id', async (c) => {
    const user = me(c);
    const { id } = paramsOf(c, IdParamSchema);
    if (!(await deps.sessions.revoke(user.id, id))) throw notFound('you have no session with this id');
    await recordEvent(deps.db, {
      actor: { id: user.id, name: user.username },
      ip: clientIp(c),
      action: 'session.revoke',
      objectType: 'session',
      objectId: id,
      outcome: 'ok',
    });
    return c.body(null, 204);
  });

  app.delete('/', async (c) => {
    const user = me(c);
    const revoked = await deps.sessions.endAllOf(user.id, currentHash(c));
    await recordEvent(deps.db, {
      actor: { id: user.id, name: user.username },
      ip: clientIp(c),
      action: 'session.revoke_others',
      objectType: 'user',
      objectId: user.id,
      objectName: user.username,
      outcome: 'ok',
      message: `${revoked} other session(s) ended`,
    });
    return c.json({ revoked });
  });

  return app;
}
