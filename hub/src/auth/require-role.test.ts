import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Me } from '@unity/shared';
import { Hono } from 'hono';
import { onError } from '../http/errors.js';
import { silentLogger } from '../log.js';
import type { HubEnv } from '../types.js';
import { ADMIN_ONLY, allowRoles, CAN_ACT } from './require-role.js';
import type { Role } from './users.js';

/** A tiny app whose session is whatever the test says, guarded by `roles`. */
function guarded(roles: readonly Role[], user: Me | undefined, denied: string[] = []) {
  const app = new Hono<HubEnv>();
  app.onError(onError(silentLogger()));
  app.use('*', async (c, next) => {
    c.set('user', user);
    await next();
  });
  app.post('/x', allowRoles(roles, { onDenied: async (_c, u) => void denied.push(u.username) }), (c) =>
    c.json({ ran: true }),
  );
  return app;
}

const as = (role: Role): Me => ({
  id: '00000000-0000-4000-8000-000000000000',
  username: `${role}-user`,
  role,
});

describe('allowRoles', () => {
  const cases: { roles: readonly Role[]; role: Role; status: number }[] = [
    { roles: CAN_ACT, role: 'admin', status: 200 },
    { roles: CAN_ACT, role: 'editor', status: 200 },
    { roles: CAN_ACT, role: 'viewer', status: 403 },
    { roles: ADMIN_ONLY, role: 'admin', status: 200 },
    { roles: ADMIN_ONLY, role: 'editor', status: 403 },
    { roles: ADMIN_ONLY, role: 'viewer', status: 403 },
  ];
  for (const { roles, role, status } of cases) {
    it(`${role} on a route for ${roles.join('/')} → ${status}`, async () => {
      const denied: string[] = [];
      const res = await guarded(roles, as(role), denied).request('/x', { method: 'POST' });
      assert.equal(res.status, status);
      if (status === 200) {
        assert.deepEqual(await res.json(), { ran: true });
        assert.deepEqual(denied, []);
      } else {
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'forbidden');
        assert.match(body.error.message, new RegExp(`needs the ${roles.join(' or ')} role`));
        assert.deepEqual(denied, [`${role}-user`], 'onDenied ran once, before the 403');
      }
    });
  }

  it('without a session answers 401 and the handler does not run', async () => {
    const res = await guarded(CAN_ACT, undefined).request('/x', { method: 'POST' });
    assert.equal(res.status, 401);
  });
});
