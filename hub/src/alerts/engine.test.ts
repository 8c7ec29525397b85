import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type AlertRuleSpecInput,
  AlertRuleSpecSchema,
  type BatchFrame,
  type ContainerHealth,
  type NotifiedAlert,
} from '@unity/shared';
import { sql } from 'drizzle-orm';
import { createAgent } from '../agents/agent-store.js';
import { containerKey } from '../containers/container-id.js';
import { rowsOf } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { storeBatch } from '../ingest/writer.js';
import { silentLogger } from '../log.js';
import { backends, type TestDatabase } from '../testing/databases.js';
import { batch, ENGINE, hostFacts } from '../testing/fixtures.js';
import { AlertEngine } from './engine.js';
import { DbSource } from './source/db-source.js';
import { createRule, deleteRule, listHistory, listInstanceViews, loadInstances } from './store.js';

const log = silentLogger();
const T0 = Date.UTC(2025, 0, 1);
const PUBLIC_URL = 'http://hub.test:8080';

const spec = (r: AlertRuleSpecInput) => AlertRuleSpecSchema.parse(r);

/** A containers item listing web and db, web in `webState`. */
function inventory(seq: number, ts: number, webState: 'running' | 'exited'): BatchFrame {
  const b = batch(seq, ts, ['web', 'db']);
  const item = b.items[1];
  if (item?.kind === 'containers') {
    const web = item.containers[0];
    if (web) {
      web.state = webState;
      web.status = webState === 'running' ? 'Up 1 minute' : 'Exited (137) 1 second ago';
    }
  }
  return b;
}

const healthItem = (seq: number, ts: number, h: Partial<ContainerHealth>): BatchFrame => ({
  type: 'batch',
  seq,
  items: [
    {
      kind: 'container_health',
      ts,
      engineId: ENGINE.id,
      containers: [
        {
          id: 'web-engine-id',
          status: 'healthy',
          failingStreak: 0,
          log: [],
          restartCount: 0,
          exitCode: 0,
          oomKilled: false,
          startedAt: T0,
          ...h,
        },
      ],
    },
  ],
});

for (const backend of backends) {
  describe(`alert engine on ${backend.name}`, () => {
    let database: TestDatabase;
    let hostId: string;
    let webId: string;
    let online = true;
    const received: { alerts: NotifiedAlert[]; now: Date }[] = [];
    const engine = () =>
      new AlertEngine({
        db: database.db,
        source: new DbSource({
          db: database.db,
          publicUrl: PUBLIC_URL,
          isOnline: () => online,
          offlineAfterMs: 30_000,
        }),
        log,
        onEvaluated: (alerts, now) => {
          received.push({ alerts, now });
        },
      });
    const at = (s: number) => new Date(T0 + s * 1000);
    let seq = 0;
    const store = (b: BatchFrame) => storeBatch(database.db, hostId, { ...b, seq: ++seq }, log);

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      hostId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'C'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      webId = containerKey(hostId, ENGINE.id, 'web-engine-id');
      for (let i = 0; i < 6; i++) await store(inventory(0, T0 + i * 10_000, 'running'));
    });
    after(async () => {
      await database.close();
    });

    it('fires threshold, disk and status rules from stored samples, one instance per object', async () => {
      await createRule(
        database.db,
        spec({
          name: 'container cpu',
          selector: { object: 'container' },
          condition: { kind: 'threshold', metric: 'cpu_percent', windowSec: 60, op: '>', threshold: 2 },
          labels: { team: 'ops' },
        }),
        null,
      );
      await createRule(
        database.db,
        spec({
          name: 'disk',
          selector: { object: 'host' },
          condition: {
            kind: 'threshold',
            metric: 'disk_percent',
            aggregation: 'last',
            op: '>=',
            threshold: 50,
          },
        }),
        null,
      );
      await createRule(
        database.db,
        spec({
          name: 'web down',
          selector: { object: 'container', matchers: [{ label: 'container', op: '=', value: 'web' }] },
          condition: { kind: 'status', status: 'stopped' },
          for: 20,
        }),
        null,
      );
      await createRule(
        database.db,
        spec({
          name: 'disabled',
          enabled: false,
          selector: { object: 'host' },
          condition: { kind: 'absence', afterSec: 1 },
        }),
        null,
      );
      const out = await engine().evaluate(at(55));
      const firing = out.alerts
        .map((a) => `${a.ruleName} ${a.labels.container ?? a.labels.mount} ${a.status}`)
        .sort();
      assert.deepEqual(firing, ['container cpu db firing', 'container cpu web firing', 'disk / firing']);
      const web = out.alerts.find((a) => a.labels.container === 'web');
      assert.deepEqual(web?.labels, {
        alertname: 'container cpu',
        severity: 'warning',
        host: 'test-host',
        container: 'web',
        compose_project: 'demo',
        team: 'ops',
      });
      assert.equal(web?.url, `${PUBLIC_URL}/containers/${webId}`);
      assert.equal(web?.value, 3);
      assert.match(web?.annotations.summary ?? '', /^CPU on web is 3 % \(avg over 1 min, threshold > 2 %\)$/);
      assert.equal(received.at(-1)?.alerts.length, 3);

      const views = await listInstanceViews(database.db, {});
      assert.equal(views.length, 3);
      assert.ok(views.every((v) => v.state === 'firing' && v.since === T0 + 55_000));
      const history = await listHistory(database.db, { from: T0, to: T0 + 3_600_000, limit: 100 });
      assert.equal(history.length, 3);
      assert.ok(history.every((h) => h.from === 'inactive' && h.to === 'firing'));
    });

    it('keeps `for` progress and firing state across an engine restart without firing again', async () => {
      await store(inventory(0, T0 + 60_000, 'exited'));
      await engine().evaluate(at(60));
      assert.equal((await listInstanceViews(database.db, { state: 'pending' })).length, 1);

      // A new engine (a restarted hub) reads the stored states.
      const restarted = engine();
      const before = await listHistory(database.db, { from: T0, to: T0 + 3_600_000, limit: 100 });
      const out = await restarted.evaluate(at(80));
      assert.deepEqual(
        out.transitions.map((t) => `${t.ruleName} ${t.from}→${t.to}`),
        ['web down pending→firing'],
      );
      const down = out.alerts.find((a) => a.ruleName === 'web down');
      assert.equal(down?.startsAt, at(80).toISOString());
      assert.match(down?.annotations.summary ?? '', /^Container web on test-host stopped$/);
      // The container cpu alerts kept their start time and made no new history.
      const cpu = out.alerts.filter((a) => a.ruleName === 'container cpu');
      assert.ok(cpu.every((a) => a.startsAt === at(55).toISOString()));
      const afterRows = await listHistory(database.db, { from: T0, to: T0 + 3_600_000, limit: 100 });
      assert.equal(afterRows.length, before.length + 1);
    });

    it('resolves at once with the value then, and counts history in the message', async () => {
      await store(inventory(0, T0 + 90_000, 'running'));
      const out = await engine().evaluate(at(90));
      const resolved = out.alerts.filter((a) => a.status === 'resolved');
      assert.deepEqual(
        resolved.map((a) => a.ruleName),
        ['web down'],
      );
      assert.equal(resolved[0]?.endsAt, at(90).toISOString());
      await store(inventory(0, T0 + 100_000, 'exited'));
      await engine().evaluate(at(100));
      const again = await engine().evaluate(at(120));
      const down = again.alerts.find((a) => a.ruleName === 'web down' && a.status === 'firing');
      assert.match(down?.annotations.description ?? '', /Fired 2 times in the last 7 days\./);
    });

    it('reads restarts, health and OOM from the health tables, and host presence', async () => {
      await createRule(
        database.db,
        spec({
          name: 'restarts',
          selector: { object: 'container' },
          condition: { kind: 'status', status: 'restarting', restarts: 2, windowSec: 300 },
        }),
        null,
      );
      await createRule(
        database.db,
        spec({
          name: 'unhealthy',
          selector: { object: 'container' },
          condition: { kind: 'status', status: 'unhealthy' },
        }),
        null,
      );
      await createRule(
        database.db,
        spec({
          name: 'offline',
          selector: { object: 'host' },
          condition: { kind: 'status', status: 'offline' },
        }),
        null,
      );
      await store(healthItem(0, T0 + 130_000, { restartCount: 1 }));
      await store(healthItem(0, T0 + 140_000, { restartCount: 2 }));
      await store(healthItem(0, T0 + 150_000, { restartCount: 3, status: 'unhealthy', failingStreak: 3 }));
      online = false;
      const out = await engine().evaluate(at(160));
      const names = out.alerts.filter((a) => a.status === 'firing').map((a) => a.ruleName);
      assert.ok(names.includes('restarts'));
      assert.ok(names.includes('unhealthy'));
      assert.ok(names.includes('offline'));
      const restarts = out.alerts.find((a) => a.ruleName === 'restarts');
      assert.equal(restarts?.value, 2, 'restart count 1 → 3 within the window');
      online = true;
    });

    it('resolves and removes the instances of a deleted rule', async () => {
      const rows = rowsOf<{ id: string }>(
        await database.db.execute(sql`select id from alert_rules where name = 'unhealthy'`),
      );
      assert.ok(await deleteRule(database.db, rows[0]?.id ?? ''));
      const out = await engine().evaluate(at(170));
      const gone = out.alerts.filter((a) => a.ruleName === 'unhealthy');
      assert.deepEqual(
        gone.map((a) => `${a.labels.container} ${a.status}`),
        ['web resolved'],
      );
      assert.ok((await loadInstances(database.db)).every((i) => i.ruleName !== 'unhealthy'));
    });
  });
}
