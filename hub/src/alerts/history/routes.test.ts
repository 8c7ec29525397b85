/**
 * The history API over a seeded history (sample-history.ts), on PGlite and on PostgreSQL: the
 * figures are the ones worked out by hand there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AlertHeatmapSchema,
  AlertHistoryPageSchema,
  AlertNoisiestSchema,
  AlertStatsSchema,
} from '@unity/shared';
import { createUser } from '../../auth/users.js';
import { backends } from '../../testing/databases.js';
import { login, startTestHub, type TestHub } from '../../testing/hub.js';
import {
  SAMPLE_FINGERPRINTS,
  SAMPLE_RANGE,
  SAMPLE_RULES,
  seedSampleHistory,
  WEEK_START,
} from './sample-history.js';

const MIN = 60_000;
const range = `from=${SAMPLE_RANGE.from}&to=${SAMPLE_RANGE.to}`;

for (const backend of backends) {
  describe(`alert history API on ${backend.name}`, { timeout: 60_000 }, () => {
    let hub: TestHub;
    let viewer = '';
    const get = async (path: string, cookie: string | null = viewer) => {
      const res = await fetch(`${hub.url}${path}`, { headers: cookie ? { cookie } : {} });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: res.status, text, json, headers: res.headers };
    };
    const errorOf = (r: { json: unknown }) => (r.json as { error: { message: string } }).error.message;

    before(async () => {
      hub = await startTestHub({ database: await backend.open(), env: { UNITY_ALERT_EVAL_INTERVAL: '1h' } });
      await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 1', role: 'viewer' });
      viewer = await login(hub, 'vi', 'viewer password 1');
      await seedSampleHistory(hub.deps.db);
    });
    after(() => hub.close());

    it('answers only signed-in callers, viewers included', async () => {
      for (const path of ['', '/export', '/stats', '/noisiest', '/heatmap']) {
        assert.equal((await get(`/api/alert-history${path}`, null)).status, 401, path);
        assert.equal((await get(`/api/alert-history${path}?${range}`)).status, 200, path);
      }
    });

    it('gives MTTA and MTTR as mean, median and p90 over the episodes that started in the range', async () => {
      const r = await get(`/api/alert-history/stats?${range}`);
      assert.equal(r.status, 200);
      assert.deepEqual(AlertStatsSchema.parse(r.json), {
        ...SAMPLE_RANGE,
        episodes: 5,
        open: 1,
        mtta: { count: 4, meanMs: 5.5 * MIN, medianMs: 5 * MIN, p90Ms: 8.8 * MIN },
        mttr: { count: 4, meanMs: 30 * MIN, medianMs: 25 * MIN, p90Ms: 51 * MIN },
      });
      const disk = AlertStatsSchema.parse(
        (await get(`/api/alert-history/stats?${range}&ruleId=${SAMPLE_RULES.disk.id}`)).json,
      );
      assert.deepEqual(
        [disk.episodes, disk.open, disk.mtta.meanMs, disk.mttr.meanMs],
        [2, 1, 10 * MIN, 60 * MIN],
      );
      const none = AlertStatsSchema.parse((await get('/api/alert-history/stats?from=0&to=1000')).json);
      assert.deepEqual(none.mtta, { count: 0, meanMs: null, medianMs: null, p90Ms: null });
    });

    it('ranks the noisiest rules by firings in the range', async () => {
      const r = AlertNoisiestSchema.parse((await get(`/api/alert-history/noisiest?${range}`)).json);
      assert.deepEqual(r.items, [
        { ruleId: SAMPLE_RULES.cpu.id, ruleName: SAMPLE_RULES.cpu.name, firings: 3, instances: 2 },
        { ruleId: SAMPLE_RULES.disk.id, ruleName: SAMPLE_RULES.disk.name, firings: 2, instances: 1 },
      ]);
      const top = AlertNoisiestSchema.parse((await get(`/api/alert-history/noisiest?${range}&limit=1`)).json);
      assert.equal(top.items.length, 1);
    });

    it('counts firings by weekday and hour as clocks in the chosen time zone show them', async () => {
      const cellsOf = async (tz: string) => {
        const r = await get(`/api/alert-history/heatmap?${range}&tz=${encodeURIComponent(tz)}`);
        assert.equal(r.status, 200, r.text);
        const map = AlertHeatmapSchema.parse(r.json);
        const hot: string[] = [];
        map.cells.forEach((line, day) => {
          line.forEach((n, hour) => {
            if (n > 0) hot.push(`${day}@${hour}=${n}`);
          });
        });
        return { hot, max: map.max, total: map.total };
      };
      // Monday is 0: Mon 09:00, 09:30 and 10:00, Tue 23:30 and Wed 10:00 UTC.
      assert.deepEqual(await cellsOf('UTC'), {
        hot: ['0@9=2', '0@10=1', '1@23=1', '2@10=1'],
        max: 2,
        total: 5,
      });
      // +05:30: Tue 23:30 UTC is Wednesday 05:00 there.
      assert.deepEqual(await cellsOf('Asia/Kolkata'), {
        hot: ['0@14=1', '0@15=2', '2@5=1', '2@15=1'],
        max: 2,
        total: 5,
      });
      // -05:00 in January: Mon 09:00 and 09:30 UTC are both 04:xx there.
      assert.deepEqual((await cellsOf('America/New_York')).hot, ['0@4=2', '0@5=1', '1@18=1', '2@5=1']);
      const bad = await get(`/api/alert-history/heatmap?tz=Mars/Olympus`);
      assert.equal(bad.status, 400);
      assert.match(errorOf(bad), /^invalid query: tz: must be an IANA time zone/);
    });

    it('filters the timeline by state and labels and pages through it without gaps or repeats', async () => {
      const page = async (q: string) => {
        const r = await get(`/api/alert-history?${range}&${q}`);
        assert.equal(r.status, 200, r.text);
        return AlertHistoryPageSchema.parse(r.json);
      };
      const all = await page('limit=100');
      assert.equal(all.items.length, 13);
      assert.equal(all.nextCursor, null);
      assert.deepEqual(
        (await page('state=resolved')).items.map((h) => [h.fingerprint, (h.at - WEEK_START) / MIN]),
        [
          [SAMPLE_FINGERPRINTS.nas, 24 * 60 + 23.5 * 60 + 60],
          [SAMPLE_FINGERPRINTS.web, 9 * 60 + 90],
          [SAMPLE_FINGERPRINTS.db, 9 * 60 + 50],
          [SAMPLE_FINGERPRINTS.web, 9 * 60 + 10],
        ],
      );
      assert.equal((await page('state=firing,error')).items.length, 6);
      assert.equal((await page('labels=host%3Dh1')).items.length, 10);
      assert.equal((await page('labels=host%3Dh1,container%3Ddb&state=pending')).items.length, 2);
      assert.equal((await page(`ruleId=${SAMPLE_RULES.disk.id}`)).items.length, 3);
      // Pages of 2: two changes share Monday 09:00, the cursor keeps them apart.
      const seen: number[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const p = await page(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...p.items.map((h) => h.id));
        cursor = p.nextCursor;
      }
      assert.deepEqual(
        seen,
        all.items.map((h) => h.id),
      );
      for (const [q, message] of [
        ['state=burning', /^invalid query: state: burning is not one of inactive, pending/],
        ['labels=host', /^invalid query: labels: "host" is not name=value/],
        ['cursor=yesterday', /^invalid query: cursor: must be the nextCursor of an earlier page/],
        ['from=10&to=5', /^invalid query: from: must not be after to/],
      ] as const) {
        const r = await get(`/api/alert-history?${q}`);
        assert.equal(r.status, 400, q);
        assert.match(errorOf(r), message);
      }
    });

    it('exports the history as a quoted CSV or a JSON attachment', async () => {
      const csv = await get(`/api/alert-history/export?${range}&format=csv&labels=host%3Dnas`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
      assert.equal(
        csv.headers.get('content-disposition'),
        'attachment; filename="alert-history-20250106T000000Z-20250112T235959Z.csv"',
      );
      const lines = csv.text.split('\r\n');
      assert.equal(lines[0], 'at,time,rule_id,rule_name,fingerprint,from,to,value,labels');
      assert.equal(lines.length, 5, 'header, three changes, and the final CRLF');
      assert.equal(
        lines[1],
        `${WEEK_START + 2 * 86_400_000 + 10 * 3_600_000},2025-01-08T10:00:00.000Z,${SAMPLE_RULES.disk.id},"Disk, almost ""full""",${SAMPLE_FINGERPRINTS.nas},inactive,firing,98,"{""host"":""nas"",""mount"":""/srv""}"`,
      );
      const json = await get(`/api/alert-history/export?${range}&format=json&state=resolved`);
      assert.match(
        json.headers.get('content-disposition') ?? '',
        /^attachment; filename="alert-history-.*\.json"$/,
      );
      const body = json.json as { from: number; to: number; items: { to: string }[] };
      assert.equal(body.from, SAMPLE_RANGE.from);
      assert.deepEqual(
        body.items.map((h) => h.to),
        ['resolved', 'resolved', 'resolved', 'resolved'],
      );
      const bad = await get('/api/alert-history/export?format=xlsx');
      assert.equal(bad.status, 400);
      assert.match(errorOf(bad), /^invalid query: format: must be json or csv/);
    });
  });
}
