/**
 * Alert end-to-end latency (issue 5's figure: condition true → notification delivered to a local
 * receiver, p99 < 1 s). A real hub in this process (PGlite), an agent socket speaking the wire
 * protocol, a `for: 0` "container stopped" rule routed by the notification policy (group_wait
 * 0 s, one group per container) to a contact point whose webhook channel points at a local HTTP
 * receiver. Each iteration stops one container (an inventory with it exited plus its `die`
 * event, as the agent sends them) and times from sending that batch to the receiver reading
 * the firing webhook; then starts it again and times the resolved webhook the same way.
 * Iterations are 1.2 s apart: the hub evaluates on change at most once a second by design.
 *
 * Full: 40 containers. Smoke: 5.
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BatchFrame } from '@unity/shared';
import { batch, ENGINE } from '../../hub/src/testing/fixtures.js';
import { connectAgent, enrollAgent, login, startTestHub } from '../../hub/src/testing/hub.js';
import { percentile } from './ingest/prober.js';
import { printTable, type Row, writeJson } from './report.js';

export type AlertNotifyParams = { containers: number; timeoutMs: number };
export const FULL: AlertNotifyParams = { containers: 40, timeoutMs: 10_000 };
export const SMOKE: AlertNotifyParams = { containers: 3, timeoutMs: 10_000 };
const TARGET_P99_MS = 1000;
const GAP_MS = 1200;

type Delivery = { at: number; status: string; containers: string[] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startReceiver() {
  const deliveries: Delivery[] = [];
  let wake: (() => void) | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        alerts: { status: string; labels: Record<string, string> }[];
      };
      for (const a of body.alerts)
        deliveries.push({ at, status: a.status, containers: [a.labels.container ?? ''] });
      res.writeHead(200).end('ok');
      wake?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  /** The time the receiver read `status` for `container`, waiting up to `timeoutMs`. */
  const waitFor = async (container: string, status: string, timeoutMs: number): Promise<number> => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const d = deliveries.find((x) => x.status === status && x.containers.includes(container));
      if (d) return d.at;
      if (performance.now() > deadline)
        throw new Error(`no ${status} webhook for ${container} within ${timeoutMs} ms`);
      await Promise.race([new Promise<void>((r) => (wake = r)), sleep(50)]);
    }
  };
  return { url: `http://127.0.0.1:${port}/hook`, waitFor, close: () => server.close() };
}

/** The agent's batch: every container running except `stopped`, with its die/start event. */
function frame(seq: number, names: string[], change?: { name: string; action: 'die' | 'start' }): BatchFrame {
  const now = Date.now();
  const b = batch(seq, now, names);
  if (!change) return b;
  for (const item of b.items)
    if (item.kind === 'containers')
      for (const c of item.containers)
        if (c.name === change.name && change.action === 'die') {
          c.state = 'exited';
          c.status = 'Exited (1) 1 second ago';
        }
  b.items.push({
    kind: 'engine_events',
    ts: now,
    engineId: ENGINE.id,
    events: [
      {
        type: 'container',
        action: change.action,
        actorId: `${change.name}-engine-id`,
        time: now,
        timeNano: `${now}000000`,
        attributes: { name: change.name, ...(change.action === 'die' ? { exitCode: '1' } : {}) },
      },
    ],
  });
  return b;
}

export async function alertNotifyBench(p: AlertNotifyParams, mode: string): Promise<void> {
  const receiver = await startReceiver();
  const hub = await startTestHub({ env: { UNITY_ALERT_EVAL_INTERVAL: '1h' } });
  try {
    const cookie = await login(hub);
    const api = async (path: string, body: unknown, method = 'POST') => {
      const res = await fetch(`${hub.url}${path}`, {
        method,
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };
    const names = Array.from({ length: p.containers }, (_, i) => `svc-${i}`);
    const agent = await enrollAgent(hub, 'bench-host');
    const socket = await connectAgent(hub, agent);
    let seq = 0;
    const send = async (f: BatchFrame) => {
      socket.ws.send(JSON.stringify(f));
      await socket.next();
    };
    await send(frame(++seq, names));
    // The bench sends about 40 notices a minute to this one channel: above the default limit of
    // 30 a minute, whose throttling would be measured instead of the latency.
    const channel = await api('/api/channels', {
      name: 'receiver',
      settings: { type: 'webhook', url: receiver.url },
      rateLimitPerMinute: 600,
    });
    const contactPoint = await api('/api/contact-points', { name: 'ops', channelIds: [channel.id] });
    await api(
      '/api/notification-policy',
      { contactPointId: contactPoint.id, groupBy: ['alertname', 'container'], groupWait: '0s', routes: [] },
      'PUT',
    );
    await api('/api/alert-rules', {
      name: 'Container down',
      selector: { object: 'container' },
      condition: { kind: 'status', status: 'stopped' },
      severity: 'critical',
      for: 0,
    });
    // The first evaluation with the rule (all running) before timing starts.
    await (hub.deps as unknown as { alerts: { evaluate(): Promise<unknown> } }).alerts.evaluate();

    const firing: number[] = [];
    const resolved: number[] = [];
    for (const name of names) {
      await sleep(GAP_MS);
      const t0 = performance.now();
      await send(frame(++seq, names, { name, action: 'die' }));
      firing.push((await receiver.waitFor(name, 'firing', p.timeoutMs)) - t0);
      await sleep(GAP_MS);
      const t1 = performance.now();
      await send(frame(++seq, names, { name, action: 'start' }));
      resolved.push((await receiver.waitFor(name, 'resolved', p.timeoutMs)) - t1);
    }
    socket.ws.close();
    const row = (what: string, xs: number[]): Row => ({
      measure: what,
      n: xs.length,
      'p50 ms': Math.round(percentile(xs, 50) ?? 0),
      'p99 ms': Math.round(percentile(xs, 99) ?? 0),
      'max ms': Math.round(Math.max(...xs)),
      [`p99 < ${TARGET_P99_MS} ms`]: (percentile(xs, 99) ?? Infinity) < TARGET_P99_MS ? 'yes' : 'no',
    });
    const rows = [
      row('container stopped → firing webhook', firing),
      row('container started → resolved webhook', resolved),
    ];
    printTable(`Alert condition → webhook delivered (${mode})`, rows);
    writeJson('alert-notify', {
      mode,
      params: p,
      targetP99Ms: TARGET_P99_MS,
      firingMs: firing,
      resolvedMs: resolved,
    });
  } finally {
    await hub.close();
    receiver.close();
  }
}
