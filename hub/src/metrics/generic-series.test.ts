import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrate } from '../db/migrate.js';
import { HubError } from '../errors.js';
import { silentLogger } from '../log.js';
import { backends, type TestDatabase } from '../testing/databases.js';
import {
  genericSeries,
  seriesHash,
  storeSeriesSamples,
  upsertSeries,
  upsertSeriesMany,
} from './generic-series.js';
import { ensurePartitions } from './partitions.js';
import { seriesWindow } from './query.js';
import { runRollups } from './rollup.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

describe('seriesHash', () => {
  it('does not depend on label order', () => {
    assert.equal(seriesHash('up', { a: '1', b: '2' }), seriesHash('up', { b: '2', a: '1' }));
    assert.notEqual(seriesHash('up', { a: '1' }), seriesHash('up', { a: '2' }));
  });
});

for (const backend of backends) {
  describe(`generic series on ${backend.name}`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await backend.open();
      await migrate(database.db, silentLogger());
      await ensurePartitions(database.db, { now: T0 + 10 * DAY, keepFrom: T0 });
    });
    after(() => database.close());

    it('gives the same id for the same name and labels, and caps series per source', async () => {
      const a = await upsertSeries(database.db, { source: 's1', name: 'temp', labels: { room: 'a' } }, 2);
      assert.equal(
        await upsertSeries(database.db, { source: 's1', name: 'temp', labels: { room: 'a' } }, 2),
        a,
      );
      await upsertSeries(database.db, { source: 's1', name: 'temp', labels: { room: 'b' } }, 2);
      await assert.rejects(
        upsertSeries(database.db, { source: 's1', name: 'temp', labels: { room: 'c' } }, 2),
        (e) => e instanceof HubError && e.code === 'conflict',
      );
      assert.ok(await upsertSeries(database.db, { source: 's2', name: 'temp', labels: { room: 'c' } }, 2));
    });

    it('creates many series of a source at once, up to the cap, and finds them again', async () => {
      const key = (room: string) => {
        const labels = { room };
        return { name: 'hum', labels, hash: seriesHash('hum', labels) };
      };
      const first = await upsertSeriesMany(database.db, 'many', [key('a'), key('b'), key('b')], 3);
      assert.deepEqual([first.ids.size, first.refused], [2, 0]);
      // One more fits under the cap of 3; the others are refused, the known ones still answer.
      const second = await upsertSeriesMany(database.db, 'many', [key('a'), key('c'), key('d'), key('e')], 3);
      assert.deepEqual([second.ids.size, second.refused], [2, 2]);
      assert.equal(second.ids.get(key('a').hash), first.ids.get(key('a').hash));
      assert.equal(second.ids.has(key('c').hash), true);
      assert.equal(
        await upsertSeries(database.db, { source: 'many', name: 'hum', labels: { room: 'c' } }, 3),
        second.ids.get(key('c').hash),
      );
    });

    it('stores samples once, rolls them up and answers a 10-day chart from the 1h rollup', async () => {
      const id = await upsertSeries(database.db, { source: 's3', name: 'load', labels: {} });
      const samples = Array.from({ length: 10 * 24 * 6 }, (_, i) => ({ ts: T0 + i * 600_000, value: i % 6 }));
      await storeSeriesSamples(database.db, id, samples);
      await storeSeriesSamples(database.db, id, samples.slice(0, 10));
      await runRollups(database.db, T0 + 10 * DAY + 60_000, 11 * DAY);
      const chart = await genericSeries(
        database.db,
        id,
        seriesWindow({ from: T0, to: T0 + 10 * DAY, points: 200 }),
      );
      assert.equal(chart.resolution, '1h');
      assert.equal(chart.points.length, 200);
      assert.ok(
        chart.points.every((p) => p.valueMin === 0 && p.valueMax === 5 && Math.abs(p.value - 2.5) < 1e-9),
      );
      const raw = await genericSeries(
        database.db,
        id,
        seriesWindow({ from: T0, to: T0 + 3600_000, points: 100 }),
      );
      assert.equal(raw.resolution, 'raw');
      assert.equal(raw.points.length, 7);
    });
  });
}

describe('/api/series', () => {
  it('lists series and exports their points as JSON and CSV', async () => {
    const { login, startTestHub } = await import('../testing/hub.js');
    const hub = await startTestHub();
    try {
      const cookie = await login(hub);
      const id = await upsertSeries(hub.deps.db, { source: 'scrape', name: 'up', labels: { job: 'x' } });
      const now = Date.now();
      await storeSeriesSamples(hub.deps.db, id, [
        { ts: now - 1800_000, value: 1 },
        { ts: now - 600_000, value: 0 },
      ]);
      const get = (path: string) => fetch(`${hub.url}${path}`, { headers: { cookie } });
      const list = (await (await get('/api/series?source=scrape')).json()) as { items: { id: number }[] };
      assert.deepEqual(
        list.items.map((s) => s.id),
        [id],
      );
      const json = (await (await get(`/api/series/${id}/points?points=100`)).json()) as {
        resolution: string;
        points: { value: number; valueMax: number }[];
      };
      assert.equal(json.resolution, 'raw');
      assert.deepEqual(
        json.points.map((p) => [p.value, p.valueMax]),
        [
          [1, 1],
          [0, 0],
        ],
      );
      const csv = await (await get(`/api/series/${id}/points?points=100&format=csv`)).text();
      assert.match(csv, /^resolution,t,time,value,valueMin,valueMax\r\nraw,/);
      assert.equal((await get('/api/series/999999/points')).status, 404);
    } finally {
      await hub.close();
    }
  });
});
