import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AuditListSchema,
  type Ban,
  BanListSchema,
  DEFAULT_NOTIFICATION_POLICY,
  ENROLL_PATH,
  type Notification,
} from '@unity/shared';
import { exportJWK, generateKeyPair } from 'jose';
import { putPolicy } from '../alerts/route/store.js';
import type { Database } from '../db/client.js';
import { freshPglite } from '../testing/databases.js';
import { hostFacts } from '../testing/fixtures.js';
import { ADMIN, login, startTestHub, type TestHub } from '../testing/hub.js';
import { Regulator } from './regulation.js';
import { createUser } from './users.js';

/** A request as if from `ip`: @hono/node-server hands the socket over as `env.incoming`. */
const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

const signIn = (hub: TestHub, ip: string, username: string, password: string) =>
  hub.app.request(
    '/api/auth/login',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    },
    from(ip),
  );

describe('brute-force regulation of sign-in', () => {
  let hub: TestHub;
  let admin: string;
  /** What the hub handed to the notification outbox, per contact point. */
  const sent: { contactPointId: string; notification: Notification }[] = [];
  before(async () => {
    hub = await startTestHub({
      env: { UNITY_REGULATION_DELAY_MS: '0', UNITY_REGULATION_IP_MAX_RETRIES: '5' },
      notificationSink: {
        enqueue: async (contactPointId, notification) => {
          sent.push({ contactPointId, notification });
        },
      },
    });
    // Alerts go to "ops"; a child route sends security notices to "security" instead.
    await putPolicy(
      hub.deps.db,
      {
        ...DEFAULT_NOTIFICATION_POLICY,
        contactPointId: 'ops',
        routes: [
          {
            id: 'security',
            matchers: [{ label: 'source', op: '=', value: 'security' }],
            contactPointId: 'security',
            routes: [],
          },
        ],
      },
      'test',
    );
    await createUser(hub.deps.db, { username: 'viewer', password: 'viewer password 1', role: 'viewer' });
    admin = await login(hub);
  });
  after(() => hub.close());

  it('bans an account from one address after 3 failures, without locking it out from another', async () => {
    const attacker = '203.0.113.5';
    for (let i = 0; i < 3; i++) assert.equal((await signIn(hub, attacker, 'admin', 'guess')).status, 401);
    const refused = await signIn(hub, attacker, 'admin', ADMIN.password);
    assert.equal(refused.status, 429, 'even the right password is refused while banned');
    assert.ok(Number(refused.headers.get('retry-after')) > 250);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate_limited');
    assert.equal((await signIn(hub, '198.51.100.9', 'admin', ADMIN.password)).status, 200);
    assert.equal(
      (await signIn(hub, attacker, 'viewer', 'viewer password 1')).status,
      200,
      'other accounts from that address still sign in',
    );
    // The ban is announced once, through the notification policy, to the security route.
    assert.equal(sent.length, 1);
    const notice = sent[0];
    assert.equal(notice?.contactPointId, 'security');
    assert.equal(notice?.notification.status, 'firing');
    assert.deepEqual(notice?.notification.alerts[0]?.labels, {
      alertname: 'Sign-in ban',
      source: 'security',
      scope: 'signin',
      ip: attacker,
      account: 'admin',
    });
    assert.match(
      notice?.notification.body ?? '',
      /3 failed sign-in attempts: account "admin" from 203\.0\.113\.5 banned until/,
    );
  });

  it('shows bans to admins only, and an admin can lift one', async () => {
    const res = await hub.app.request('/api/security/bans', { headers: { cookie: admin } });
    assert.equal(res.status, 200);
    const ban = BanListSchema.parse(await res.json()).items.find((b) => b.ip === '203.0.113.5');
    assert.ok(ban);
    assert.equal(ban.account, 'admin');
    assert.equal(ban.scope, 'signin');
    assert.equal(ban.failures, 3);
    assert.ok(Math.abs(ban.expiresAt - ban.createdAt - 5 * 60_000) < 1000, 'a 5-minute ban');

    const viewer = await login(hub, 'viewer', 'viewer password 1');
    assert.equal((await hub.app.request('/api/security/bans', { headers: { cookie: viewer } })).status, 403);
    const viewerLift = await hub.app.request(`/api/security/bans/${ban.id}`, {
      method: 'DELETE',
      headers: { cookie: viewer },
    });
    assert.equal(viewerLift.status, 403);

    const lift = await hub.app.request(`/api/security/bans/${ban.id}`, {
      method: 'DELETE',
      headers: { cookie: admin },
    });
    assert.equal(lift.status, 204);
    assert.equal((await signIn(hub, '203.0.113.5', 'admin', ADMIN.password)).status, 200);
    const again = await hub.app.request(`/api/security/bans/${ban.id}`, {
      method: 'DELETE',
      headers: { cookie: admin },
    });
    assert.equal(again.status, 404);

    const audit = AuditListSchema.parse(
      await (await hub.app.request('/api/audit-log?action=security.', { headers: { cookie: admin } })).json(),
    );
    assert.deepEqual(audit.items.map((e) => e.action).sort(), ['security.ban', 'security.unban']);
    assert.equal(audit.items.find((e) => e.action === 'security.unban')?.username, 'admin');
  });

  it('bans a whole address that fails on many accounts', async () => {
    const sprayer = '203.0.113.77';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn(hub, sprayer, `user${i}`, 'guess')).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    assert.equal((await signIn(hub, sprayer, 'viewer', 'viewer password 1')).status, 429);
    assert.equal((await signIn(hub, '203.0.113.78', 'viewer', 'viewer password 1')).status, 200);
  });
});

describe('brute-force regulation of enrollment', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({
      env: { UNITY_REGULATION_DELAY_MS: '0', UNITY_REGULATION_IP_MAX_RETRIES: '3' },
    });
  });
  after(() => hub.close());

  it('bans an address guessing enrollment tokens', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const body = JSON.stringify({
      token: 'g'.repeat(43),
      publicKey: await exportJWK(publicKey),
      host: hostFacts,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await hub.app.request(
        ENROLL_PATH,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body },
        from('192.0.2.50'),
      );
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });
});

describe('Regulator with an injected clock', () => {
  let database: Database;
  let now = Date.UTC(2026, 5, 1);
  let regulator: Regulator;
  const rules = { maxRetries: 3, ipMaxRetries: 10, findTimeMs: 120_000, banTimeMs: 300_000, delayMs: 250 };
  const attempt = { scope: 'signin', ip: '192.0.2.1', account: 'alice' } as const;

  before(async () => {
    database = await freshPglite();
    regulator = new Regulator({ db: database.db, rules, clock: () => now });
  });
  after(() => database.close());

  it('delays each failure twice as long as the one before', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) delays.push((await regulator.fail(attempt)).delayMs);
    assert.deepEqual(delays, [250, 500]);
    await regulator.succeed(attempt);
    assert.equal((await regulator.fail(attempt)).delayMs, 250, 'a success starts over');
    await regulator.succeed(attempt);
  });

  it('counts only failures within the find time', async () => {
    await regulator.fail(attempt);
    await regulator.fail(attempt);
    now += 121_000;
    const third = await regulator.fail(attempt);
    assert.equal(third.ban, undefined);
    assert.deepEqual(await regulator.check(attempt), { banned: false });
    await regulator.succeed(attempt);
  });

  it('ends a ban after the ban time', async () => {
    let ban: Ban | undefined;
    for (let i = 0; i < 3; i++) ban = (await regulator.fail(attempt)).ban;
    assert.ok(ban);
    assert.equal((await regulator.check(attempt)).banned, true);
    assert.equal((await regulator.check({ ...attempt, account: 'bob' })).banned, false);
    assert.equal((await regulator.check({ ...attempt, ip: '192.0.2.2' })).banned, false);
    now += 299_000;
    assert.equal((await regulator.check(attempt)).banned, true);
    now += 2000;
    assert.deepEqual(await regulator.check(attempt), { banned: false });
    assert.deepEqual(await regulator.listBans(), []);
    assert.equal((await regulator.fail(attempt)).ban, undefined, 'counting starts over after a ban');
  });
});
