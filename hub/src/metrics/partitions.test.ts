import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { createAgent } from '../agents/agent-store.js';
import { rowsOf } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { storeBatch } from '../ingest/writer.js';
import { silentLogger } from '../log.js';
import { backends, type TestDatabase } from '../testing/databases.js';
import { batch, hostFacts } from '../testing/fixtures.js';
import {
  DAY_MS,
  dropPartitionsBefore,
  ensurePartitions,
  listPartitions,
  partitionName,
} from './partitions.js';

const log = silentLogger();
const NOW = Date.UTC(2026, 2, 10, 12);
const TODAY = Date.UTC(2026, 2, 10);

for (const backend of backends) {
  describe(`raw partitions on ${backend.name}`, () => {
    let database: TestDatabase;
    let hostId: string;
    const count = async (table: string) =>
      rowsOf<{ n: number }>(await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]
        ?.n;

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      hostId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'C'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      // Before any partition exists every row lands in the default partition.
      await storeBatch(database.db, hostId, batch(1, TODAY - 3 * DAY_MS + 1000), log);
      await storeBatch(database.db, hostId, batch(2, TODAY - DAY_MS + 1000), log);
      await storeBatch(database.db, hostId, batch(3, TODAY + 1000), log);
    });
    after(() => database.close());

    it('keeps odd timestamps in the default partition', async () => {
      assert.equal(await count('host_samples_default'), 3);
      assert.equal(await count('container_samples_default'), 6);
    });

    it('creates today and the next days, and moves default rows into their day', async () => {
      const created = await ensurePartitions(database.db, {
        now: NOW,
        daysAhead: 2,
        keepFrom: NOW - 2 * DAY_MS,
      });
      assert.ok(created.includes(partitionName('host_samples', TODAY)));
      assert.ok(created.includes(partitionName('host_samples', TODAY + 2 * DAY_MS)));
      assert.ok(created.includes(partitionName('container_samples', TODAY - DAY_MS)));
      assert.deepEqual(
        (await listPartitions(database.db, 'host_samples')).map((p) => p.day),
        [TODAY - DAY_MS, TODAY, TODAY + DAY_MS, TODAY + 2 * DAY_MS],
      );
      // The day before the cut stays in the default partition; the others moved.
      assert.equal(await count('host_samples_default'), 1);
      assert.equal(await count(partitionName('host_samples', TODAY)), 1);
      assert.equal(await count(partitionName('container_samples', TODAY - DAY_MS)), 2);
      assert.equal(await count('host_samples'), 3);
      assert.deepEqual(await ensurePartitions(database.db, { now: NOW }), [], 'idempotent');
    });

    it('still stores a replayed sample only once', async () => {
      await storeBatch(database.db, hostId, batch(4, TODAY + 1000), log);
      assert.equal(await count('host_samples'), 3);
      assert.equal(await count('container_samples'), 6);
    });

    it('retention drops partitions older than the cut and keeps newer ones', async () => {
      const dropped = await dropPartitionsBefore(database.db, TODAY + 3600_000);
      assert.deepEqual(dropped.sort(), [
        partitionName('container_samples', TODAY - DAY_MS),
        partitionName('host_samples', TODAY - DAY_MS),
      ]);
      assert.deepEqual(
        (await listPartitions(database.db, 'host_samples')).map((p) => p.day),
        [TODAY, TODAY + DAY_MS, TODAY + 2 * DAY_MS],
      );
      assert.equal(await count('host_samples_default'), 0, 'old default rows deleted');
      assert.equal(await count('host_samples'), 1);
    });
  });
}
