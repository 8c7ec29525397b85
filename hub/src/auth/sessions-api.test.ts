import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditListSchema, SessionListSchema } from '@unity/shared';
import { ADMIN, login, startTestHub, type TestHub } from '../testing/hub.js';
import { type TestRedis, testRedis } from '../testing/redis.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const PHONE =
  'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';

async function signIn(hub: TestHub, userAgent: string, remember?: boolean) {
  const res = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ ...ADMIN, ...(remember === undefined ? {} : { remember }) }),
  });
  assert.equal(res.status, 200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] ?? '', setCookie };
}

const get = (hub: TestHub, path: string, cookie: string) =>
  fetch(`${hub.url}${path}`, { headers: { cookie } });
const del = (hub: TestHub, path: string, cookie: string) =>
  fetch(`${hub.url}${path}`, { method: 'DELETE', headers: { cookie } });

for (const store of ['postgres', 'redis'] as const) {
  describe(`/api/sessions with sessions in ${store === 'redis' ? 'Redis' : 'PGlite'}`, () => {
    let hub: TestHub;
    let redis: TestRedis | undefined;
    before(async () => {
      redis = store === 'redis' ? await testRedis() : undefined;
      hub = await startTestHub({
        env: redis ? { REDIS_URL: redis.url, UNITY_REDIS_PREFIX: redis.prefix } : {},
      });
      assert.equal(hub.deps.sessions.store.kind, store);
    });
    after(async () => {
      await hub.close();
      await redis?.drop();
    });

    it('sets a browser-session cookie without remember me and a persistent one with it', async () => {
      const plain = await signIn(hub, FIREFOX);
      assert.doesNotMatch(plain.setCookie, /Max-Age|Expires/i);
      const remembered = await signIn(hub, FIREFOX, true);
      const maxAge = Number(/Max-Age=(\d+)/.exec(remembered.setCookie)?.[1]);
      assert.ok(maxAge > 29 * 86_400 && maxAge <= 30 * 86_400, `Max-Age ${maxAge}`);
      assert.notEqual(plain.cookie, remembered.cookie, 'a fresh id at every sign-in');
      await del(hub, '/api/sessions', remembered.cookie);
    });

    it('lists my sessions with device, IP and the current one marked, without secrets', async () => {
      const laptop = await signIn(hub, FIREFOX);
      const phone = await signIn(hub, PHONE, true);
      const res = await get(hub, '/api/sessions', laptop.cookie);
      assert.equal(res.status, 200);
      const text = await res.text();
      const { items } = SessionListSchema.parse(JSON.parse(text));
      const current = items.filter((s) => s.current);
      assert.equal(current.length, 1);
      assert.equal(current[0]?.device, 'Firefox on Linux');
      assert.equal(current[0]?.ip, '127.0.0.1');
      assert.equal(current[0]?.remember, false);
      const mobile = items.find((s) => s.device === 'Chrome on Android');
      assert.ok(mobile, JSON.stringify(items));
      assert.equal(mobile.remember, true);
      for (const c of [laptop.cookie, phone.cookie]) assert.ok(!text.includes(c.split('=')[1] ?? '?'));
    });

    it('revokes one session: it fails on its next request, mine keeps working', async () => {
      const mine = await signIn(hub, FIREFOX);
      const stolen = await signIn(hub, PHONE);
      assert.equal((await get(hub, '/api/hosts', stolen.cookie)).status, 200);
      const { items } = SessionListSchema.parse(
        await (await get(hub, '/api/sessions', stolen.cookie)).json(),
      );
      const target = items.find((s) => s.current);
      assert.ok(target);
      assert.equal((await del(hub, `/api/sessions/${target.id}`, mine.cookie)).status, 204);
      assert.equal((await get(hub, '/api/hosts', stolen.cookie)).status, 401);
      assert.equal((await get(hub, '/api/hosts', mine.cookie)).status, 200);
      assert.equal((await del(hub, `/api/sessions/${target.id}`, mine.cookie)).status, 404);
      const bad = await del(hub, '/api/sessions/not-an-id', mine.cookie);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: { message: string } }).error.message, /id/);
    });

    it('revokes all my other sessions', async () => {
      const others = [await signIn(hub, PHONE), await signIn(hub, PHONE)];
      const mine = await signIn(hub, FIREFOX);
      const res = await del(hub, '/api/sessions', mine.cookie);
      assert.equal(res.status, 200);
      assert.ok(((await res.json()) as { revoked: number }).revoked >= 2);
      for (const o of others) assert.equal((await get(hub, '/api/hosts', o.cookie)).status, 401);
      const { items } = SessionListSchema.parse(await (await get(hub, '/api/sessions', mine.cookie)).json());
      assert.deepEqual(
        items.map((s) => s.current),
        [true],
      );
    });

    it('audits sign-ins, failures, revocations and sign-outs', async () => {
      const cookie = await login(hub);
      await fetch(`${hub.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'wrong password' }),
      });
      const other = await signIn(hub, PHONE);
      await del(hub, '/api/sessions', cookie);
      const out = await signIn(hub, FIREFOX);
      await fetch(`${hub.url}/api/auth/logout`, { method: 'POST', headers: { cookie: out.cookie } });
      const { items } = AuditListSchema.parse(
        await (await get(hub, '/api/audit-log?action=auth.&limit=500', cookie)).json(),
      );
      assert.ok(
        items.some((e) => e.action === 'auth.signin' && e.outcome === 'ok' && e.username === 'admin'),
      );
      assert.ok(items.some((e) => e.action === 'auth.signin' && e.outcome === 'unauthorized'));
      assert.ok(items.some((e) => e.action === 'auth.signout'));
      assert.ok(items.every((e) => e.action.startsWith('auth.')));
      const revoked = AuditListSchema.parse(
        await (await get(hub, '/api/audit-log?action=session.revoke_others', cookie)).json(),
      );
      assert.equal(revoked.items.length >= 1, true);
      assert.equal((await get(hub, '/api/hosts', other.cookie)).status, 401);
    });
  });
}
