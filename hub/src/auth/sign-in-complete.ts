/**
 * The end of every sign-in, after the password alone or after the password and a second factor:
 * the sign-in is recorded, a fresh session id replaces any the browser had (fixation defence),
 * the cookie is set and the audit log says how.
 * @module
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { recordEvent } from '../audit/audit-log.js';
import type { HubDeps, HubEnv } from '../types.js';
import { setSessionCookie } from './cookies.js';
import { deviceSummary } from './device.js';
import { meWithPermissions } from './me.js';
import { SESSION_COOKIE } from './sessions.js';

export async function completeSignIn(
  c: Context<HubEnv>,
  deps: HubDeps,
  user: { id: string; username: string },
  options: { ip: string; remember: boolean; how?: string },
): Promise<Response> {
  // A fresh id at every sign-in: an id planted before sign-in (fixation) is worth nothing after.
  const old = getCookie(c, SESSION_COOKIE);
  if (old) await deps.sessions.end(old);
  const device = deviceSummary(c.req.header('user-agent'));
  const created = await deps.sessions.create(user.id, { ip: options.ip, device, remember: options.remember });
  setSessionCookie(c, deps.config, created);
  await recordEvent(deps.db, {
    actor: { id: user.id, name: user.username },
    ip: options.ip,
    action: 'auth.signin',
    objectType: 'user',
    objectId: user.id,
    objectName: user.username,
    outcome: 'ok',
    message: `${device ?? 'unknown device'}${created.session.remember ? ', remembered' : ''}${options.how ? `, ${options.how}` : ''}`,
  });
  return c.json(await meWithPermissions(deps.db, user.id));
}
