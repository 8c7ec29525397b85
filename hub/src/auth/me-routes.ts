/**
 * `/api/me`: the signed-in user's own account: profile, password change (with the current
 * password, held to the policy, ending every other session), and a policy check for live
 * feedback while typing. Not through an API key: a leaked key must not be able to take the
 * account over.
 * @module
 */
import { ChangePasswordSchema, type PasswordCheck, type Profile, UpdateProfileSchema } from '@unity/shared';
import { eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { users } from '../db/schema.js';
import { badRequest, forbidden } from '../errors.js';
import { clientIp } from '../http/client-ip.js';
import { jsonBody } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { permissionsOf } from './access.js';
import { auditIdentity } from './audit-identity.js';
import { setSessionCookie } from './cookies.js';
import { deviceSummary } from './device.js';
import { passwordProblems } from './password-policy.js';
import { verifyPassword } from './passwords.js';
import { signedIn } from './require-permission.js';
import { hasSecondFactor } from './second-factor/service.js';
import { endSessionsOfUser } from './session-revoke.js';
import { getUser, setPassword } from './user-admin.js';

const CheckBody = z.object({ password: z.string().max(4096) });

function bySession(c: Context<HubEnv>) {
  const user = signedIn(c);
  if (c.get('apiKeyId')) throw forbidden('an API key cannot change the account; sign in');
  return user;
}

export function meRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  const profile = async (c: Context<HubEnv>): Promise<Profile> => {
    const row = await getUser(deps.db, signedIn(c).id);
    return {
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      email: row.email,
      role: row.role,
      permissions: permissionsOf(c.get('access') ?? new Map()),
    };
  };

  app.get('/', async (c) => c.json(await profile(c)));

  app.patch('/', async (c) => {
    const user = bySession(c);
    const patch = await jsonBody(c, UpdateProfileSchema);
    await deps.db.update(users).set(patch).where(eq(users.id, user.id));
    return c.json(await profile(c));
  });

  app.post('/password-check', async (c) => {
    const user = signedIn(c);
    const { password } = await jsonBody(c, CheckBody);
    const problems = passwordProblems(password, {
      username: user.username,
      hasSecondFactor: await hasSecondFactor(deps.db, user.id),
    });
    return c.json({ ok: problems.length === 0, problems } satisfies PasswordCheck);
  });

  app.put('/password', async (c) => {
    const user = bySession(c);
    const req = await jsonBody(c, ChangePasswordSchema);
    const row = await getUser(deps.db, user.id);
    if (!(await verifyPassword(row.passwordHash, req.currentPassword))) {
      throw badRequest('invalid body: currentPassword: it is not your current password');
    }
    await setPassword(deps.db, user.id, req.newPassword, { historySize: deps.config.passwordHistory });
    // Every session, this one too, ends; this browser gets a fresh one (ASVS V7.4.3).
    await endSessionsOfUser(deps, user.id);
    const meta = { ip: clientIp(c), device: deviceSummary(c.req.header('user-agent')), remember: false };
    setSessionCookie(c, deps.config, await deps.sessions.create(user.id, meta));
    await auditIdentity(deps.db, c, {
      action: 'user.password_change',
      objectType: 'user',
      objectId: user.id,
      objectName: user.username,
    });
    return c.body(null, 204);
  });

  return app;
}
