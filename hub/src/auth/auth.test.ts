import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthStatusSchema, LIVE_PATH, LiveMessageSchema, MeSchema } from '@unity/shared';
import WebSocket from 'ws';
import { ADMIN, login, startTestHub, type TestHub } from '../testing/hub.js';
import { isPublicApiRoute } from './middleware.js';
import { createUser } from './users.js';

const json = (body: unknown, cookie?: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
  body: JSON.stringify(body),
});

describe('sign-in', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub();
    await createUser(hub.deps.db, { username: 'viewer', password: 'viewer password 1', role: 'viewer' });
  });
  after(() => hub.close());

  it('signs in with the right password and sets a safe session cookie', async () => {
    const res = await fetch(`${hub.url}/api/auth/login`, json(ADMIN));
    assert.equal(res.status, 200);
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^unity_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/, 'plain http with an http public URL');
    const me = await fetch(`${hub.url}/api/auth/me`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    assert.deepEqual(MeSchema.parse(await me.json()).username, 'admin');
  });

  it('answers 401 with one message for a wrong password and for an unknown user', async () => {
    for (const body of [
      { username: 'admin', password: 'wrong password' },
      { username: 'nobody', password: 'wrong password' },
    ]) {
      const res = await fetch(`${hub.url}/api/auth/login`, json(body));
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), {
        error: { code: 'unauthorized', message: 'wrong username or password' },
      });
    }
  });

  it('answers 400 naming the field for a bad login body', async () => {
    const res = await fetch(`${hub.url}/api/auth/login`, json({ username: 'admin' }));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /password/);
  });

  it('ends the session on logout', async () => {
    const cookie = await login(hub);
    assert.equal(
      (await fetch(`${hub.url}/api/auth/logout`, { method: 'POST', headers: { cookie } })).status,
      204,
    );
    assert.equal((await fetch(`${hub.url}/api/hosts`, { headers: { cookie } })).status, 401);
  });

  it('lets only admins create enrollment tokens', async () => {
    const viewer = await login(hub, 'viewer', 'viewer password 1');
    const res = await fetch(`${hub.url}/api/enrollment-tokens`, json({}, viewer));
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'forbidden');
    assert.equal((await fetch(`${hub.url}/api/enrollment-tokens`, json({}, await login(hub)))).status, 201);
  });

  it('requires a session on every registered /api route not on the allow-list', async () => {
    const routes = hub.app.routes.filter((r) => r.path.startsWith('/api') && r.method !== 'ALL');
    assert.ok(routes.length >= 8, `found only ${routes.length} routes`);
    for (const { method, path } of routes) {
      if (isPublicApiRoute(method, path)) continue;
      const url = hub.url + path.replace(/:id/g, '0123456789abcdef');
      const res = await fetch(url, { method, ...(method === 'GET' ? {} : json({})) });
      assert.equal(res.status, 401, `${method} ${path} answered ${res.status} without a session`);
    }
    assert.equal((await fetch(`${hub.url}/api/no-such-route`)).status, 401);
    const signedIn = await fetch(`${hub.url}/api/no-such-route`, { headers: { cookie: await login(hub) } });
    assert.equal(signedIn.status, 404);
    assert.equal(((await signedIn.json()) as { error: { code: string } }).error.code, 'not_found');
  });

  it('bans an account from an address after 3 failed sign-ins', async () => {
    const limited = await startTestHub({ env: { UNITY_REGULATION_DELAY_MS: '0' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${limited.url}/api/auth/login`, json({ username: 'x', password: 'y' }));
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('opens the live feed only with a session', async () => {
    const url = `${hub.url.replace(/^http/, 'ws')}${LIVE_PATH}`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    assert.equal(refused, 401);
    const ws = new WebSocket(url, { headers: { cookie: await login(hub) } });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const got = new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    hub.deps.bus.publish({ type: 'host_updated', hostId: 'h', at: 1 });
    assert.equal(LiveMessageSchema.parse(await got).type, 'host_updated');
    ws.close();
  });
});

describe('first-admin setup', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ withAdmin: false });
  });
  after(() => hub.close());

  const status = async () => AuthStatusSchema.parse(await (await fetch(`${hub.url}/api/auth/status`)).json());

  it('prints a one-time setup URL and reports setup as required', async () => {
    assert.equal(hub.printed.length, 1);
    assert.match(
      hub.printed[0] ?? '',
      /^Open http:\/\/hub\.test:8080\/setup\?token=[A-Za-z0-9_-]{43} to create the first admin$/,
    );
    assert.deepEqual(await status(), { setupRequired: true });
  });

  it('refuses a wrong setup token', async () => {
    const res = await fetch(
      `${hub.url}/api/auth/setup`,
      json({ token: 'w'.repeat(43), username: 'root', password: 'long enough password' }),
    );
    assert.equal(res.status, 401);
  });

  it('creates the admin once, signs in, and refuses a second setup', async () => {
    const token = new URL((hub.printed[0] ?? '').split(' ')[1] ?? '').searchParams.get('token') ?? '';
    const body = { token, username: 'root', password: 'long enough password' };
    const res = await fetch(`${hub.url}/api/auth/setup`, json(body));
    assert.equal(res.status, 200);
    assert.equal(MeSchema.parse(await res.json()).role, 'admin');
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.equal((await fetch(`${hub.url}/api/hosts`, { headers: { cookie } })).status, 200);
    assert.deepEqual(await status(), { setupRequired: false });
    const again = await fetch(`${hub.url}/api/auth/setup`, json({ ...body, username: 'other' }));
    assert.equal(again.status, 401);
  });
});
