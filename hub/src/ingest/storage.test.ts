import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { createAgent, findAgent } from '../agents/agent-store.js';
import { rowsOf } from '../db/client.js';
import { loadMigrations, migrate } from '../db/migrate.js';
import { containers, hostSamples } from '../db/schema.js';
import { silentLogger } from '../log.js';
import { backends, emptyPglite, type TestDatabase } from '../testing/databases.js';
import { batch, hostFacts, hostMetrics } from '../testing/fixtures.js';
import { storeBatch } from './writer.js';

const log = silentLogger();
const T0 = Date.UTC(2025, 0, 1);

for (const backend of backends) {
  describe(`storage on ${backend.name}`, () => {
    let database: TestDatabase;
    let agentId: string;

    before(async () => {
      // From an empty database on purpose: this suite checks that the migrations apply.
      database = backend.name === 'pglite' ? await emptyPglite() : await backend.open();
      await migrate(database.db, log);
      agentId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
    });
    after(async () => {
      await database.close();
    });

    it('applies migrations a second time without error or change', async () => {
      assert.deepEqual(await migrate(database.db, log), []);
      const rows = rowsOf<{ n: number }>(
        await database.db.execute(sql`select count(*)::int as n from unity_migrations`),
      );
      assert.equal(rows[0]?.n, loadMigrations().length);
    });

    it('stores a batch once and advances the hwm in the same transaction', async () => {
      assert.deepEqual(await storeBatch(database.db, agentId, batch(1, T0), log), { stored: true });
      const samples = await database.db.select().from(hostSamples).where(eq(hostSamples.hostId, agentId));
      assert.equal(samples.length, 1);
      assert.equal(samples[0]?.seq, 1);
      assert.equal(samples[0]?.netRxBytesPerSec, 1000, 'loopback is not counted');
      assert.equal((await findAgent(database.db, agentId))?.lastSeq, 1);
      const listed = await database.db.select().from(containers).where(eq(containers.hostId, agentId));
      assert.equal(listed.length, 2);
      assert.ok(listed.every((c) => c.cpuPercent === 3 && c.memoryBytes === 1e6));
    });

    it('stores nothing more when the same seq is sent again', async () => {
      assert.deepEqual(await storeBatch(database.db, agentId, batch(1, T0 + 5000), log), { stored: false });
      const rows = rowsOf<{ n: number }>(
        await database.db.execute(sql`select count(*)::int as n from host_samples where seq = 1`),
      );
      assert.equal(rows[0]?.n, 1);
    });

    it('keeps each sample under the seq of the batch it came in', async () => {
      const b = batch(2, T0 + 10_000);
      b.items.push(hostMetrics(T0 + 20_000));
      await storeBatch(database.db, agentId, b, log);
      const rows = rowsOf<{ seq: number; n: number }>(
        await database.db.execute(
          sql`select seq::int as seq, count(*)::int as n from host_samples group by seq order by seq`,
        ),
      );
      assert.deepEqual(rows, [
        { seq: 1, n: 1 },
        { seq: 2, n: 2 },
      ]);
      assert.equal((await findAgent(database.db, agentId))?.lastSeq, 2);
    });

    it('marks containers missing from a full inventory as removed', async () => {
      await storeBatch(database.db, agentId, batch(3, T0 + 30_000, ['web']), log);
      const rows = await database.db.select().from(containers).where(eq(containers.hostId, agentId));
      const byName = new Map(rows.map((r) => [r.name, r]));
      assert.equal(byName.get('web')?.removedAt, null);
      assert.ok(byName.get('db')?.removedAt instanceof Date);
    });

    it('rolls the whole batch back when one item fails', async () => {
      const b = batch(4, T0 + 40_000);
      // A timestamp no Date can hold fails after the hwm update and the inventory were written.
      b.items.push(hostMetrics(9e15));
      await assert.rejects(storeBatch(database.db, agentId, b, log));
      assert.equal((await findAgent(database.db, agentId))?.lastSeq, 3);
      const rows = rowsOf<{ n: number }>(
        await database.db.execute(sql`select count(*)::int as n from host_samples where seq = 4`),
      );
      assert.equal(rows[0]?.n, 0);
    });

    it('counts reported gaps on the agent', async () => {
      await storeBatch(
        database.db,
        agentId,
        {
          type: 'batch',
          seq: 9,
          items: [{ kind: 'gap', ts: T0 + 50_000, fromSeq: 5, toSeq: 8, droppedItems: 12 }],
        },
        log,
      );
      const agent = await findAgent(database.db, agentId);
      assert.equal(agent?.gapCount, 1);
      assert.equal(agent?.droppedItems, 12);
      assert.equal(agent?.lastSeq, 9);
    });
  });
}
