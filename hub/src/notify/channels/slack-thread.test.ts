/**
 * Slack with a bot token against a local server speaking Slack's Web API (chat.postMessage,
 * chat.update: `Authorization: Bearer`, JSON answers `{ok, channel, ts}` or `{ok: false, error}`),
 * through the outbox on PGlite and PostgreSQL: the first message of an alert group starts a
 * thread, later ones reply in it (also after the hub restarted), the parent shows the latest
 * state, a resolved group closes its thread, and a refused token fails with Slack's error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../db/client.js';
import { migrate } from '../../db/migrate.js';
import { silentLogger } from '../../log.js';
import { backends, type TestDatabase } from '../../testing/databases.js';
import { type HttpPeer, type PeerRequest, startPeer } from '../../testing/http-peer.js';
import { createChannel } from '../channel-store.js';
import { createContactPoint } from '../contact-points.js';
import { findDelivery } from '../outbox.js';
import { SecretBox } from '../secrets.js';
import { NotifyService } from '../service.js';
import { resolvedNotification, sampleNotification } from '../testing.js';

const TOKEN = 'xoxb-1234-5678-threadtoken';
const box = SecretBox.fromPassphrase('slack-thread-test-key-of-32-chars!!');

/** Slack's Web API as documented: Bearer auth, `ok` in every answer, `ts` of a posted message. */
function slackApi(peer: HttpPeer) {
  let seq = 0;
  peer.fallback = (req: PeerRequest) => {
    const json = (body: unknown) => ({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json({ ok: false, error: 'invalid_auth' });
    const body = JSON.parse(req.body) as { channel?: string; ts?: string };
    if (req.url === '/api/chat.postMessage') {
      seq++;
      return json({ ok: true, channel: 'C0123ABCD', ts: `1795640000.00010${seq}`, message: {} });
    }
    if (req.url === '/api/chat.update') return json({ ok: true, channel: body.channel, ts: body.ts });
    return json({ ok: false, error: 'unknown_method' });
  };
}

const service = (db: Db) =>
  new NotifyService({
    db,
    log: silentLogger(),
    box,
    publicUrl: 'http://hub.test:8080',
    appriseCommand: 'apprise',
    maxAgeMs: 3600_000,
  });

type Posted = { url: string; body: Record<string, unknown> };

for (const backend of backends) {
  describe(`Slack threads with a bot token on ${backend.name}`, () => {
    let database: TestDatabase;
    let peer: HttpPeer;

    before(async () => {
      database = await backend.open();
      await migrate(database.db, silentLogger());
      peer = await startPeer();
      slackApi(peer);
    });
    after(async () => {
      await peer.close();
      await database.close();
    });

    const posted = (): Posted[] =>
      peer.requests.map((r) => ({ url: r.url, body: JSON.parse(r.body) as Record<string, unknown> }));

    it('threads the updates of one alert group under its first message, across a restart', async () => {
      let db = database.db;
      const channel = await createChannel(db, box, {
        name: 'slack bot',
        enabled: true,
        rateLimitPerMinute: 600,
        settings: { type: 'slack', botToken: TOKEN, channel: '#alerts', apiUrl: `${peer.url}/api` },
      });
      const cp = await createContactPoint(db, { name: 'slack', channelIds: [channel.id] });
      let s = service(db);
      await s.enqueue(cp.id, sampleNotification({ id: 'th-1' }));
      await s.worker.runOnce();
      assert.equal((await findDelivery(db, 'th-1', channel.id))?.status, 'delivered');
      const [first] = posted();
      assert.equal(first?.url, '/api/chat.postMessage');
      assert.equal(first?.body.channel, '#alerts');
      assert.equal(first?.body.thread_ts, undefined, 'the first message starts the thread');
      assert.match(String(first?.body.text), /FIRING · critical: \[FIRING:2\] HighCpu/);
      assert.equal(peer.requests[0]?.headers['content-type'], 'application/json; charset=utf-8');

      // The hub restarts: a new service (and, on PostgreSQL, a new connection) finds the thread.
      await s.stop();
      if (database.url) {
        const reopened = await openDatabase({ url: database.url });
        db = reopened.db;
        after(() => reopened.close());
      }
      s = service(db);
      await s.enqueue(cp.id, sampleNotification({ id: 'th-2', title: '[FIRING:3] HighCpu' }));
      await s.worker.runOnce();
      assert.equal((await findDelivery(db, 'th-2', channel.id))?.status, 'delivered');
      const [, reply, update] = posted();
      assert.equal(reply?.url, '/api/chat.postMessage');
      assert.equal(reply?.body.channel, 'C0123ABCD', 'replies go to the conversation id Slack answered');
      assert.equal(reply?.body.thread_ts, '1795640000.000101');
      assert.equal(reply?.body.reply_broadcast, undefined);
      assert.equal(update?.url, '/api/chat.update');
      assert.equal(update?.body.ts, '1795640000.000101');
      assert.match(String(update?.body.text), /\[FIRING:3\] HighCpu/, 'the parent shows the latest state');

      // Resolved: replied in the thread and broadcast; the thread is closed.
      await s.enqueue(cp.id, resolvedNotification({ id: 'th-3' }));
      await s.worker.runOnce();
      const [, , , resolved, resolvedUpdate] = posted();
      assert.equal(resolved?.body.thread_ts, '1795640000.000101');
      assert.equal(resolved?.body.reply_broadcast, true);
      assert.match(String(resolvedUpdate?.body.text), /^RESOLVED/);

      // The group fires again: a new thread.
      await s.enqueue(cp.id, sampleNotification({ id: 'th-4' }));
      await s.worker.runOnce();
      const again = posted()[5];
      assert.equal(again?.url, '/api/chat.postMessage');
      assert.equal(again?.body.thread_ts, undefined);
      assert.equal(posted().length, 6);

      // Another group gets its own thread; the first group's new thread (th-4's) is used.
      await s.enqueue(cp.id, sampleNotification({ id: 'th-5', groupKey: '{}:{alertname="Other"}' }));
      await s.enqueue(cp.id, sampleNotification({ id: 'th-6' }));
      await s.worker.runOnce();
      const latest = posted()
        .slice(6)
        .filter((p) => p.url === '/api/chat.postMessage');
      assert.deepEqual(
        latest.map((p) => p.body.thread_ts ?? null).sort(),
        ['1795640000.000104', null].sort(),
      );
      await s.stop();
    });

    it('fails a delivery Slack refuses, with its error and without retrying', async () => {
      const db = database.db;
      const channel = await createChannel(db, box, {
        name: 'slack bad token',
        enabled: true,
        rateLimitPerMinute: 600,
        settings: {
          type: 'slack',
          botToken: 'xoxb-revoked-token',
          channel: '#alerts',
          apiUrl: `${peer.url}/api`,
        },
      });
      const cp = await createContactPoint(db, { name: 'slack bad', channelIds: [channel.id] });
      const s = service(db);
      await s.enqueue(cp.id, sampleNotification({ id: 'bad-1' }));
      await s.worker.runOnce();
      const d = await findDelivery(db, 'bad-1', channel.id);
      assert.equal(d?.status, 'failed');
      assert.equal(d?.lastError, 'Slack chat.postMessage failed: invalid_auth');
      assert.ok(!JSON.stringify(d).includes('revoked'), 'the token is not in the delivery log');
      await s.stop();
    });
  });
}
