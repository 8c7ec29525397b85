/**
 * `/api/security/bans` for admins: the brute-force bans in force, and lifting one early.
 * @module
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { recordEvent } from '../audit/audit-log.js';
import { notFound, unauthorized } from '../errors.js';
import { clientIp } from '../http/client-ip.js';
import { paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { permit } from './require-permission.js';

const IdParamSchema = z.object({ id: z.uuid('must be a ban id') });

export function banRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  app.use('*', permit('users', 'write'));

  app.get('/', async (c) => c.json({ items: await deps.regulator.listBans() }));

  app.delete('/:id', async (c) => {
    const user = c.get('user');
    if (!user) throw unauthorized('sign in first');
    const { id } = paramsOf(c, IdParamSchema);
    const ban = await deps.regulator.lift(id, user.username);
    if (!ban) throw notFound('no ban in force with this id');
    deps.log.info(
      { module: 'regulation', ban: ban.id, ip: ban.ip, account: ban.account, by: user.username },
      'ban lifted',
    );
    await recordEvent(deps.db, {
      actor: { id: user.id, name: user.username },
      ip: clientIp(c),
      action: 'security.unban',
      objectType: 'ban',
      objectId: ban.id,
      objectName: ban.account ? `${ban.account} from ${ban.ip}` : ban.ip,
      outcome: 'ok',
    });
    return c.body(null, 204);
  });
  return app;
}
