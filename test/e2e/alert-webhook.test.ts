/**
 * Alerting end to end with a real Podman engine, agent and hub: a "container stopped" rule with
 * `for: 0`, routed by the notification policy to a contact point whose webhook channel points
 * at a local receiver. Stopping the container delivers the firing notice within 5 s (issue 5);
 * starting it again delivers the resolved notice at once, and the alert list follows.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AlertInstanceListSchema, type Container, ContainerEventListSchema } from '@unity/shared';
import { type PodmanEngine, podman } from '../lib/podman.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

/** The Alertmanager-style body the webhook channel posts. */
type Delivery = {
  at: number;
  body: { status: string; alerts: { status: string; labels: Record<string, string> }[] };
};

/** A local HTTP server that records every webhook it receives. */
async function startReceiver(): Promise<{ server: Server; url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hook`, deliveries };
}

describe('an alert rule on a real container notifies a webhook', () => {
  let stack: Stack;
  let engine: PodmanEngine;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let hostId = '';

  before(async () => {
    receiver = await startReceiver();
    stack = await startStack({ name: 'alerts', withPodman: true });
    assert.ok(stack.engine);
    engine = stack.engine;
    const agent = await stack.startAgent();
    hostId = (await waitForHostOnline(stack.api, agent, 30_000)).id;
  });

  after(async () => {
    await stack?.cleanup();
    receiver?.server.close();
  });

  const post = (path: string, body: unknown, method = 'POST') =>
    stack.api.json(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }) as Promise<{ id: string }>;

  /** The first delivery carrying `name`'s alert in `status`; NotYet until there is one. */
  const deliveryOf = async (name: string, status: 'firing' | 'resolved'): Promise<Delivery> => {
    const found = receiver.deliveries.find((d) =>
      d.body.alerts.some((a) => a.status === status && a.labels.container === name),
    );
    if (!found) throw new NotYet(`no ${status} webhook yet (${receiver.deliveries.length} received)`);
    return found;
  };

  test('stopping the container delivers the firing notice within 5 s; starting it resolves at once', async (t) => {
    const name = engine.fullName('web');
    await engine.run({ name: 'web' });
    const web = await waitFor(
      async () => {
        const c = (await stack.api.containers(hostId)).find(
          (x: Container) => x.name.replace(/^\//, '') === name && x.state === 'running',
        );
        if (!c) throw new NotYet('web not listed as running');
        return c;
      },
      { timeoutMs: 30_000, what: 'web running in the API' },
    );

    // The agent's event stream is live once the container's start event is stored: from then on
    // a stop reaches the hub as an event, not at the next sampling tick.
    await waitFor(
      async () => {
        const { items } = ContainerEventListSchema.parse(
          await stack.api.json(`/api/containers/${web.id}/events`),
        );
        if (!items.some((e) => e.action === 'start')) throw new NotYet('no start event yet');
        return true;
      },
      { timeoutMs: 30_000, what: 'the start event of web' },
    );

    const channel = await post('/api/channels', {
      name: 'receiver',
      settings: { type: 'webhook', url: receiver.url },
    });
    const contactPoint = await post('/api/contact-points', { name: 'ops', channelIds: [channel.id] });
    await post(
      '/api/notification-policy',
      { contactPointId: contactPoint.id, groupBy: ['alertname'], groupWait: '0s', routes: [] },
      'PUT',
    );
    await post('/api/alert-rules', {
      name: 'Container down',
      selector: { object: 'container', matchers: [{ label: 'container', op: '=', value: name }] },
      condition: { kind: 'status', status: 'stopped' },
      severity: 'critical',
      for: 0,
    });
    assert.equal(receiver.deliveries.length, 0, 'nothing is sent while the container runs');

    const stoppedAt = Date.now();
    await podman(['stop', '-t', '1', name]);
    const firing = await waitFor(() => deliveryOf(name, 'firing'), {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: 'the firing webhook',
    });
    // Counted from the moment the container exited (podman's FinishedAt), not from the stop
    // command: `podman stop -t 1` first waits 1 s for SIGTERM, which busybox's sleep ignores.
    const exitedAt = Number(await podman(['inspect', '--format', '{{.State.FinishedAt.UnixMilli}}', name]));
    assert.ok(exitedAt >= stoppedAt - 1000, `exited at ${exitedAt}, after the stop at ${stoppedAt}`);
    const latency = firing.at - exitedAt;
    t.diagnostic(
      `container exit → firing webhook: ${latency} ms (stop command → webhook: ${firing.at - stoppedAt} ms)`,
    );
    assert.ok(latency < 5_000, `the firing webhook took ${latency} ms after the stop (target < 5 s)`);
    assert.equal(firing.body.status, 'firing');

    const listedFiring = AlertInstanceListSchema.parse(await stack.api.json('/api/alerts')).items;
    assert.ok(
      listedFiring.some((a) => a.labels.container === name && a.state === 'firing'),
      `GET /api/alerts lists the firing instance: ${JSON.stringify(listedFiring)}`,
    );

    const startedAt = Date.now();
    await podman(['start', name]);
    const resolved = await waitFor(() => deliveryOf(name, 'resolved'), {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: 'the resolved webhook',
    });
    // Resolved notices do not wait for group_interval (5 m here): they go out at once.
    assert.ok(resolved.at - startedAt < 5_000, `resolved after ${resolved.at - startedAt} ms`);
  });
});
