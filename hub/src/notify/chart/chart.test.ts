/**
 * What an email's chart shows: the metric of the alert's rule for the alert's host or container
 * over the last hour, from the metrics store (a container's memory as a share of its limit), a
 * threshold when the rule has one; nothing for an alert without a metric, an object or samples.
 * The PNG is a real one of the chart's size.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AlertRuleSpecSchema, type Notification } from '@unity/shared';
import { createAgent } from '../../agents/agent-store.js';
import { createRule } from '../../alerts/store.js';
import { containerKey } from '../../containers/container-id.js';
import type { Database } from '../../db/client.js';
import { storeBatch } from '../../ingest/writer.js';
import { silentLogger } from '../../log.js';
import { freshPglite } from '../../testing/databases.js';
import { batch, ENGINE, hostFacts } from '../../testing/fixtures.js';
import { sampleNotification } from '../testing.js';
import { CHART_HEIGHT, CHART_WIDTH, chartSvg, renderChart } from './png.js';
import { chartSeries } from './series.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('email chart of the alert’s metric', () => {
  let database: Database;
  let hostId = '';
  let containerId = '';

  before(async () => {
    database = await freshPglite();
    hostId = await createAgent(database.db, {
      publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'D'.repeat(43) },
      host: hostFacts,
      enrollmentTokenId: null,
    });
    containerId = containerKey(hostId, ENGINE.id, 'web-engine-id');
    // Two hours of samples, 5 minutes apart: only the last hour is charted.
    for (let i = 0; i < 24; i++) {
      const ts = NOW - (23 - i) * 5 * 60_000;
      const b = batch(i + 1, ts, ['web']);
      const stats = b.items[2];
      if (stats?.kind === 'container_stats') for (const s of stats.stats) s.memoryBytes = (i + 1) * 1e7; // of a 1e9 limit: (i + 1) %
      await storeBatch(database.db, hostId, b, silentLogger());
    }
  });
  after(() => database.close());

  const ruleFor = (metric: string, object: 'host' | 'container', threshold = 80) =>
    createRule(
      database.db,
      AlertRuleSpecSchema.parse({
        name: `${metric} high`,
        selector: { object },
        condition: { kind: 'threshold', metric, aggregation: 'avg', windowSec: 300, op: '>', threshold },
      }),
      null,
    );
  const about = (ruleId: string, url: string, labels: Record<string, string>): Notification => {
    const n = sampleNotification();
    const first = n.alerts[0] as Notification['alerts'][number];
    return { ...n, alerts: [{ ...first, ruleId, url, labels }] };
  };

  it('charts a container’s memory as a share of its limit over the last hour, with the threshold', async () => {
    const rule = await ruleFor('memory_percent', 'container', 20);
    const series = await chartSeries(
      database.db,
      about(rule.id, `http://hub.test/containers/${containerId}`, { host: 'test-host', container: 'web' }),
      NOW,
    );
    assert.ok(series);
    assert.equal(series.title, 'memory use on web, last hour');
    assert.equal(series.threshold, 20);
    assert.equal(series.from, NOW - 3600_000);
    // Samples at -60 … 0 min: the 13 of the last hour, 12 % to 24 %.
    assert.equal(series.points.length, 13);
    assert.deepEqual(
      [series.points[0]?.v, series.points.at(-1)?.v].map((v) => Math.round(v ?? 0)),
      [12, 24],
    );
    const svg = chartSvg(series);
    assert.match(svg, /memory use on web, last hour/);
    assert.match(svg, /stroke-dasharray/, 'the threshold is drawn');
    const png = await renderChart(series);
    assert.deepEqual([...png.png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
    assert.equal(png.png.readUInt32BE(16), CHART_WIDTH);
    assert.equal(png.png.readUInt32BE(20), CHART_HEIGHT);
  });

  it('charts a host’s CPU', async () => {
    const rule = await ruleFor('cpu_percent', 'host');
    const series = await chartSeries(
      database.db,
      about(rule.id, `http://hub.test/hosts/${hostId}`, { host: 'test-host' }),
      NOW,
    );
    assert.equal(series?.title, 'CPU on test-host, last hour');
    assert.ok(series?.points.every((p) => p.v === 12.5));
  });

  it('has nothing to chart without a metric, a known object or samples', async () => {
    const status = await createRule(
      database.db,
      AlertRuleSpecSchema.parse({
        name: 'down',
        selector: { object: 'container' },
        condition: { kind: 'status', status: 'stopped' },
      }),
      null,
    );
    const cpu = await ruleFor('cpu_percent', 'host');
    const none = [
      about(status.id, `http://hub.test/containers/${containerId}`, { container: 'web' }),
      about(cpu.id, 'http://hub.test/alerts', { host: 'test-host' }),
      about('no-such-rule', `http://hub.test/hosts/${hostId}`, { host: 'test-host' }),
      about(cpu.id, 'http://hub.test/hosts/00000000-0000-4000-8000-00000000dead', { host: 'gone' }),
    ];
    for (const n of none) assert.equal(await chartSeries(database.db, n, NOW), undefined, n.alerts[0]?.url);
  });
});
