/**
 * The durable outbox on PGlite and on PostgreSQL: enqueue and idempotency, delivery, retries with
 * backoff, Retry-After, the deadline, permanent failures, rate limits, a restart in the middle of
 * retries, a worker that died holding a claim, and two workers sharing one database.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Notification } from '@unity/shared';
import { eq } from 'drizzle-orm';
import { type Database, type Db, openDatabase } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { notificationOutbox } from '../db/schema.js';
import { silentLogger } from '../log.js';
import { backends, type TestDatabase } from '../testing/databases.js';
import { type HttpPeer, type PeerReply, startPeer } from '../testing/http-peer.js';
import { createChannel } from './channel-store.js';
import { createContactPoint } from './contact-points.js';
import { claimDue, findDelivery, recordOutcome } from './outbox.js';
import { SecretBox } from './secrets.js';
import { NotifyService } from './service.js';
import { sampleNotification } from './testing.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const box = SecretBox.fromPassphrase('outbox-test-key-of-at-least-32-chars');

/** A replaceable clock shared by every service of a test. */
class Clock {
  now = T0;
  readonly read = () => this.now;
}

function service(
  db: Db,
  clock: Clock,
  overrides: Partial<ConstructorParameters<typeof NotifyService>[0]> = {},
) {
  return new NotifyService({
    db,
    log: silentLogger(),
    box,
    publicUrl: 'http://hub.test:8080',
    appriseCommand: 'apprise',
    maxAgeMs: 3600_000,
    clock: clock.read,
    random: () => 0.5,
    backoff: { baseMs: 1000, maxMs: 60_000 },
    leaseMs: 30_000,
    ...overrides,
  });
}

/** Answers per path: a queue of scripted replies, then 200. */
function scripted(peer: HttpPeer) {
  const scripts = new Map<string, PeerReply[]>();
  peer.fallback = (req) => scripts.get(req.url)?.shift() ?? { status: 200, body: 'ok' };
  return (path: string, ...replies: PeerReply[]) => scripts.set(path, replies);
}

let counter = 0;
async function webhookPoint(db: Db, peer: HttpPeer, rateLimitPerMinute = 600) {
  const path = `/hook-${++counter}`;
  const channel = await createChannel(db, box, {
    name: `hook ${counter}`,
    enabled: true,
    rateLimitPerMinute,
    settings: { type: 'webhook', url: `${peer.url}${path}`, method: 'POST', headers: {} },
  });
  const cp = await createContactPoint(db, { name: `point ${counter}`, channelIds: [channel.id] });
  return { path, channel, cp };
}

const hits = (peer: HttpPeer, path: string) => peer.requests.filter((r) => r.url === path);
const note = (id: string, extra: Partial<Notification> = {}) => sampleNotification({ id, ...extra });

for (const backend of backends) {
  describe(`notification outbox on ${backend.name}`, () => {
    let database: TestDatabase;
    let db: Db;
    let peer: HttpPeer;
    let script: ReturnType<typeof scripted>;

    before(async () => {
      database = await backend.open();
      db = database.db;
      await migrate(db, silentLogger());
      peer = await startPeer();
      script = scripted(peer);
    });
    after(async () => {
      await peer.close();
      await database.close();
    });

    it('stores one row per channel of the contact point, once per notification id', async () => {
      const a = await webhookPoint(db, peer);
      const b = await webhookPoint(db, peer);
      const off = await createChannel(db, box, {
        name: `disabled ${counter}`,
        enabled: false,
        rateLimitPerMinute: 30,
        settings: { type: 'webhook', url: `${peer.url}/off`, method: 'POST', headers: {} },
      });
      const cp = await createContactPoint(db, {
        name: 'both',
        channelIds: [a.channel.id, b.channel.id, off.id],
      });
      const s = service(db, new Clock());
      const n = note('idem-1');
      await Promise.all([s.enqueue(cp.id, n), s.enqueue(cp.id, n)]);
      await s.enqueue(cp.id, n);
      const rows = await db
        .select()
        .from(notificationOutbox)
        .where(eq(notificationOutbox.notificationId, 'idem-1'));
      assert.deepEqual(rows.map((r) => r.channelId).sort(), [a.channel.id, b.channel.id].sort());
      assert.ok(rows.every((r) => r.status === 'queued' && r.attempts === 0));

      await s.worker.runOnce();
      await s.enqueue(cp.id, n);
      await s.worker.runOnce();
      assert.equal(hits(peer, a.path).length, 1, 'delivered once however often it was enqueued');
      assert.equal(hits(peer, b.path).length, 1);
    });

    it('rejects an unknown contact point and a malformed notification', async () => {
      const s = service(db, new Clock());
      await assert.rejects(s.enqueue('7d0c5b8e-1111-4222-8333-444455556666', note('x')), {
        code: 'not_found',
        message: 'contact point 7d0c5b8e-1111-4222-8333-444455556666 does not exist',
      });
      await assert.rejects(s.enqueue('not-a-uuid', note('x')), { code: 'not_found' });
      const { cp } = await webhookPoint(db, peer);
      await assert.rejects(s.enqueue(cp.id, { ...note('x'), severity: 'loud' } as unknown as Notification), {
        code: 'bad_request',
        message: /invalid notification: severity/,
      });
    });

    it('retries a failing receiver with exponential backoff and jitter, then delivers', async () => {
      const clock = new Clock();
      const s = service(db, clock);
      const { path, channel, cp } = await webhookPoint(db, peer);
      script(path, { status: 500, body: 'boom' }, { status: 502 });
      await s.enqueue(cp.id, note('retry-1'));
      assert.equal(await s.worker.runOnce(), 1);
      let d = await findDelivery(db, 'retry-1', channel.id);
      assert.equal(d?.status, 'retrying');
      assert.equal(d?.attempts, 1);
      assert.match(d?.lastError ?? '', /answered 500: boom$/);
      // backoff(0) with base 1 s and random 0.5: uniform in [0.5 s, 1 s] → 750 ms.
      assert.equal(d?.nextAttemptAt, clock.now + 750);
      assert.equal(await s.worker.runOnce(), 0, 'not due yet');

      clock.now += 750;
      assert.equal(await s.worker.runOnce(), 1);
      d = await findDelivery(db, 'retry-1', channel.id);
      assert.equal(d?.status, 'retrying');
      assert.equal(d?.attempts, 2);
      assert.equal(d?.nextAttemptAt, clock.now + 1250, 'backoff(1): [0.5 s, 2 s] → 1.25 s');

      clock.now += 1250;
      await s.worker.runOnce();
      d = await findDelivery(db, 'retry-1', channel.id);
      assert.equal(d?.status, 'delivered');
      assert.equal(d?.attempts, 3);
      assert.equal(d?.lastError, null);
      assert.equal(d?.deliveredAt, clock.now);
      assert.equal(hits(peer, path).length, 3);
      clock.now += 3600_000;
      assert.equal(await s.worker.runOnce(), 0, 'a delivered row is never claimed again');
    });

    it('honours Retry-After on 429 for the row and pauses the channel', async () => {
      const clock = new Clock();
      const s = service(db, clock);
      const { path, channel, cp } = await webhookPoint(db, peer);
      script(path, { status: 429, headers: { 'retry-after': '120' }, body: 'slow down' });
      await s.enqueue(cp.id, note('ra-1'));
      await s.worker.runOnce();
      const d = await findDelivery(db, 'ra-1', channel.id);
      assert.equal(d?.status, 'retrying');
      assert.equal(d?.nextAttemptAt, T0 + 120_000, 'exactly what Retry-After asked, not the backoff');

      clock.now += 60_000;
      await s.enqueue(cp.id, note('ra-2'));
      await s.worker.runOnce();
      assert.equal(hits(peer, path).length, 1, 'the channel is paused: nothing else goes to it');
      assert.equal((await findDelivery(db, 'ra-2', channel.id))?.status, 'queued');

      clock.now = T0 + 120_000;
      await s.worker.runOnce();
      assert.equal((await findDelivery(db, 'ra-1', channel.id))?.status, 'delivered');
      assert.equal((await findDelivery(db, 'ra-2', channel.id))?.status, 'delivered');
      assert.equal(hits(peer, path).length, 3);
    });

    it('gives up past the deadline, and at once on a permanent error', async () => {
      const clock = new Clock();
      const s = service(db, clock, { maxAgeMs: 10_000 });
      const down = await webhookPoint(db, peer);
      script(down.path, ...Array.from({ length: 50 }, () => ({ status: 503 })));
      await s.enqueue(down.cp.id, note('deadline-1'));
      for (let i = 0; i < 20; i++) {
        await s.worker.runOnce();
        const d = await findDelivery(db, 'deadline-1', down.channel.id);
        if (d?.status === 'failed') break;
        clock.now = d?.nextAttemptAt ?? clock.now;
      }
      const failed = await findDelivery(db, 'deadline-1', down.channel.id);
      assert.equal(failed?.status, 'failed');
      assert.match(failed?.lastError ?? '', /^gave up after \d attempts: .* answered 503$/);
      assert.ok(clock.now - T0 <= 10_000, 'no attempt after the deadline');

      const bad = await webhookPoint(db, peer);
      script(bad.path, { status: 400, body: 'bad payload' });
      await s.enqueue(bad.cp.id, note('perm-1'));
      await s.worker.runOnce();
      const d = await findDelivery(db, 'perm-1', bad.channel.id);
      assert.equal(d?.status, 'failed');
      assert.equal(d?.attempts, 1);
      assert.match(d?.lastError ?? '', /answered 400: bad payload/);
    });

    it('keeps to the channel rate limit', async () => {
      const clock = new Clock();
      const s = service(db, clock);
      // 6 a minute: a burst of one, then one every 10 s.
      const { path, channel, cp } = await webhookPoint(db, peer, 6);
      for (const id of ['rl-1', 'rl-2', 'rl-3']) await s.enqueue(cp.id, note(id));
      await s.worker.runOnce();
      assert.equal(hits(peer, path).length, 1);
      const waiting = await findDelivery(db, 'rl-2', channel.id);
      assert.equal(waiting?.status, 'queued');
      assert.equal(waiting?.attempts, 0, 'a deferred row has not used an attempt');
      assert.equal(await s.worker.runOnce(), 0, 'the throttled channel is not claimed');
      clock.now += 10_000;
      await s.worker.runOnce();
      assert.equal(hits(peer, path).length, 2);
      clock.now += 10_000;
      await s.worker.runOnce();
      assert.equal(hits(peer, path).length, 3);
    });

    it('a worker that died holding a claim loses nothing: the row is taken again after the lease', async () => {
      const clock = new Clock();
      const { path, channel, cp } = await webhookPoint(db, peer);
      const a = service(db, clock);
      await a.enqueue(cp.id, note('crash-1'));
      const [claimed] = await claimDue(db, { now: clock.now, limit: 10, leaseMs: 30_000, skipChannels: [] });
      assert.ok(claimed, 'worker A claimed the row, then died before sending');
      const b = service(db, clock);
      assert.equal(await b.worker.runOnce(), 0, 'the lease still holds');
      clock.now += 30_000;
      assert.equal(await b.worker.runOnce(), 1);
      assert.equal((await findDelivery(db, 'crash-1', channel.id))?.status, 'delivered');
      assert.equal(hits(peer, path).length, 1);
      // A's late outcome is refused: the claim is no longer its own.
      assert.equal(await recordOutcome(db, claimed, { kind: 'failed', error: 'late' }, clock.now), false);
      assert.equal((await findDelivery(db, 'crash-1', channel.id))?.status, 'delivered');
    });

    it('two workers on one database deliver every notification exactly once', async () => {
      const clock = new Clock();
      const { path, cp } = await webhookPoint(db, peer, 6000);
      // On PostgreSQL the second worker has its own connection pool, like a second replica.
      const second: Database | undefined = database.url
        ? await openDatabase({ url: database.url })
        : undefined;
      try {
        // Small batches, so both workers keep claiming while the other is sending.
        const a = service(db, clock, { batchSize: 4 });
        const b = service(second?.db ?? db, clock, { batchSize: 4 });
        const ids = Array.from({ length: 40 }, (_, i) => `pair-${i}`);
        for (const id of ids) await a.enqueue(cp.id, note(id));
        let total = 0;
        const byWorker: [number, number] = [0, 0];
        for (let round = 0; round < 30 && total < ids.length; round++) {
          const [x, y] = await Promise.all([a.worker.runOnce(), b.worker.runOnce()]);
          total += x + y;
          byWorker[0] += x;
          byWorker[1] += y;
        }
        assert.ok(byWorker[0] > 0 && byWorker[1] > 0, `both workers took rows: ${byWorker}`);
        const delivered = hits(peer, path).map(
          (r) => (JSON.parse(r.body) as { notificationId: string }).notificationId,
        );
        assert.equal(delivered.length, ids.length);
        assert.deepEqual(new Set(delivered), new Set(ids));
      } finally {
        await second?.close();
      }
    });
  });
}

describe('a hub restart in the middle of retries (PGlite on disk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unity-outbox-'));
  let peer: HttpPeer;
  before(async () => {
    peer = await startPeer();
  });
  after(async () => {
    await peer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers exactly once after the restart', async () => {
    const clock = new Clock();
    const script = scripted(peer);
    let database = await openDatabase({ dataDir: dir });
    await migrate(database.db, silentLogger());
    const { path, channel, cp } = await webhookPoint(database.db, peer);
    script(path, { status: 500 }, { status: 500 });
    let s = service(database.db, clock);
    await s.enqueue(cp.id, note('restart-1'));
    await s.worker.runOnce();
    clock.now += 750;
    await s.worker.runOnce();
    assert.equal((await findDelivery(database.db, 'restart-1', channel.id))?.status, 'retrying');
    await s.stop();
    await database.close();

    // The "new process": a fresh database handle on the same files and a fresh worker.
    database = await openDatabase({ dataDir: dir });
    await migrate(database.db, silentLogger());
    s = service(database.db, clock);
    clock.now += 60_000;
    await s.worker.runOnce();
    await s.worker.runOnce();
    const d = await findDelivery(database.db, 'restart-1', channel.id);
    assert.equal(d?.status, 'delivered');
    assert.equal(d?.attempts, 3);
    assert.equal(
      hits(peer, path).filter((r) => r.body.includes('"restart-1"')).length,
      3,
      'two failures, one delivery',
    );
    await database.close();
  });
});
