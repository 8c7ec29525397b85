import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { silentLogger } from '../log.js';
import { backends as databases, freshPglite } from '../testing/databases.js';
import { testRedis } from '../testing/redis.js';
import type { SessionStore } from './session-store.js';
import { PgSessionStore } from './session-store-pg.js';
import { RedisSessionStore } from './session-store-redis.js';
import { Sessions, sessionHash } from './sessions.js';
import { createUser } from './users.js';

const HOUR = 3600_000;
const TIMEOUTS = { idleMs: 12 * HOUR, absoluteMs: 7 * 24 * HOUR, rememberMs: 30 * 24 * HOUR };
const META = { ip: '192.0.2.7', device: 'Firefox on Linux', remember: false };

type Backend = {
  name: string;
  open(db: Database): Promise<{ store: SessionStore; keys?: () => Promise<string[]>; drop(): Promise<void> }>;
};

const backends: Backend[] = [
  { name: 'PGlite', open: async (db) => ({ store: new PgSessionStore(db.db), drop: async () => {} }) },
  { name: 'PostgreSQL', open: async (db) => ({ store: new PgSessionStore(db.db), drop: async () => {} }) },
  {
    name: 'Redis',
    open: async () => {
      const redis = await testRedis();
      const store = await RedisSessionStore.connect(redis.url, redis.prefix);
      return {
        store,
        keys: redis.keys,
        drop: async () => {
          await store.close();
          await redis.drop();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`sessions in ${backend.name}`, () => {
    let database: Database;
    let opened: Awaited<ReturnType<Backend['open']>>;
    let now = Date.UTC(2026, 0, 1);
    let sessions: Sessions;
    let alice: string;
    let bob: string;

    before(async () => {
      if (backend.name === 'PostgreSQL') {
        const pg = databases.find((d) => d.name === 'postgres');
        if (!pg) throw new Error('no postgres test backend');
        database = await pg.open();
        await migrate(database.db, silentLogger());
      } else {
        database = await freshPglite();
      }
      opened = await backend.open(database);
      sessions = new Sessions({ store: opened.store, db: database.db, timeouts: TIMEOUTS, clock: () => now });
      alice = (
        await createUser(database.db, { username: 'alice', password: 'alice password 1', role: 'editor' })
      ).id;
      bob = (await createUser(database.db, { username: 'bob', password: 'bob password 12', role: 'viewer' }))
        .id;
    });
    after(async () => {
      await opened.drop();
      await database.close();
    });

    it('resolves a new session to its user, with a fresh 256-bit secret each time', async () => {
      const a = await sessions.create(alice, META);
      const b = await sessions.create(alice, META);
      assert.match(a.secret, /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(a.secret, b.secret);
      assert.notEqual(a.session.publicId, b.session.publicId);
      const got = await sessions.resolve(a.secret);
      assert.equal(got?.user.username, 'alice');
      assert.equal(got?.user.role, 'editor');
      assert.equal(got?.session.ip, '192.0.2.7');
      assert.equal(await sessions.resolve('x'.repeat(43)), undefined);
      assert.equal(await sessions.resolve(undefined), undefined);
    });

    it('stores only the digest of the secret', async () => {
      const { secret } = await sessions.create(alice, META);
      if (opened.keys) {
        const keys = await opened.keys();
        assert.ok(keys.some((k) => k.endsWith(sessionHash(secret))));
        assert.ok(!keys.some((k) => k.includes(secret)));
      } else {
        const stored = await opened.store.get(sessionHash(secret));
        assert.ok(stored);
        assert.ok(!JSON.stringify(stored).includes(secret));
      }
    });

    it('ends a session idle for longer than the idle timeout, and one past its absolute end', async () => {
      const idle = await sessions.create(alice, META);
      now += 11 * HOUR;
      assert.ok(await sessions.resolve(idle.secret), 'still alive after 11 h idle');
      now += 11 * HOUR; // used at 11 h, so idle only 11 h now
      assert.ok(await sessions.resolve(idle.secret), 'each use renews the idle timeout');
      now += 12 * HOUR + 1;
      assert.equal(await sessions.resolve(idle.secret), undefined, 'gone after 12 h idle');

      const busy = await sessions.create(alice, META);
      const remembered = await sessions.create(alice, { ...META, remember: true });
      for (let i = 0; i < 15; i++) {
        now += 11 * HOUR;
        await sessions.resolve(busy.secret);
        await sessions.resolve(remembered.secret);
      }
      // 165 h after sign-in, used every 11 h: still inside 7 days (168 h)
      assert.ok(await sessions.resolve(busy.secret));
      now += 11 * HOUR;
      assert.equal(await sessions.resolve(busy.secret), undefined, 'ended at the 7-day absolute timeout');
      assert.ok(await sessions.resolve(remembered.secret), 'remember me lasts longer');
      assert.equal(remembered.session.expiresAt - remembered.session.createdAt, TIMEOUTS.rememberMs);
    });

    it('lists my sessions with the current one marked, and never another user’s', async () => {
      const mine = await sessions.create(bob, { ...META, device: 'Chrome on Android' });
      const other = await sessions.create(bob, { ...META, ip: '198.51.100.1' });
      await sessions.create(alice, META);
      const list = await sessions.list(bob, mine.session.idHash);
      assert.equal(list.length, 2);
      assert.deepEqual(
        list.map((s) => [s.id, s.current]).sort(),
        [
          [mine.session.publicId, true],
          [other.session.publicId, false],
        ].sort(),
      );
      assert.equal(list.find((s) => s.current)?.device, 'Chrome on Android');
      assert.ok(!JSON.stringify(list).includes(mine.secret));
      assert.ok(!JSON.stringify(list).includes(mine.session.idHash));
    });

    it('revokes one session by its public id; the revoked one fails on its next use', async () => {
      const keep = await sessions.create(bob, META);
      const drop = await sessions.create(bob, META);
      assert.equal(await sessions.revoke(alice, drop.session.publicId), false, 'not alice’s to revoke');
      assert.ok(await sessions.resolve(drop.secret));
      assert.equal(await sessions.revoke(bob, drop.session.publicId), true);
      assert.equal(await sessions.resolve(drop.secret), undefined);
      assert.ok(await sessions.resolve(keep.secret));
    });

    it('ends all other sessions of a user, keeping the current one', async () => {
      const current = await sessions.create(alice, META);
      const others = [await sessions.create(alice, META), await sessions.create(alice, META)];
      const bobs = await sessions.create(bob, META);
      const ended = await sessions.endAllOf(alice, current.session.idHash);
      assert.ok(ended >= 2);
      for (const o of others) assert.equal(await sessions.resolve(o.secret), undefined);
      assert.ok(await sessions.resolve(current.secret));
      assert.ok(await sessions.resolve(bobs.secret), 'other users untouched');
      assert.deepEqual(
        (await sessions.list(alice)).map((s) => s.id),
        [current.session.publicId],
      );
      await sessions.endAllOf(alice);
      assert.equal(await sessions.resolve(current.secret), undefined);
    });

    it('rotates a session: the old secret stops working, the new one keeps the user and choices', async () => {
      const old = await sessions.create(bob, { ...META, remember: true });
      const next = await sessions.rotate(old.secret, { ...META, remember: true });
      assert.ok(next);
      assert.equal(await sessions.resolve(old.secret), undefined);
      assert.equal((await sessions.resolve(next.secret))?.user.username, 'bob');
      assert.equal(next.session.remember, true);
    });

    it('ends on sign-out', async () => {
      const s = await sessions.create(bob, META);
      await sessions.end(s.secret);
      assert.equal(await sessions.resolve(s.secret), undefined);
    });
  });
}

describe('Redis session keys', () => {
  it('expire by TTL at min(idle, absolute remaining), and a touch renews only a live key', async () => {
    const redis = await testRedis();
    const database = await freshPglite();
    const store = await RedisSessionStore.connect(redis.url, redis.prefix);
    try {
      const user = await createUser(database.db, {
        username: 'carol',
        password: 'carol password 1',
        role: 'viewer',
      });
      const sessions = new Sessions({
        store,
        db: database.db,
        timeouts: { idleMs: 400, absoluteMs: 60_000, rememberMs: 120_000 },
      });
      const s = await sessions.create(user.id, META);
      assert.ok(await store.get(s.session.idHash));
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(await store.get(s.session.idHash), undefined, 'Redis dropped the idle key itself');
      await store.touch(s.session.idHash, Date.now(), 10_000);
      assert.equal(await store.get(s.session.idHash), undefined, 'a touch does not resurrect it');
      assert.deepEqual(await store.listOfUser(user.id), []);
    } finally {
      await store.close();
      await redis.drop();
      await database.close();
    }
  });
});
