import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AlertRuleSpecInput, AlertRuleSpecSchema } from '@unity/shared';
import { createAgent } from '../../agents/agent-store.js';
import { migrate } from '../../db/migrate.js';
import { storeBatch } from '../../ingest/writer.js';
import { silentLogger } from '../../log.js';
import { storeSeriesSamples, upsertSeries } from '../../metrics/generic-series.js';
import { runRollups } from '../../metrics/rollup.js';
import { backends, type TestDatabase } from '../../testing/databases.js';
import { batch, hostFacts, hostMetrics } from '../../testing/fixtures.js';
import { backtestRule } from '../backtest.js';
import { evaluate } from '../eval/evaluate.js';
import type { EvalRule, InstanceState, Observation } from '../eval/types.js';
import { DbSource } from './db-source.js';

const log = silentLogger();
const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;
const NOW = T0 + 120 * MIN;

const rule = (r: Partial<AlertRuleSpecInput> & Pick<AlertRuleSpecInput, 'condition'>): EvalRule => ({
  ...AlertRuleSpecSchema.parse({ name: 'r', selector: { object: 'host' }, ...r }),
  id: crypto.randomUUID(),
});

for (const backend of backends) {
  describe(`alert data source on ${backend.name}`, () => {
    let database: TestDatabase;
    let source: DbSource;
    let hostId: string;
    const observe = async (r: EvalRule): Promise<Observation[]> => {
      const data = (await source.collect([r], NOW)).get(r.id);
      assert.ok(data && !('error' in data), JSON.stringify(data));
      return data.leaves[0] ?? [];
    };

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      hostId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'D'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      // One sample a minute for two hours, CPU = the minute's number (0 … 119).
      // Scraped series, one sample a minute over the last 20 minutes: a queue depth on two
      // instances (a: 5, 50 in minutes 110 … 114, then 5 again; b: always 30) and a request counter
      // that restarts from 0 at minute 110 (+60 a minute: 1 per second).
      const scraped = (instance: string, name: string) =>
        upsertSeries(database.db, {
          source: 'scrape',
          name,
          labels: { job: 'api', instance, host_id: hostId },
        });
      const [depthA, depthB, requests] = [
        await scraped('a', 'queue_depth'),
        await scraped('b', 'queue_depth'),
        await scraped('a', 'http_requests_total'),
      ];
      const minutes = Array.from({ length: 20 }, (_, k) => 100 + k);
      await storeSeriesSamples(
        database.db,
        depthA,
        minutes.map((i) => ({ ts: T0 + i * MIN, value: i >= 110 && i < 115 ? 50 : 5 })),
      );
      await storeSeriesSamples(
        database.db,
        depthB,
        minutes.map((i) => ({ ts: T0 + i * MIN, value: 30 })),
      );
      await storeSeriesSamples(
        database.db,
        requests,
        minutes.map((i) => ({ ts: T0 + i * MIN, value: i < 110 ? 60 * (i - 100) : 30 + 60 * (i - 110) })),
      );
      for (let i = 0; i < 120; i++) {
        const b = batch(i + 1, T0 + i * MIN, ['web']);
        b.items[0] = hostMetrics(T0 + i * MIN, i);
        await storeBatch(database.db, hostId, b, log);
      }
      await runRollups(database.db, NOW, 31 * 86_400_000);
      source = new DbSource({ db: database.db, publicUrl: 'http://hub.test', offlineAfterMs: 30_000 });
    });
    after(async () => {
      await database.close();
    });

    it('aggregates a short window from raw samples', async () => {
      const cond = {
        kind: 'threshold',
        metric: 'cpu_percent',
        windowSec: 300,
        op: '>',
        threshold: 0,
      } as const;
      const values = async (aggregation: 'avg' | 'min' | 'max' | 'last') =>
        (await observe(rule({ condition: { ...cond, aggregation } })))[0]?.outcome;
      // (NOW − 5 min, NOW] holds the samples of minutes 116 … 119.
      assert.deepEqual(await values('avg'), { type: 'value', value: 117.5 });
      assert.deepEqual(await values('min'), { type: 'value', value: 116 });
      assert.deepEqual(await values('max'), { type: 'value', value: 119 });
      assert.deepEqual(await values('last'), { type: 'value', value: 119 });
    });

    it('aggregates an hour from the 1 min rollups and the raw tail', async () => {
      const [o] = await observe(
        rule({
          condition: { kind: 'threshold', metric: 'cpu_percent', windowSec: 3600, op: '>', threshold: 0 },
        }),
      );
      assert.equal(o?.outcome.type, 'value');
      const v = o?.outcome.type === 'value' ? (o.outcome.value ?? 0) : 0;
      assert.ok(Math.abs(v - 89.75) <= 0.5, `average of minutes 60 or 61 … 119, got ${v}`);
    });

    it('measures memory as a share, the rate of change, absence and disk use per mount', async () => {
      const [mem] = await observe(
        rule({
          condition: { kind: 'threshold', metric: 'memory_percent', windowSec: 300, op: '>', threshold: 0 },
        }),
      );
      assert.deepEqual(mem?.outcome, { type: 'value', value: 25 });
      const [rate] = await observe(
        rule({
          condition: { kind: 'rate_of_change', metric: 'cpu_percent', windowSec: 600, op: '>', percent: 5 },
        }),
      );
      assert.equal(rate?.outcome.type === 'value' && Math.round((rate.outcome.value ?? 0) * 100) / 100, 7.21);
      const [absent] = await observe(rule({ condition: { kind: 'absence', afterSec: 30 } }));
      assert.deepEqual(absent?.outcome, { type: 'value', value: 60 });
      const disks = await observe(
        rule({
          condition: {
            kind: 'threshold',
            metric: 'disk_percent',
            aggregation: 'last',
            op: '>',
            threshold: 0,
          },
        }),
      );
      assert.deepEqual(
        disks.map((d) => [d.labels.mount, d.outcome]),
        [['/', { type: 'value', value: 50 }]],
      );
    });

    it('computes an anomaly baseline in SQL', async () => {
      const [o] = await observe(
        rule({
          condition: { kind: 'anomaly', metric: 'cpu_percent', shortWindowSec: 300, longWindowSec: 3600 },
        }),
      );
      assert.equal(o?.outcome.type, 'value');
      if (o?.outcome.type !== 'value') return;
      assert.equal(o.outcome.vars?.baseline !== undefined, true);
      assert.ok((o.outcome.scores?.short ?? 0) > 1, 'the latest minutes are above the hour’s median');
    });

    it('matches containers on engine labels and image, and gives no data without samples', async () => {
      const cond = {
        kind: 'threshold',
        metric: 'cpu_percent',
        windowSec: 120,
        op: '>',
        threshold: 0,
      } as const;
      const matched = await observe(
        rule({
          selector: {
            object: 'container',
            matchers: [
              { label: 'label.com.docker.compose.project', op: '=', value: 'demo' },
              { label: 'image', op: '=~', value: 'localhost/.*' },
            ],
          },
          condition: cond,
        }),
      );
      assert.deepEqual(
        matched.map((o) => [o.labels.container, o.outcome]),
        [['web', { type: 'value', value: 3 }]],
      );
      const none = await observe(
        rule({
          selector: { object: 'container', matchers: [{ label: 'image', op: '=', value: 'nginx' }] },
          condition: cond,
        }),
      );
      assert.deepEqual(none, []);
      const stale = await source.collect(
        [rule({ selector: { object: 'container' }, condition: cond })],
        NOW + 10 * MIN,
      );
      const [data] = stale.values();
      assert.ok(data && !('error' in data));
      assert.deepEqual(data.leaves[0]?.[0]?.outcome, { type: 'nodata' });
    });

    it('alerts on scraped series: fires, resolves, honours matchers, notices absence', async () => {
      const r = rule({
        selector: {
          object: 'series',
          metric: 'queue_depth',
          matchers: [{ label: 'instance', op: '!=', value: 'b' }],
        },
        condition: {
          kind: 'threshold',
          metric: 'value',
          aggregation: 'last',
          windowSec: 120,
          op: '>',
          threshold: 20,
        },
      });
      let states: InstanceState[] = [];
      const seen: string[] = [];
      for (const t of [105, 112, 117].map((m) => T0 + m * MIN)) {
        const out = evaluate({ rules: [r], data: await source.collect([r], t), previous: states, now: t });
        states = out.states;
        for (const tr of out.transitions)
          seen.push(`${tr.labels.instance}:${tr.from}->${tr.to}@${(tr.at - T0) / MIN}`);
      }
      // Instance b (always 30) is excluded by the matcher.
      assert.deepEqual(seen, ['a:inactive->firing@112', 'a:firing->resolved@117']);
      const [o] = await observe(r);
      assert.equal(o?.key.startsWith('series:'), true);
      assert.deepEqual(o?.labels, { job: 'api', instance: 'a', host_id: hostId, __name__: 'queue_depth' });
      assert.match(o?.url ?? '', /^http:\/\/hub\.test\/probes/);

      // The samples stopped at minute 119: ten minutes later, both series are absent for 11 min.
      const absent = rule({
        selector: { object: 'series', metric: 'queue_depth' },
        condition: { kind: 'absence', afterSec: 300 },
      });
      const late = (await source.collect([absent], NOW + 10 * MIN)).get(absent.id);
      assert.ok(late && !('error' in late));
      assert.deepEqual(
        late.leaves[0]?.map((x) => x.outcome),
        [
          { type: 'value', value: 660 },
          { type: 'value', value: 660 },
        ],
      );
    });

    it('rates a counter per second across a reset, and backtests a series rule', async () => {
      const rate = (aggregation: 'min' | 'avg') =>
        rule({
          selector: { object: 'series', metric: 'http_requests_total' },
          condition: {
            kind: 'threshold',
            metric: 'rate',
            aggregation,
            windowSec: 300,
            op: '>',
            threshold: 0.9,
          },
        });
      const at = async (r: EvalRule, t: number) => {
        const data = (await source.collect([r], t)).get(r.id);
        assert.ok(data && !('error' in data));
        return data.leaves[0]?.[0]?.outcome;
      };
      assert.deepEqual(await at(rate('avg'), NOW), { type: 'value', value: 1 });
      // Minutes 108 … 111: 480, 540, 30 (restarted: +30 in a minute), 90 — never negative.
      assert.deepEqual(await at(rate('min'), T0 + 112 * MIN), { type: 'value', value: 0.5 });

      const spec = {
        ...rule({
          selector: {
            object: 'series',
            metric: 'queue_depth',
            matchers: [{ label: 'instance', op: '=', value: 'a' }],
          },
          condition: {
            kind: 'threshold',
            metric: 'value',
            aggregation: 'last',
            windowSec: 120,
            op: '>',
            threshold: 20,
          },
        }),
      };
      const run = (visible: 'all' | ReadonlySet<string>) =>
        backtestRule(database.db, source, spec, {
          days: 1,
          stepSec: 60,
          now: NOW,
          publicUrl: 'http://hub.test',
          visible,
        });
      const result = await run('all');
      assert.equal(result.objects, 1);
      assert.deepEqual(
        result.transitions.map((t) => `${t.from}->${t.to}@${(t.at - T0) / MIN}`),
        ['inactive->firing@110', 'firing->resolved@115'],
      );
      assert.deepEqual(result.notifications, { firing: 1, resolved: 1 });
      assert.equal((await run(new Set(['another-host']))).objects, 0);
    });
  });
}
