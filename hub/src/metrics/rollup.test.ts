import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { createAgent } from '../agents/agent-store.js';
import type { Retention } from '../config.js';
import { rowsOf } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { storeBatch } from '../ingest/writer.js';
import { silentLogger } from '../log.js';
import { backends, type TestDatabase } from '../testing/databases.js';
import { batch, hostFacts, hostMetrics } from '../testing/fixtures.js';
import { ensurePartitions, listPartitions } from './partitions.js';
import { applyRetention, readWatermarks, runRollups } from './rollup.js';

const log = silentLogger();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 10);
const retention: Retention = { raw: 2 * DAY, '1m': 14 * DAY, '5m': 90 * DAY, '1h': 730 * DAY };

for (const backend of backends) {
  describe(`rollups on ${backend.name}`, () => {
    let database: TestDatabase;
    let hostId: string;
    let seq = 0;
    const query = async <T>(text: string) => rowsOf<T>(await database.db.execute(sql.raw(text)));
    /** Samples every 10 s over [from, to), cpu = minute of the hour. */
    const ingest = async (from: number, to: number) => {
      for (let t = from; t < to; t += 10_000) {
        const b = batch(++seq, t, ['web']);
        b.items[0] = hostMetrics(t, new Date(t).getUTCMinutes() + (t % 60_000) / 60_000);
        await storeBatch(database.db, hostId, b, log);
      }
    };

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      await ensurePartitions(database.db, { now: T0 });
      hostId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'D'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      await ingest(T0, T0 + HOUR + 5 * 60_000);
    });
    after(() => database.close());

    it('folds only completed buckets: 1m from raw, 5m from 1m, 1h from 5m', async () => {
      const run = await runRollups(database.db, T0 + 10 * 60_000 + 20_000, retention.raw);
      assert.ok(run);
      const marks = await readWatermarks(database.db);
      // 10:20 minutes in, minus 30 s settling: minutes 0-8 are complete, minute 9 is not yet.
      assert.equal(marks.host_1m, T0 + 9 * 60_000);
      assert.equal(marks.host_5m, T0 + 5 * 60_000);
      assert.equal(marks.host_1h, T0, 'the empty hours before the data are folded too');
      const rows = await query<{
        n: number;
        count: number;
        min: number;
        max: number;
        avg: number;
        last: number;
      }>(
        `select count(*) over ()::int as n, count, cpu_percent_min as min, cpu_percent_max as max,
           cpu_percent_avg as avg, cpu_percent_last as last from host_rollup_1m order by bucket limit 1`,
      );
      assert.equal(rows[0]?.n, 9);
      assert.equal(rows[0]?.count, 6);
      assert.equal(rows[0]?.min, 0);
      assert.ok(Math.abs((rows[0]?.max ?? 0) - 50 / 60) < 1e-9);
      assert.ok(Math.abs((rows[0]?.last ?? 0) - 50 / 60) < 1e-9);
      assert.ok(Math.abs((rows[0]?.avg ?? 0) - 25 / 60) < 1e-9);
      const five = await query<{ count: number; min: number; max: number }>(
        'select count, cpu_percent_min as min, cpu_percent_max as max from host_rollup_5m',
      );
      assert.equal(five.length, 1);
      assert.equal(five[0]?.count, 30);
      assert.ok(Math.abs((five[0]?.max ?? 0) - (4 + 50 / 60)) < 1e-9);
      const containers = await query<{ n: number }>('select count(*)::int as n from container_rollup_1m');
      assert.equal(containers[0]?.n, 9);
    });

    it('is idempotent and catches up to the 1h level as time passes', async () => {
      for (let now = T0 + 11 * 60_000; now <= T0 + HOUR + 6 * 60_000; now += 60_000) {
        await runRollups(database.db, now, retention.raw);
      }
      const marks = await readWatermarks(database.db);
      assert.equal(marks.host_1h, T0 + HOUR);
      const hour = await query<{ count: number; avg: number; last: number }>(
        'select count, cpu_percent_avg as avg, cpu_percent_last as last from host_rollup_1h',
      );
      assert.equal(hour.length, 1);
      assert.equal(hour[0]?.count, 360, 'every raw sample counted once');
      assert.ok(Math.abs((hour[0]?.last ?? 0) - (59 + 50 / 60)) < 1e-9);
      assert.ok(Math.abs((hour[0]?.avg ?? 0) - (29.5 + 25 / 60)) < 1e-9);
      const minutes = await query<{ n: number; total: number }>(
        `select count(*)::int as n, sum(count)::int as total from host_rollup_1m where bucket < '${new Date(T0 + HOUR).toISOString()}'`,
      );
      assert.deepEqual(minutes[0], { n: 60, total: 360 });
    });

    it('skips the run while another replica holds the job lock', async () => {
      await database.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`select pg_advisory_xact_lock(${0x756e6974726f})`));
        if (backend.name === 'postgres') {
          // Another connection of the pool is another session: it cannot take the lock.
          assert.equal(await runRollups(database.db, T0 + 2 * HOUR, retention.raw), undefined);
        }
      });
    });

    it('retention drops raw partitions older than the cut and trims rollups by bucket', async () => {
      await ensurePartitions(database.db, { now: T0 + 3 * DAY });
      const now = T0 + 3 * DAY + HOUR;
      await runRollups(database.db, now, retention.raw);
      const short: Retention = { raw: 2 * DAY, '1m': 2 * DAY, '5m': 2 * DAY, '1h': 730 * DAY };
      const run = await applyRetention(database.db, now, short);
      assert.deepEqual(run?.droppedPartitions.sort(), [
        'container_samples_p20260310',
        'host_samples_p20260310',
        'series_samples_p20260310',
      ]);
      const days = (await listPartitions(database.db, 'host_samples')).map((p) => p.day);
      assert.ok(!days.includes(T0) && days.includes(T0 + DAY) && days.includes(T0 + 3 * DAY));
      assert.deepEqual(await query('select 1 from host_rollup_1m'), []);
      assert.deepEqual(await query('select 1 from host_rollup_5m'), []);
      assert.equal((await query<{ n: number }>('select count(*)::int as n from host_rollup_1h'))[0]?.n, 2);
    });
  });
}
