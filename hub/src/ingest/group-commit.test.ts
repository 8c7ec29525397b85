import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { createAgent, findAgent } from '../agents/agent-store.js';
import { rowsOf } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { silentLogger } from '../log.js';
import { backends, type TestDatabase } from '../testing/databases.js';
import { batch, hostFacts, hostMetrics } from '../testing/fixtures.js';
import { DEFAULT_GROUP_COMMIT, GroupCommit } from './group-commit.js';

const log = silentLogger();
const T0 = Date.UTC(2025, 0, 1);

const countRows = async (database: TestDatabase, hostId: string) =>
  rowsOf<{ hs: number; cs: number }>(
    await database.db.execute(sql`
      select (select count(*)::int from host_samples where host_id = ${hostId}) as hs,
        (select count(*)::int from container_samples s join containers c on c.id = s.container_id
          where c.host_id = ${hostId}) as cs`),
  )[0];

for (const backend of backends) {
  describe(`group commit on ${backend.name}`, () => {
    let database: TestDatabase;
    const agents: string[] = [];
    // The hub pipelines the sample statements on a PostgreSQL server only.
    const pipeline = backend.name === 'postgres';

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      for (let i = 0; i < 20; i++) {
        agents.push(
          await createAgent(database.db, {
            publicKey: { kty: 'OKP', crv: 'Ed25519', x: String(i).padStart(43, 'A') },
            host: { ...hostFacts, hostname: `group-${i}` },
            enrollmentTokenId: null,
          }),
        );
      }
    });
    after(async () => {
      await database.close();
    });

    it('stores batches of many agents arriving together in fewer transactions, each acknowledged', async () => {
      const writer = new GroupCommit(database.db, log, { maxGroup: 8, maxInFlight: 1, pipeline });
      const pending = agents.map((id) => writer.store(id, batch(1, T0)));
      assert.equal(writer.waiting, agents.length, 'queued until the event loop turns');
      const outcomes = await Promise.all(pending);
      assert.ok(outcomes.every((o) => o.stored));
      assert.equal(writer.groupedBatches, agents.length);
      assert.equal(writer.groups, 3, '20 batches in groups of at most 8');
      assert.equal(writer.waiting + writer.inFlight, 0);
      for (const id of agents) {
        assert.deepEqual(await countRows(database, id), { hs: 1, cs: 2 });
        assert.equal((await findAgent(database.db, id))?.lastSeq, 1);
      }
    });

    it('keeps one agent’s batches in order and ignores a duplicate seq in the same group', async () => {
      const writer = new GroupCommit(database.db, log, { ...DEFAULT_GROUP_COMMIT, pipeline });
      const [a, b] = agents as [string, string];
      const outcomes = await Promise.all([
        writer.store(a, batch(2, T0 + 10_000)),
        writer.store(a, batch(2, T0 + 10_000)),
        writer.store(a, batch(3, T0 + 20_000)),
        writer.store(b, batch(1, T0 + 5_000)),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.stored),
        [true, false, true, false],
      );
      assert.equal((await findAgent(database.db, a))?.lastSeq, 3);
      assert.deepEqual(await countRows(database, a), { hs: 3, cs: 6 });
      assert.deepEqual(await countRows(database, b), { hs: 1, cs: 2 });
    });

    it('fails only the bad batch of a group; the others are stored and acknowledged', async () => {
      const writer = new GroupCommit(database.db, log, { ...DEFAULT_GROUP_COMMIT, pipeline });
      const [a, b, c] = agents.slice(2, 5) as [string, string, string];
      const bad = batch(2, T0 + 10_000);
      // A time no Date can hold: building its rows throws.
      bad.items.push(hostMetrics(9e15));
      const results = await Promise.allSettled([
        writer.store(a, batch(2, T0 + 10_000)),
        writer.store(b, bad),
        writer.store(c, batch(2, T0 + 10_000)),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal((await findAgent(database.db, a))?.lastSeq, 2);
      assert.equal((await findAgent(database.db, b))?.lastSeq, 1, 'the bad batch left no trace');
      assert.deepEqual(await countRows(database, b), { hs: 1, cs: 2 });
      assert.equal((await findAgent(database.db, c))?.lastSeq, 2);
      assert.deepEqual(await countRows(database, c), { hs: 2, cs: 4 });
    });
  });
}
