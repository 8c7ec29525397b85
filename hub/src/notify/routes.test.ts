/**
 * The notification API on a real hub: roles (anonymous 401, viewer reads only, admin writes),
 * validation naming the field, secrets masked in every answer and kept on update, "send test"
 * through the outbox, the delivery log, and no secret in the database in clear or in the logs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChannelListSchema, ChannelSchema, ChannelTestResultSchema, DeliveryListSchema } from '@unity/shared';
import { pino } from 'pino';
import { createUser } from '../auth/users.js';
import { channels } from '../db/schema.js';
import { type HttpPeer, startPeer } from '../testing/http-peer.js';
import { login, startTestHub, type TestHub } from '../testing/hub.js';
import { sampleNotification } from './testing.js';

const SLACK_TOKEN = 'XOXSECRETSLACKTOKEN42';
const HEADER_TOKEN = 'SECRETHEADERVALUE77';
const HMAC_SECRET = 'SECRETHMACKEY99';
const SECRETS = [SLACK_TOKEN, HEADER_TOKEN, HMAC_SECRET];

describe('notification API', () => {
  let hub: TestHub;
  let peer: HttpPeer;
  let admin: string;
  let viewer: string;
  const logLines: string[] = [];

  const call = async (cookie: string | undefined, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
  };

  before(async () => {
    peer = await startPeer((req) =>
      req.url.startsWith('/broken') ? { status: 500, body: 'down' } : { status: 200, body: 'ok' },
    );
    const log = pino({ level: 'trace' }, { write: (line: string) => logLines.push(line) });
    hub = await startTestHub({ log, notify: { pollMs: 200 } });
    admin = await login(hub);
    await createUser(hub.deps.db, { username: 'vera', password: 'viewer password 1', role: 'viewer' });
    viewer = await login(hub, 'vera', 'viewer password 1');
  });
  after(async () => {
    await hub.close();
    await peer.close();
  });

  let slackId = '';
  let hookId = '';

  it('refuses anonymous callers with 401', async () => {
    for (const [method, path] of [
      ['GET', '/api/channels'],
      ['POST', '/api/channels'],
      ['GET', '/api/contact-points'],
      ['GET', '/api/notifications'],
    ] as const) {
      assert.equal((await call(undefined, method, path)).status, 401, `${method} ${path}`);
    }
  });

  it('lets an admin create channels, answering secrets masked', async () => {
    const slack = await call(admin, 'POST', '/api/channels', {
      name: 'team slack',
      settings: { type: 'slack', url: `${peer.url}/services/T0/B0/${SLACK_TOKEN}`, channel: '#ops' },
    });
    assert.equal(slack.status, 201, slack.text);
    const created = ChannelSchema.parse(slack.body);
    slackId = created.id;
    assert.equal(created.type, 'slack');
    assert.equal(created.enabled, true);
    assert.equal(created.rateLimitPerMinute, 30);
    assert.deepEqual(created.settings, { type: 'slack', url: `${peer.url}/********`, channel: '#ops' });

    const hook = await call(admin, 'POST', '/api/channels', {
      name: 'hook',
      settings: {
        type: 'webhook',
        url: `${peer.url}/hook`,
        headers: { Authorization: `Bearer ${HEADER_TOKEN}` },
        hmacSecret: HMAC_SECRET,
      },
    });
    assert.equal(hook.status, 201, hook.text);
    hookId = String(hook.body.id);
    assert.deepEqual(hook.body.settings, {
      type: 'webhook',
      url: `${peer.url}/********`,
      method: 'POST',
      headers: { Authorization: '********' },
      hmacSecret: '********',
    });
    assert.ok(!SECRETS.some((s) => slack.text.includes(s) || hook.text.includes(s)));
  });

  it('refuses bad settings with a 400 naming the field, and a duplicate name with 409', async () => {
    const bad = await call(admin, 'POST', '/api/channels', {
      name: 'x',
      settings: { type: 'slack', url: 'not a url' },
    });
    assert.equal(bad.status, 400);
    assert.match(String((bad.body.error as { message: string }).message), /settings\.url: must be an http/);
    const type = await call(admin, 'POST', '/api/channels', {
      name: 'x',
      settings: { type: 'carrier-pigeon' },
    });
    assert.equal(type.status, 400);
    assert.match(type.text, /settings\.type/);
    const tg = await call(admin, 'POST', '/api/channels', {
      name: 'tg',
      settings: { type: 'telegram', botToken: 'nope', chatId: '1' },
    });
    assert.match(tg.text, /settings\.botToken: must look like/);
    const rate = await call(admin, 'POST', '/api/channels', {
      name: 'fast',
      rateLimitPerMinute: 0,
      settings: { type: 'teams', url: `${peer.url}/t` },
    });
    assert.match(rate.text, /rateLimitPerMinute/);
    const dup = await call(admin, 'POST', '/api/channels', {
      name: 'hook',
      settings: { type: 'teams', url: `${peer.url}/t` },
    });
    assert.equal(dup.status, 409);
    assert.equal((await call(admin, 'GET', '/api/channels/not-a-uuid')).status, 400);
    assert.equal((await call(admin, 'PUT', '/api/channels/not-a-uuid', {})).status, 400);
    assert.equal((await call(admin, 'POST', '/api/channels', 'not json')).status, 400);
  });

  it('lets a viewer read (masked) but not write', async () => {
    const list = await call(viewer, 'GET', '/api/channels');
    assert.equal(list.status, 200);
    const items = ChannelListSchema.parse(list.body).items;
    assert.deepEqual(
      items.map((c) => c.name),
      ['hook', 'team slack'],
    );
    assert.ok(!SECRETS.some((s) => list.text.includes(s)));
    assert.equal((await call(viewer, 'GET', `/api/channels/${slackId}`)).status, 200);
    assert.equal((await call(viewer, 'GET', '/api/notifications')).status, 200);
    assert.equal((await call(viewer, 'GET', '/api/contact-points')).status, 200);
    assert.equal((await call(viewer, 'GET', '/api/channels/types')).status, 200);
    const forbidden = [
      ['POST', '/api/channels', { name: 'v', settings: { type: 'teams', url: `${peer.url}/t` } }],
      ['PUT', `/api/channels/${slackId}`, { name: 'v', settings: { type: 'slack' } }],
      ['DELETE', `/api/channels/${slackId}`, undefined],
      ['POST', `/api/channels/${slackId}/test`, undefined],
      ['POST', '/api/contact-points', { name: 'v', channelIds: [slackId] }],
    ] as const;
    for (const [method, path, body] of forbidden) {
      const res = await call(viewer, method, path, body);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal((res.body.error as { code: string }).code, 'forbidden');
    }
  });

  it('keeps secrets sent back masked on update, and sends a test through the outbox', async () => {
    const shown = ChannelSchema.parse((await call(admin, 'GET', `/api/channels/${slackId}`)).body);
    const put = await call(admin, 'PUT', `/api/channels/${slackId}`, {
      name: 'ops slack',
      rateLimitPerMinute: 60,
      settings: { ...shown.settings, username: 'unity' },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.name, 'ops slack');

    const test = await call(admin, 'POST', `/api/channels/${slackId}/test`);
    assert.equal(test.status, 200, test.text);
    const result = ChannelTestResultSchema.parse(test.body);
    assert.equal(result.ok, true);
    assert.equal(result.delivery.status, 'delivered');
    assert.equal(result.delivery.test, true);
    assert.equal(result.delivery.attempts, 1);
    const got = peer.requests.find((r) => r.url === `/services/T0/B0/${SLACK_TOKEN}`);
    assert.ok(got, 'the stored (unmasked) URL was used');
    const body = JSON.parse(got.body);
    assert.equal(body.username, 'unity');
    assert.equal(body.blocks[0].text.text, '[test] Test notification from Unity');
  });

  it('removes an optional secret with null, and refuses a bad merged setting', async () => {
    const hook = ChannelSchema.parse((await call(admin, 'GET', `/api/channels/${hookId}`)).body);
    const put = await call(admin, 'PUT', `/api/channels/${hookId}`, {
      name: 'hook',
      settings: { ...hook.settings, hmacSecret: null },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal((put.body.settings as Record<string, unknown>).hmacSecret, undefined);
    assert.deepEqual((put.body.settings as Record<string, unknown>).headers, { Authorization: '********' });
    const bad = await call(admin, 'PUT', `/api/channels/${hookId}`, {
      name: 'hook',
      settings: { ...hook.settings, method: 'GET' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /settings\.method/);

    const test = ChannelTestResultSchema.parse(
      (await call(admin, 'POST', `/api/channels/${hookId}/test`)).body,
    );
    assert.equal(test.ok, true);
    const got = peer.requests.filter((r) => r.url === '/hook').at(-1);
    assert.equal(got?.headers.authorization, `Bearer ${HEADER_TOKEN}`, 'the header secret was kept');
    assert.equal(got?.headers['x-unity-signature'], undefined, 'the HMAC secret was removed');
  });

  it('reports a failing test with its error, without retrying it', async () => {
    const created = await call(admin, 'POST', '/api/channels', {
      name: 'broken',
      settings: { type: 'teams', url: `${peer.url}/broken/flow` },
    });
    const test = ChannelTestResultSchema.parse(
      (await call(admin, 'POST', `/api/channels/${created.body.id}/test`)).body,
    );
    assert.equal(test.ok, false);
    assert.equal(test.delivery.status, 'failed');
    assert.match(test.delivery.lastError ?? '', /answered 500: down \(a test is not retried\)$/);
    assert.equal((await call(admin, 'DELETE', `/api/channels/${created.body.id}`)).status, 204);
  });

  it('manages contact points, and alerting enqueues to one (NotificationSink)', async () => {
    const unknown = await call(admin, 'POST', '/api/contact-points', {
      name: 'oncall',
      channelIds: ['7d0c5b8e-1111-4222-8333-444455556666'],
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /channelIds: no channel 7d0c5b8e/);
    assert.equal(
      (await call(admin, 'POST', '/api/contact-points', { name: 'empty', channelIds: [] })).status,
      400,
    );
    const made = await call(admin, 'POST', '/api/contact-points', { name: 'oncall', channelIds: [slackId] });
    assert.equal(made.status, 201, made.text);
    const cpId = String(made.body.id);
    const put = await call(admin, 'PUT', `/api/contact-points/${cpId}`, {
      name: 'oncall',
      channelIds: [hookId, slackId],
    });
    assert.deepEqual(put.body.channelIds, [hookId, slackId]);
    const list = await call(viewer, 'GET', '/api/contact-points');
    assert.deepEqual(
      (list.body.items as { id: string }[]).map((c) => c.id),
      [cpId],
    );

    const before = peer.requests.length;
    await hub.deps.notify.enqueue(cpId, sampleNotification({ id: 'api-n-1' }));
    await peer.waitFor(before + 2);
    const log = DeliveryListSchema.parse(
      (await call(viewer, 'GET', `/api/notifications?channel=${hookId}`)).body,
    );
    const mine = log.items.find((d) => d.notificationId === 'api-n-1');
    assert.equal(mine?.channelName, 'hook');
    assert.equal(mine?.contactPointId, cpId);
    await waitForStatus(hookId, 'api-n-1', 'delivered');
    const delivered = DeliveryListSchema.parse(
      (await call(viewer, 'GET', '/api/notifications?status=delivered')).body,
    );
    assert.ok(delivered.items.every((d) => d.status === 'delivered'));
    assert.ok(delivered.items.some((d) => d.notificationId === 'api-n-1' && d.channelId === slackId));
    assert.equal((await call(viewer, 'GET', '/api/notifications?status=lost')).status, 400);
    assert.equal((await call(viewer, 'GET', '/api/notifications?channel=x')).status, 400);

    const inUse = await call(admin, 'DELETE', `/api/channels/${slackId}`);
    assert.equal(inUse.status, 409);
    assert.match(inUse.text, /used by contact point\(s\) \\"oncall\\"/);
    assert.equal((await call(admin, 'DELETE', `/api/contact-points/${cpId}`)).status, 204);
    assert.equal((await call(admin, 'DELETE', `/api/contact-points/${cpId}`)).status, 404);
    assert.equal((await call(admin, 'DELETE', `/api/channels/${slackId}`)).status, 204);
    assert.equal((await call(admin, 'GET', `/api/channels/${slackId}`)).status, 404);
  });

  async function waitForStatus(channelId: string, notificationId: string, status: string) {
    for (let i = 0; i < 50; i++) {
      const list = DeliveryListSchema.parse(
        (await call(admin, 'GET', `/api/notifications?channel=${channelId}`)).body,
      );
      if (list.items.some((d) => d.notificationId === notificationId && d.status === status)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${notificationId} never became ${status}`);
  }

  it('says whether the Apprise CLI is available, and how to install it when not', async () => {
    const { body } = await call(viewer, 'GET', '/api/channels/types');
    const apprise = (body.items as { type: string; available: boolean; hint?: string }[]).find(
      (t) => t.type === 'apprise',
    );
    assert.ok(apprise);
    if (!apprise.available) assert.match(apprise.hint ?? '', /apt-get install apprise/);
  });

  it('stores secrets sealed, and never logs them', async () => {
    const rows = await hub.deps.db.select().from(channels);
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const stored = JSON.stringify(row.settings) + (row.secrets ?? '');
      assert.ok(!SECRETS.some((s) => stored.includes(s)), `channel ${row.name} holds a secret in clear`);
      if (row.secrets) assert.match(row.secrets, /^v1:[A-Za-z0-9_-]+$/);
    }
    assert.ok(logLines.length > 5, 'the hub logged');
    assert.ok(logLines.some((l) => l.includes('channel created')));
    const leaked = logLines.filter((l) => SECRETS.some((s) => l.includes(s)));
    assert.deepEqual(leaked, []);
  });
});
