import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { createAgent } from '../agents/agent-store.js';
import { containerKey } from '../containers/container-id.js';
import { type Database, rowsOf } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { storeBatch } from '../ingest/writer.js';
import { silentLogger } from '../log.js';
import { backends, freshPglite, type TestDatabase } from '../testing/databases.js';
import { batch, hostFacts, hostMetrics } from '../testing/fixtures.js';
import { bucketOf, bucketStart, containerSeries, hostSeries, pickResolution, seriesWindow } from './query.js';
import { runRollups } from './rollup.js';

describe('seriesWindow and bucketOf', () => {
  it('defaults to the last hour in 120 points', () => {
    const w = seriesWindow({}, 10_000_000);
    assert.deepEqual(w, { from: 10_000_000 - 3600_000, to: 10_000_000, points: 120, width: 30_000 });
  });

  it('refuses from >= to', () => {
    assert.throws(() => seriesWindow({ from: 5, to: 5 }), /from: must be before to/);
  });

  it('puts each timestamp in floor((ts - from) / width), the end in the last bucket', () => {
    const w = seriesWindow({ from: 1000, to: 2000, points: 10 });
    assert.equal(w.width, 100);
    assert.equal(bucketOf(1000, w), 0);
    assert.equal(bucketOf(1099, w), 0);
    assert.equal(bucketOf(1100, w), 1);
    assert.equal(bucketOf(2000, w), 9);
    assert.equal(bucketStart(3, w), 1300);
  });

  it('rounds the width up so the buckets cover the range', () => {
    const w = seriesWindow({ from: 0, to: 1001, points: 10 });
    assert.equal(w.width, 101);
    assert.equal(bucketOf(1001, w), 9);
  });
});

describe('series queries', () => {
  let database: Database;
  let hostId: string;
  const T0 = Date.UTC(2025, 0, 1);
  const log = silentLogger();

  before(async () => {
    database = await freshPglite();
    hostId = await createAgent(database.db, {
      publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'B'.repeat(43) },
      host: hostFacts,
      enrollmentTokenId: null,
    });
    // Samples every 10 s with cpu 0, 10, 20, … over one minute; container stats with them.
    for (let i = 0; i < 6; i++) {
      const b = batch(i + 1, T0 + i * 10_000, ['web']);
      b.items[0] = hostMetrics(T0 + i * 10_000, i * 10);
      await storeBatch(database.db, hostId, b, log);
    }
  });
  after(() => database.close());

  it('averages per bucket and keeps the maximum', async () => {
    const w = seriesWindow({ from: T0, to: T0 + 60_000, points: 2 });
    const series = await hostSeries(database.db, hostId, w);
    assert.equal(series.resolution, 'raw');
    assert.deepEqual(
      series.points.map((p) => [p.t, p.cpuPercent, p.cpuPercentMax]),
      [
        [T0, 10, 20],
        [T0 + 30_000, 40, 50],
      ],
    );
    assert.equal(series.points[0]?.netRxBytesPerSec, 1000);
  });

  it('leaves out empty buckets and samples outside the range', async () => {
    const w = seriesWindow({ from: T0 + 15_000, to: T0 + 75_000, points: 6 });
    const series = await hostSeries(database.db, hostId, w);
    assert.deepEqual(
      series.points.map((p) => p.cpuPercent),
      [20, 30, 40, 50],
    );
  });

  it('answers container series the same way', async () => {
    const id = containerKey(hostId, 'podman:/run/podman/podman.sock', 'web-engine-id');
    const series = await containerSeries(
      database.db,
      id,
      seriesWindow({ from: T0, to: T0 + 60_000, points: 1 }),
    );
    assert.equal(series.points.length, 1);
    assert.equal(series.points[0]?.cpuPercent, 3);
    assert.equal(series.points[0]?.memoryBytesMax, 1e6);
  });
});

describe('resolution choice', () => {
  it('picks the coarsest rollup that still gives the points asked for', () => {
    const day = 86_400_000;
    assert.equal(pickResolution(seriesWindow({ from: 0, to: 30 * day, points: 300 })), '1h');
    assert.equal(pickResolution(seriesWindow({ from: 0, to: 2 * day, points: 300 })), '5m');
    assert.equal(pickResolution(seriesWindow({ from: 0, to: 6 * 3600_000, points: 300 })), '1m');
    assert.equal(pickResolution(seriesWindow({ from: 0, to: 600_000, points: 300 })), 'raw');
    assert.equal(
      pickResolution(seriesWindow({ from: 0, to: 3600_000 })),
      'raw',
      'the default hour of 120 points',
    );
  });
});

for (const backend of backends) {
  describe(`series from rollups on ${backend.name}`, () => {
    let database: TestDatabase;
    const HOST = '7f1d2c3b-0000-4000-8000-000000000001';
    const CONTAINER = '0123456789abcdef';
    const DAY = 86_400_000;
    const END = Date.UTC(2026, 2, 31);
    const NOW = END + 40 * 60_000;

    before(async () => {
      database = await backend.open();
      await migrate(database.db, silentLogger());
      // A sample every 10 minutes for 30 days and 40 minutes; cpu cycles 0…9 so each hour spans 0-9.
      await database.db.execute(sql`
        insert into host_samples select ${HOST}::uuid, t, i, (i % 10)::float8, 1e9 + i, 8e9, 0, 1, 1, 1, 10, 20, 30, 40, i
        from (select ${new Date(END - 30 * DAY).toISOString()}::timestamptz + i * interval '10 minutes' as t, i
              from generate_series(0, 30 * 144 + 3) as i) as s`);
      await database.db.execute(sql`
        insert into container_samples select ${CONTAINER}, t, i, (i % 10)::float8, 1e6, 1e9, 1, 2, 3, 4, 5
        from (select ${new Date(END - 30 * DAY).toISOString()}::timestamptz + i * interval '10 minutes' as t, i
              from generate_series(0, 30 * 144 + 3) as i) as s`);
      await runRollups(database.db, NOW, 31 * DAY);
    });
    after(() => database.close());

    it('answers a 30-day range of 300 points from the 1h rollup, with min/max bands', async () => {
      const w = seriesWindow({ from: END - 30 * DAY, to: NOW, points: 300 });
      const host = await hostSeries(database.db, HOST, w);
      assert.equal(host.resolution, '1h');
      assert.ok(host.points.length >= 295 && host.points.length <= 300, `${host.points.length} points`);
      assert.ok(host.points.every((p) => p.cpuPercentMin === 0 && p.cpuPercentMax === 9));
      assert.ok(host.points.every((p) => Math.abs(p.cpuPercent - 4.5) < 1.6));
      // The minutes after the 1h watermark come from raw samples: the chart reaches the end.
      assert.equal(host.points.at(-1)?.memoryUsedBytesMax, 1e9 + 30 * 144 + 3);
      const container = await containerSeries(database.db, CONTAINER, w);
      assert.equal(container.resolution, '1h');
      assert.equal(container.points.length, host.points.length);
      assert.equal(container.points[0]?.memoryBytesMin, 1e6);
    });

    it('answers the same averages from rollups as from raw', async () => {
      const w = seriesWindow({ from: END - 10 * DAY, to: END, points: 10 });
      const fromRollup = await hostSeries(database.db, HOST, w);
      assert.equal(fromRollup.resolution, '1h');
      const rawOnly = rowsOf<{ cpu: number; n: number }>(
        await database.db.execute(sql`select avg(cpu_percent) as cpu, count(*)::int as n from host_samples
          where ts >= ${new Date(END - 10 * DAY).toISOString()}::timestamptz and ts < ${new Date(END - 9 * DAY).toISOString()}::timestamptz`),
      );
      assert.ok(Math.abs((fromRollup.points[0]?.cpuPercent ?? 0) - Number(rawOnly[0]?.cpu)) < 1e-9);
    });

    it('answers a 10-minute range from raw samples', async () => {
      const w = seriesWindow({ from: END - 10 * 60_000, to: END, points: 300 });
      const host = await hostSeries(database.db, HOST, w);
      assert.equal(host.resolution, 'raw');
      assert.equal(host.points.length, 2);
    });
  });
}
