/**
 * `k8s_changed` on `/api/live`: a stored Kubernetes delta tells a user who can see the cluster
 * which resources and namespaces changed, and tells a user scoped away from the cluster's host
 * nothing; a burst of batches from a busy cluster arrives as a few merged notices, not one per
 * batch. One in-process hub on PGlite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type BatchItem,
  type K8sObject,
  LIVE_PATH,
  type LiveMessage,
  LiveMessageSchema,
} from '@unity/shared';
import WebSocket from 'ws';
import {
  connectAgent,
  enrollAgent,
  login,
  startTestHub,
  type TestAgent,
  type TestHub,
  waitFor,
} from '../testing/hub.js';
import { K8sLiveNotices } from './live-notices.js';

const PASSWORD = 'plum kettle orbit saxophone';
const PROD = { name: 'prod', priority: 10 };
const LAB = { name: 'lab', priority: 0 };
type K8sNotice = Extract<LiveMessage, { type: 'k8s_changed' }>;

const pod = (namespace: string, name: string, phase = 'Running'): K8sObject => ({
  resource: 'pods',
  namespace,
  name,
  uid: `uid-${name}`,
  data: { phase, ready: true, restarts: 0, labels: {}, conditions: [], containers: [], node: 'n1' },
});
const delta = (cluster: typeof PROD, objects: K8sObject[]): BatchItem => ({
  kind: 'k8s_delta',
  ts: Date.now(),
  cluster,
  changes: objects.map((object) => ({ op: 'upsert', object })),
});

describe('k8s_changed live notices', () => {
  let hub: TestHub;
  let admin: string;
  let mia: string;
  let a: TestAgent;
  let b: TestAgent;
  const seq = new Map<TestAgent, number>();

  /** Sends batches over one agent socket, pipelined, and waits for all their acks. */
  const send = async (agent: TestAgent, batches: BatchItem[][]) => {
    const socket = await connectAgent(hub, agent);
    for (const items of batches) {
      const next = (seq.get(agent) ?? 0) + 1;
      seq.set(agent, next);
      socket.ws.send(JSON.stringify({ type: 'batch', seq: next, items }));
    }
    for (const _ of batches) assert.equal((await socket.next()).type, 'ack');
    socket.ws.close();
  };

  /** The user's live feed, keeping its k8s_changed notices. */
  const feed = async (cookie: string) => {
    const ws = new WebSocket(`${hub.url.replace(/^http/, 'ws')}${LIVE_PATH}`, { headers: { cookie } });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const notices: K8sNotice[] = [];
    ws.on('message', (d) => {
      const m = LiveMessageSchema.parse(JSON.parse(String(d)));
      if (m.type === 'k8s_changed') notices.push(m);
    });
    return { ws, notices };
  };

  before(async () => {
    hub = await startTestHub();
    admin = await login(hub);
    a = await enrollAgent(hub, 'kube-a');
    b = await enrollAgent(hub, 'kube-b');
    await send(a, [[delta(PROD, [pod('shop', 'web-1')])]]);
    await send(b, [[delta(LAB, [pod('lab', 'lab-1')])]]);
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${hub.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', cookie: admin },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
    assert.equal((await call('PUT', `/api/hosts/${a.agentId}/labels`, { team: 'platform' })).status, 200);
    assert.equal((await call('PUT', `/api/hosts/${b.agentId}/labels`, { team: 'lab' })).status, 200);
    const made = await call('POST', '/api/users', { username: 'mia', password: PASSWORD, role: null });
    const bound = await call('POST', '/api/role-bindings', {
      roleId: 'viewer',
      userId: made.body.id,
      scope: { labels: { team: 'lab' } },
    });
    assert.equal(bound.status, 201);
    mia = await login(hub, 'mia', PASSWORD);
  });
  after(() => hub.close());

  it('tells a user who sees the cluster what changed, and a user scoped to another host nothing', async () => {
    const [adminFeed, miaFeed] = await Promise.all([feed(admin), feed(mia)]);
    await send(a, [
      [
        delta(PROD, [pod('shop', 'web-1', 'Failed')]),
        {
          kind: 'k8s_usage',
          ts: Date.now(),
          cluster: PROD,
          source: 'metrics.k8s.io',
          nodes: [{ name: 'n1', cpuMillicores: 100, memoryBytes: 1e9 }],
          pods: [],
        },
      ],
    ]);
    await waitFor(() => adminFeed.notices.length >= 1);
    const [notice] = adminFeed.notices;
    assert.deepEqual(
      { ...notice, at: 0 },
      {
        type: 'k8s_changed',
        hostId: a.agentId,
        cluster: 'prod',
        resources: ['nodes', 'pods'],
        namespaces: ['', 'shop'],
        at: 0,
      },
    );
    // Notices reach a feed in order: once mia has lab's (sent after prod's), prod's was skipped.
    await send(b, [[delta(LAB, [pod('lab', 'lab-1', 'Pending')])]]);
    await waitFor(() => miaFeed.notices.length >= 1);
    assert.deepEqual(
      miaFeed.notices.map((n) => [n.cluster, n.resources, n.namespaces]),
      [['lab', ['pods'], ['lab']]],
    );
    adminFeed.ws.close();
    miaFeed.ws.close();
  });

  it('merges a burst of batches of a busy cluster into a few notices', async (t) => {
    const adminFeed = await feed(admin);
    const started = Date.now();
    const burst = Array.from({ length: 30 }, (_, i) => [delta(PROD, [pod(`ns-${i % 6}`, `p-${i}`)])]);
    await send(a, burst);
    const elapsed = Date.now() - started;
    // The trailing notice of the last window comes at most 250 ms after the last commit.
    await new Promise((r) => setTimeout(r, 400));
    const notices = adminFeed.notices.filter((n) => n.cluster === 'prod');
    t.diagnostic(`30 batches stored in ${elapsed} ms → ${notices.length} notices`);
    assert.ok(
      notices.length <= Math.ceil(elapsed / 250) + 1,
      `${notices.length} notices for 30 batches in ${elapsed} ms`,
    );
    assert.ok(notices.length < 30, `${notices.length} notices for 30 batches`);
    const namespaces = new Set(notices.flatMap((n) => n.namespaces ?? []));
    assert.deepEqual([...namespaces].sort(), ['ns-0', 'ns-1', 'ns-2', 'ns-3', 'ns-4', 'ns-5']);
    adminFeed.ws.close();
  });

  it('merges changes within the spacing and says "any namespace" for a relist', async () => {
    const sent: K8sNotice[] = [];
    const notices = new K8sLiveNotices((m) => sent.push(m as K8sNotice), { spacingMs: 30 });
    notices.noteBatch('h', [delta(PROD, [pod('a', 'x')])]);
    notices.noteBatch('h', [delta(PROD, [pod('b', 'y')])]);
    notices.noteBatch('h', [
      {
        kind: 'k8s_snapshot',
        ts: Date.now(),
        cluster: PROD,
        resource: 'events',
        snapshotId: 's1',
        final: true,
        objects: [],
      },
    ]);
    assert.deepEqual(
      sent.map((n) => [n.resources, n.namespaces]),
      [[['pods'], ['a']]],
      'the first change is sent at once',
    );
    await waitFor(() => sent.length === 2);
    assert.deepEqual(sent[1]?.resources, ['events', 'pods']);
    assert.equal(sent[1]?.namespaces, null, 'a final snapshot part deletes in any namespace');
    notices.stop();
  });
});
