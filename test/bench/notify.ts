/**
 * Notification outbox benchmark (issue 6): the real outbox and worker (hub/src/notify) on PGlite
 * and on a fresh PostgreSQL database, delivering to a local webhook receiver over loopback.
 *
 * - Throughput: N notifications queued with the worker stopped, then the worker started; the
 *   figure is N ÷ the time until the receiver has them all (target ≥ 500 deliveries/s).
 * - Latency from enqueue: with the worker running, notifications enqueued at a steady rate;
 *   each one's time from `enqueue()` being called (alerting hands it over) to the receiver
 *   reading the request.
 * - Latency from firing (target p99 < 1 s to a healthy receiver): the hub's alert routing
 *   (RoutingRuntime with its real 1 s tick, a policy with `groupWait: 0s`) in front of the same
 *   outbox; new alerts, each its own group, handed to `update()` at a steady rate as rule
 *   evaluation does; each one's time from `update()` to the receiver reading the request. This
 *   includes the wait for the router's next tick, which is where a firing alert is dispatched.
 *
 * Both check that every notification arrived exactly once; a loss or a duplicate fails the run.
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotifiedAlert } from '@unity/shared';
import { RoutingRuntime } from '../../hub/src/alerts/route/runtime.js';
import { putPolicy } from '../../hub/src/alerts/route/store.js';
import { openDatabase } from '../../hub/src/db/client.js';
import { migrate } from '../../hub/src/db/migrate.js';
import { silentLogger } from '../../hub/src/log.js';
import { createChannel } from '../../hub/src/notify/channel-store.js';
import { createContactPoint } from '../../hub/src/notify/contact-points.js';
import { SecretBox } from '../../hub/src/notify/secrets.js';
import { NotifyService } from '../../hub/src/notify/service.js';
import { sampleNotification } from '../../hub/src/notify/testing.js';
import { createTestDatabase } from '../lib/postgres.js';
import { percentile } from './ingest/prober.js';
import { printTable, type Row, writeJson } from './report.js';

export type NotifyParams = {
  throughputN: number;
  latencyRate: number;
  latencySeconds: number;
  /** Alerts firing per second, and for how long, in the firing → delivery phase. */
  firingRate: number;
  firingSeconds: number;
};
export const SMOKE: NotifyParams = {
  throughputN: 300,
  latencyRate: 20,
  latencySeconds: 2,
  firingRate: 20,
  firingSeconds: 2,
};
export const FULL: NotifyParams = {
  throughputN: 5000,
  latencyRate: 100,
  latencySeconds: 20,
  firingRate: 20,
  firingSeconds: 30,
};

async function receiver() {
  const arrivals = new Map<string, number[]>();
  let waiting: { count: number; resolve: () => void } | undefined;
  let total = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        notificationId: string;
        groupLabels?: { alertname?: string };
      };
      const id = body.notificationId;
      arrivals.set(id, [...(arrivals.get(id) ?? []), at]);
      // Notifications the router built are known by their alert (one a group).
      const alert = body.groupLabels?.alertname;
      if (alert?.startsWith('fire-')) arrivals.set(alert, [...(arrivals.get(alert) ?? []), at]);
      total++;
      res.end('ok');
      if (waiting && total >= waiting.count) waiting.resolve();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    until: (count: number, timeoutMs: number) =>
      new Promise<void>((resolve, reject) => {
        if (total >= count) return resolve();
        const t = setTimeout(() => reject(new Error(`receiver got ${total} of ${count}`)), timeoutMs);
        waiting = {
          count,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        };
      }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function checkExactlyOnce(arrivals: Map<string, number[]>, ids: string[]): void {
  const missing = ids.filter((id) => !arrivals.has(id));
  const twice = [...arrivals].filter(([, at]) => at.length > 1).map(([id]) => id);
  if (missing.length > 0 || twice.length > 0) {
    throw new Error(`outbox delivery broken: ${missing.length} missing, ${twice.length} delivered twice`);
  }
}

async function runOn(kind: 'pglite' | 'postgres', p: NotifyParams): Promise<Row> {
  const pg = kind === 'postgres' ? await createTestDatabase() : undefined;
  const database = pg ? await openDatabase({ url: pg.url }) : await openDatabase({ dataDir: undefined });
  const peer = await receiver();
  try {
    await migrate(database.db, silentLogger());
    const box = SecretBox.fromPassphrase('bench-key-bench-key-bench-key-bench');
    const channel = await createChannel(database.db, box, {
      name: 'bench',
      enabled: true,
      rateLimitPerMinute: 60_000,
      settings: { type: 'webhook', url: `${peer.url}/hook`, method: 'POST', headers: {} },
    });
    const cp = await createContactPoint(database.db, { name: 'bench', channelIds: [channel.id] });
    const service = new NotifyService({
      db: database.db,
      log: silentLogger(),
      box,
      publicUrl: 'http://bench.test',
      appriseCommand: 'apprise',
      maxAgeMs: 3600_000,
      batchSize: 200,
    });

    // Throughput: a backlog, then the worker drains it.
    const ids = Array.from({ length: p.throughputN }, (_, i) => `tp-${i}`);
    for (const id of ids) await service.enqueue(cp.id, sampleNotification({ id }));
    const t0 = performance.now();
    service.start();
    await peer.until(ids.length, 120_000);
    const drainS = (performance.now() - t0) / 1000;
    checkExactlyOnce(peer.arrivals, ids);

    // Latency: a steady stream into a running worker.
    const sent = new Map<string, number>();
    const total = p.latencyRate * p.latencySeconds;
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / p.latencyRate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const id = `lat-${i}`;
      sent.set(id, performance.now());
      await service.enqueue(cp.id, sampleNotification({ id }));
    }
    await peer.until(ids.length + total, 60_000);
    checkExactlyOnce(peer.arrivals, [...ids, ...sent.keys()]);
    const latencies = [...sent].map(([id, at]) => (peer.arrivals.get(id)?.[0] ?? Number.NaN) - at);

    const firing = await firingToDelivery(database.db, service, cp.id, peer, p, ids.length + total);
    await service.stop();
    return {
      database: kind,
      'throughput (deliveries/s)': Math.round(ids.length / drainS),
      'drain (s)': Number(drainS.toFixed(2)),
      'latency p50 (ms)': Math.round(percentile(latencies, 50) ?? Number.NaN),
      'latency p99 (ms)': Math.round(percentile(latencies, 99) ?? Number.NaN),
      'rate (/s)': p.latencyRate,
      'firing→delivery p50 (ms)': Math.round(percentile(firing, 50) ?? Number.NaN),
      'firing→delivery p99 (ms)': Math.round(percentile(firing, 99) ?? Number.NaN),
      'exactly once': true,
    };
  } finally {
    await peer.close();
    await database.close();
    await pg?.drop();
  }
}

/** New alerts into the hub's routing at a steady rate; each one's time from firing to delivery. */
async function firingToDelivery(
  db: Parameters<typeof putPolicy>[0],
  service: NotifyService,
  contactPointId: string,
  peer: Awaited<ReturnType<typeof receiver>>,
  p: NotifyParams,
  alreadyDelivered: number,
): Promise<number[]> {
  await putPolicy(db, { contactPointId, groupBy: ['alertname'], groupWait: '0s' }, 'bench');
  const routing = await RoutingRuntime.start({
    db,
    log: silentLogger(),
    sink: service,
    alertsUrl: 'http://bench.test/alerts',
  });
  try {
    const firing: NotifiedAlert[] = [];
    const fired = new Map<string, number>();
    const total = p.firingRate * p.firingSeconds;
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / p.firingRate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const name = `fire-${i}`;
      const at = performance.now();
      fired.set(name, at);
      // Rule evaluation hands over every alert firing now; this one is new.
      firing.push({
        fingerprint: name,
        status: 'firing',
        ruleId: 'bench-rule',
        ruleName: name,
        severity: 'critical',
        labels: { alertname: name, host: 'bench' },
        annotations: { summary: `${name} fires` },
        value: 1,
        startsAt: new Date().toISOString(),
        endsAt: null,
        url: 'http://bench.test/hosts/x',
      });
      await routing.update(firing);
    }
    await peer.until(alreadyDelivered + total, 60_000);
    checkExactlyOnce(peer.arrivals, [...fired.keys()]);
    return [...fired].map(([name, at]) => (peer.arrivals.get(name)?.[0] ?? Number.NaN) - at);
  } finally {
    await routing.stop();
  }
}

export async function notifyBench(p: NotifyParams, mode: string): Promise<void> {
  const rows: Row[] = [];
  const kinds = (process.env.UNITY_BENCH_NOTIFY_DB ?? 'pglite,postgres').split(',') as (
    | 'pglite'
    | 'postgres'
  )[];
  for (const kind of kinds) rows.push(await runOn(kind, p));
  printTable(
    `Notification outbox to a local webhook (${p.throughputN} queued; ${p.latencyRate}/s for ${p.latencySeconds} s; alerts firing ${p.firingRate}/s for ${p.firingSeconds} s)`,
    rows,
  );
  console.log(`  → ${writeJson(`notify-${mode}`, { params: p, rows })}`);
}
