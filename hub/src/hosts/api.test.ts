import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ContainerListSchema,
  ContainerSchema,
  ContainerSeriesSchema,
  HostListSchema,
  HostSchema,
  HostSeriesSchema,
  type LiveMessage,
} from '@unity/shared';
import { batch } from '../testing/fixtures.js';
import {
  connectAgent,
  enrollAgent,
  login,
  startTestHub,
  type TestAgent,
  type TestHub,
  waitFor,
} from '../testing/hub.js';

describe('hosts and containers API', () => {
  let hub: TestHub;
  let agent: TestAgent;
  let cookie: string;
  const live: LiveMessage[] = [];
  const get = async (path: string) => {
    const res = await fetch(`${hub.url}${path}`, { headers: { cookie } });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  before(async () => {
    hub = await startTestHub();
    hub.deps.bus.subscribe((m) => live.push(m));
    cookie = await login(hub);
    agent = await enrollAgent(hub, 'web-1');
    const socket = await connectAgent(hub, agent);
    const now = Date.now();
    socket.ws.send(JSON.stringify(batch(1, now - 20_000, ['web', 'db', 'cache'])));
    await socket.next();
    socket.ws.send(JSON.stringify(batch(2, now - 10_000, ['web', 'db'])));
    await socket.next();
  });
  after(() => hub.close());

  it('lists the host online with its latest sample and container counts', async () => {
    const { status, body } = await get('/api/hosts');
    assert.equal(status, 200);
    const [host] = HostListSchema.parse(body).items;
    assert.equal(host?.id, agent.agentId);
    assert.equal(host?.name, 'test-host', 'the name comes from hello');
    assert.equal(host?.online, true);
    assert.equal(host?.cpuPercent, 12.5);
    assert.equal(host?.agentVersion, '0.1.0-test');
    assert.equal(host?.containersTotal, 2);
    assert.equal(host?.containersRunning, 2);
    assert.equal(HostSchema.parse((await get(`/api/hosts/${agent.agentId}`)).body).id, agent.agentId);
  });

  it('published presence and host_updated to the live bus', () => {
    assert.ok(live.some((m) => m.type === 'presence' && m.online && m.hostId === agent.agentId));
    assert.ok(live.some((m) => m.type === 'host_updated' && m.hostId === agent.agentId));
  });

  it('lists containers with latest stats, without removed ones', async () => {
    const items = ContainerListSchema.parse((await get(`/api/containers?host=${agent.agentId}`)).body).items;
    assert.deepEqual(
      items.map((c) => c.name),
      ['db', 'web'],
    );
    assert.ok(items.every((c) => c.hostId === agent.agentId && c.state === 'running' && c.cpuPercent === 3));
    assert.equal(items[0]?.memoryBytes, 1e6);
    const one = ContainerSchema.parse((await get(`/api/containers/${items[0]?.id}`)).body);
    assert.equal(one.name, 'db');
  });

  it('answers metric series for hosts and containers', async () => {
    const host = HostSeriesSchema.parse((await get(`/api/hosts/${agent.agentId}/metrics?points=1000`)).body);
    assert.equal(host.points.length, 2);
    assert.equal(host.resolution, 'raw');
    assert.ok(host.points.every((p) => p.cpuPercentMin <= p.cpuPercent && p.cpuPercent <= p.cpuPercentMax));
    const same = HostSeriesSchema.parse((await get(`/api/hosts/${agent.agentId}/stats?points=1000`)).body);
    // The default range ends now, so only the bucket start times differ between the two calls.
    const values = (s: typeof host) => s.points.map(({ t: _, ...rest }) => rest);
    assert.deepEqual(values(same), values(host), '/stats and /metrics answer the same');
    const csv = await fetch(`${hub.url}/api/hosts/${agent.agentId}/stats?points=1000&format=csv`, {
      headers: { cookie },
    });
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename="host-/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    assert.match(lines[0] ?? '', /^resolution,t,time,cpuPercent,/);
    assert.equal(lines.length, 3, 'a header and the two points');
    const [c] = ContainerListSchema.parse((await get('/api/containers')).body).items;
    const stats = ContainerSeriesSchema.parse((await get(`/api/containers/${c?.id}/stats?points=1000`)).body);
    assert.equal(stats.points.length, 2);
  });

  it('answers 400 naming the bad parameter and 404 for unknown ids', async () => {
    const bad = await get(`/api/hosts/${agent.agentId}/metrics?points=0`);
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /points/);
    assert.equal((await get('/api/containers?host=nope')).status, 400);
    assert.equal((await get('/api/hosts/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await get('/api/containers/0123456789abcdef')).status, 404);
  });

  it('shows the host offline once its agent disconnects', async () => {
    const socket = await connectAgent(hub, agent);
    socket.ws.close();
    await socket.closed;
    await waitFor(
      async () => HostListSchema.parse((await get('/api/hosts')).body).items[0]?.online === false,
      10_000,
    );
    assert.ok(live.some((m) => m.type === 'presence' && !m.online));
  });
});

describe('public endpoints', () => {
  let hub: TestHub;
  let bundles: string;
  before(async () => {
    // A host agent build and no Kubernetes build beside it (agent/build.mjs writes both).
    bundles = await mkdtemp(join(tmpdir(), 'unity-bundles-'));
    await writeFile(join(bundles, 'unity-agent.mjs'), '// the host agent\n');
    hub = await startTestHub({
      env: {
        UNITY_INSTALL_SCRIPT: import.meta.filename,
        UNITY_AGENT_BUNDLE: join(bundles, 'unity-agent.mjs'),
      },
    });
  });
  after(async () => {
    await hub.close();
    await rm(bundles, { recursive: true, force: true });
  });

  it('answers /healthz and /readyz', async () => {
    assert.deepEqual(await (await fetch(`${hub.url}/healthz`)).json(), { status: 'ok' });
    assert.equal((await fetch(`${hub.url}/readyz`)).status, 200);
  });

  it('says how to build the UI when it is missing, with security headers', async () => {
    const res = await fetch(`${hub.url}/hosts/abc`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /npm run build/);
    assert.match(
      res.headers.get('content-security-policy') ?? '',
      /default-src 'self'.*frame-ancestors 'none'/,
    );
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('referrer-policy'));
  });

  it('serves install.sh and the node binary with its version and arch', async () => {
    const script = await fetch(`${hub.url}/install.sh`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /^text\/x-shellscript/);
    await script.arrayBuffer();
    const node = await fetch(`${hub.url}/download/node`);
    assert.equal(node.status, 200);
    assert.equal(node.headers.get('x-node-version'), process.version);
    assert.equal(node.headers.get('x-node-arch'), process.arch);
    await node.body?.cancel();
  });

  it('serves the agent builds, and says how to build one that is missing', async () => {
    const host = await fetch(`${hub.url}/download/unity-agent.mjs`);
    assert.equal(host.status, 200);
    assert.equal(await host.text(), '// the host agent\n');
    const k8s = await fetch(`${hub.url}/download/unity-agent-k8s.mjs`);
    assert.equal(k8s.status, 404);
    assert.match(await k8s.text(), /Kubernetes support is not available on this hub; run `npm run build`/);
    await writeFile(join(bundles, 'unity-agent-k8s.mjs'), '// with Kubernetes\n');
    assert.equal(
      await (await fetch(`${hub.url}/download/unity-agent-k8s.mjs`)).text(),
      '// with Kubernetes\n',
    );
  });
});
