import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AlertRuleSpecInput, AlertRuleSpecSchema } from '@unity/shared';
import { createAgent } from '../../agents/agent-store.js';
import { migrate } from '../../db/migrate.js';
import { storeBatch } from '../../ingest/writer.js';
import { silentLogger } from '../../log.js';
import { runRollups } from '../../metrics/rollup.js';
import { backends, type TestDatabase } from '../../testing/databases.js';
import { batch, hostFacts, hostMetrics } from '../../testing/fixtures.js';
import type { EvalRule, Observation } from '../eval/types.js';
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
    const observe = async (r: EvalRule): Promise<Observation[]> => {
      const data = (await source.collect([r], NOW)).get(r.id);
      assert.ok(data && !('error' in data), JSON.stringify(data));
      return data.leaves[0] ?? [];
    };

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      const hostId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'D'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      // One sample a minute for two hours, CPU = the minute's number (0 … 119).
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
  });
}
