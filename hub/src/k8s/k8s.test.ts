/**
 * Kubernetes on the hub: items from an agent's socket stored (snapshots replace, deltas change,
 * usage lands on its objects), the `/api/k8s` answers, and who may read them: anonymous 401, a
 * viewer reads, a user scoped to another host's label gets 404 for a cluster outside the scope.
 * On PGlite and PostgreSQL, one hub each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BatchItem, K8sClusterSummary, K8sObject, K8sObjectView } from '@unity/shared';
import { backends } from '../testing/databases.js';
import {
  connectAgent,
  enrollAgent,
  login,
  startTestHub,
  type TestAgent,
  type TestHub,
} from '../testing/hub.js';

const PASSWORD = 'plum kettle orbit saxophone';
type Res = { status: number; body: unknown };

const PROD = { name: 'prod', priority: 10 };
const LAB = { name: 'lab', priority: 0 };

function pod(
  name: string,
  phase = 'Running',
  over: Partial<Extract<K8sObject, { resource: 'pods' }>['data']> = {},
): K8sObject {
  return {
    resource: 'pods',
    namespace: 'shop',
    name,
    uid: `uid-${name}`,
    data: {
      phase,
      ready: phase === 'Running',
      restarts: 0,
      labels: { app: 'web' },
      conditions: [],
      containers: [],
      node: 'n1',
      ...over,
    },
  };
}
const node = (name: string, ready = true): K8sObject => ({
  resource: 'nodes',
  namespace: '',
  name,
  uid: `uid-${name}`,
  data: {
    ready,
    conditions: [],
    capacity: { cpu: '4' },
    allocatable: { cpu: '4' },
    taints: [],
    unschedulable: false,
  },
});
const deployment = (name: string, desired: number, ready: number): K8sObject => ({
  resource: 'deployments',
  namespace: 'shop',
  name,
  uid: `uid-${name}`,
  data: {
    desired,
    ready,
    updated: desired,
    available: ready,
    selector: { app: name },
    conditions: [],
    stale: false,
  },
});
const warning = (name: string, podName: string, reason: string): K8sObject => ({
  resource: 'events',
  namespace: 'shop',
  name,
  uid: `uid-${name}`,
  data: {
    type: 'Warning',
    reason,
    message: `${reason} ${podName}`,
    object: { kind: 'Pod', name: podName, namespace: 'shop' },
    count: 3,
    lastSeen: new Date().toISOString(),
  },
});

const snapshot = (
  cluster: typeof PROD,
  resource: K8sObject['resource'],
  objects: K8sObject[],
  id: string,
): BatchItem => ({
  kind: 'k8s_snapshot',
  ts: Date.now(),
  cluster,
  resource,
  snapshotId: id,
  final: true,
  objects,
});

for (const backend of backends)
  describe(`kubernetes storage and API (${backend.name})`, () => {
    let hub: TestHub;
    let admin: string;
    let vic: string;
    let mia: string;
    let a: TestAgent;
    let b: TestAgent;
    let seqA = 0;
    const api = async (path: string, cookie = admin): Promise<Res> => {
      const res = await fetch(`${hub.url}${path}`, { headers: { cookie } });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const items = async <T = K8sObjectView>(path: string, cookie = admin): Promise<T[]> => {
      const res = await api(path, cookie);
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      return (res.body as { items: T[] }).items;
    };
    const send = async (agent: TestAgent, seq: number, batchItems: BatchItem[]) => {
      const socket = await connectAgent(hub, agent);
      socket.ws.send(JSON.stringify({ type: 'batch', seq, items: batchItems }));
      const ack = await socket.next();
      assert.deepEqual(ack, { type: 'ack', seq });
      socket.ws.close();
    };

    before(async () => {
      hub = await startTestHub({ database: await backend.open() });
      admin = await login(hub);
      a = await enrollAgent(hub, 'kube-a');
      b = await enrollAgent(hub, 'kube-b');
      await send(a, ++seqA, [
        snapshot(PROD, 'nodes', [node('n1'), node('n2', false)], 's1'),
        snapshot(
          PROD,
          'pods',
          [pod('web-1'), pod('web-2'), pod('web-3', 'Pending'), pod('db-0', 'Running', { node: 'n2' })],
          's2',
        ),
        snapshot(PROD, 'deployments', [deployment('web', 3, 2), deployment('api', 2, 2)], 's3'),
        snapshot(PROD, 'events', [warning('web-3.1', 'web-3', 'FailedScheduling')], 's4'),
      ]);
      await send(b, 1, [snapshot(LAB, 'pods', [pod('lab-1')], 'l1')]);
      const hostLabel = await fetch(`${hub.url}/api/hosts/${a.agentId}/labels`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie: admin },
        body: JSON.stringify({ team: 'platform' }),
      });
      assert.equal(hostLabel.status, 200);
      const post = (path: string, body: unknown) =>
        fetch(`${hub.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: admin },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
      await post('/api/users', { username: 'vic', password: PASSWORD, role: 'viewer' });
      const made = await post('/api/users', { username: 'mia', password: PASSWORD, role: null });
      const bound = await post('/api/role-bindings', {
        roleId: 'viewer',
        userId: made.body.id,
        scope: { labels: { team: 'lab' } },
      });
      assert.equal(bound.status, 201);
      vic = await login(hub, 'vic', PASSWORD);
      mia = await login(hub, 'mia', PASSWORD);
    });
    after(() => hub.close());

    it('lists clusters with nodes, pods by phase, degraded workloads and warnings, by priority', async () => {
      const clusters = await items<K8sClusterSummary>('/api/k8s/clusters');
      assert.deepEqual(
        clusters.map((c) => c.name),
        ['prod', 'lab'],
      );
      const prod = clusters[0] as K8sClusterSummary;
      assert.equal(prod.hostId, a.agentId);
      assert.equal(prod.hostName, 'test-host', 'the host the agent reported in its hello');
      assert.deepEqual(prod.nodes, { total: 2, ready: 1 });
      assert.deepEqual(prod.pods.byPhase, { Running: 3, Pending: 1 });
      assert.deepEqual(prod.workloads, { total: 2, degraded: 1 });
      assert.equal(prod.warnings, 1);
    });

    it('serves pods of a namespace as {"items": [...]}, workloads with health, and a pod with its events', async () => {
      const pods = await items('/api/k8s/prod/pods?namespace=shop');
      assert.deepEqual(
        pods.map((p) => p.name),
        ['db-0', 'web-1', 'web-2', 'web-3'],
      );
      assert.equal((await items('/api/k8s/prod/pods?namespace=other')).length, 0);
      const workloads = await items('/api/k8s/prod/workloads');
      const web = workloads.find((w) => w.name === 'web');
      assert.equal(web?.health, 'warning');
      assert.match(web?.reason ?? '', /Degraded \(2\/3 ready\)/);
      const one = await api('/api/k8s/prod/pods/shop/web-3');
      assert.equal(one.status, 200);
      const body = one.body as { pod: K8sObjectView; events: K8sObjectView[] };
      assert.equal(body.pod.health, 'warning');
      assert.deepEqual(
        body.events.map((e) => e.name),
        ['web-3.1'],
      );
      assert.equal((await api('/api/k8s/prod/pods/shop/nope')).status, 404);
      assert.equal((await items('/api/k8s/prod/events')).length, 1);
    });

    it('applies deltas and usage, and a later snapshot removes what it no longer lists', async () => {
      await send(a, ++seqA, [
        {
          kind: 'k8s_delta',
          ts: Date.now(),
          cluster: PROD,
          changes: [
            { op: 'upsert', object: pod('web-3', 'Running', { reason: 'CrashLoopBackOff', restarts: 6 }) },
            { op: 'delete', resource: 'pods', namespace: 'shop', name: 'web-2' },
            { op: 'upsert', object: pod('web-4') },
          ],
        },
        {
          kind: 'k8s_usage',
          ts: Date.now(),
          cluster: PROD,
          source: 'metrics.k8s.io',
          nodes: [{ name: 'n1', cpuMillicores: 1500, memoryBytes: 2e9 }],
          pods: [{ namespace: 'shop', name: 'web-1', cpuMillicores: 120, memoryBytes: 64e6 }],
        },
      ]);
      const pods = await items('/api/k8s/prod/pods');
      assert.deepEqual(
        pods.map((p) => p.name),
        ['db-0', 'web-1', 'web-3', 'web-4'],
      );
      const crashing = pods.find((p) => p.name === 'web-3');
      assert.deepEqual([crashing?.health, crashing?.reason], ['error', 'CrashLoopBackOff']);
      assert.deepEqual(pods.find((p) => p.name === 'web-1')?.usage, {
        cpuMillicores: 120,
        memoryBytes: 64e6,
      });
      const [cluster] = await items<K8sClusterSummary>('/api/k8s/clusters');
      assert.equal(cluster?.usageSource, 'metrics.k8s.io');
      assert.equal(cluster?.pods.failing, 1);
      // A relist after a restart: two parts of one snapshot; db-0 vanished meanwhile.
      await send(a, ++seqA, [
        {
          ...(snapshot(PROD, 'pods', [pod('web-1'), pod('web-3')], 's9') as object),
          final: false,
        } as BatchItem,
        snapshot(PROD, 'pods', [pod('web-4')], 's9'),
      ]);
      assert.deepEqual(
        (await items('/api/k8s/prod/pods')).map((p) => p.name),
        ['web-1', 'web-3', 'web-4'],
      );
      // Other resources are untouched by a pods snapshot.
      assert.equal((await items('/api/k8s/prod/nodes')).length, 2);
    });

    it('anonymous is 401, a viewer reads, a scoped user sees only clusters of hosts in scope', async () => {
      assert.equal((await api('/api/k8s/clusters', '')).status, 401);
      assert.equal((await api('/api/k8s/prod/pods', '')).status, 401);
      assert.equal((await api('/api/k8s/prod/pods/shop/web-1/logs', '')).status, 401);
      assert.equal((await items('/api/k8s/prod/pods', vic)).length, 3);
      assert.equal((await items<K8sClusterSummary>('/api/k8s/clusters', vic)).length, 2);
      assert.deepEqual(await items<K8sClusterSummary>('/api/k8s/clusters', mia), []);
      for (const path of [
        '/api/k8s/prod/pods',
        '/api/k8s/prod/events',
        '/api/k8s/prod/pods/shop/web-1',
        '/api/k8s/prod/pods/shop/web-1/logs',
      ]) {
        const res = await api(path, mia);
        assert.equal(res.status, 404, path);
        assert.deepEqual((res.body as { error: { code: string } }).error.code, 'not_found');
      }
      // Label host B into mia's scope: the lab cluster appears for her.
      await fetch(`${hub.url}/api/hosts/${b.agentId}/labels`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie: admin },
        body: JSON.stringify({ team: 'lab' }),
      });
      assert.deepEqual(
        (await items<K8sClusterSummary>('/api/k8s/clusters', mia)).map((c) => c.name),
        ['lab'],
      );
      assert.equal((await items('/api/k8s/lab/pods', mia)).length, 1);
    });

    it('refuses bad input with 400 and says the agent is offline for logs', async () => {
      for (const path of [
        '/api/k8s/Bad_Name/pods',
        '/api/k8s/prod/widgets',
        '/api/k8s/prod/pods?limit=0',
        '/api/k8s/prod/pods/shop/web-1/logs?tailLines=-1',
      ]) {
        const res = await api(path);
        assert.equal(res.status, 400, path);
        assert.equal((res.body as { error: { code: string } }).error.code, 'bad_request');
      }
      const logs = await api('/api/k8s/prod/pods/shop/web-1/logs');
      assert.equal(logs.status, 503);
      assert.equal((logs.body as { error: { code: string } }).error.code, 'agent_offline');
      assert.equal((await api('/api/k8s/nowhere/pods')).status, 404);
    });

    it('merges kubelet reports from the agent on each node, keeps the cluster on its watching agent, stores PVC use and limit ranges', async () => {
      await send(a, ++seqA, [
        snapshot(
          PROD,
          'pvcs',
          [
            {
              resource: 'pvcs',
              namespace: 'shop',
              name: 'data-db-0',
              uid: 'uid-pvc',
              data: { phase: 'Bound', capacity: '10Gi', storageClass: 'standard' },
            },
          ],
          'p1',
        ),
        snapshot(
          PROD,
          'limitranges',
          [
            {
              resource: 'limitranges',
              namespace: 'shop',
              name: 'defaults',
              uid: 'uid-lr',
              data: {
                limits: [
                  { type: 'Container', default: { cpu: '500m' }, max: { cpu: '2' }, min: { cpu: '50m' } },
                ],
              },
            },
          ],
          'r1',
        ),
      ]);
      const n1 = await enrollAgent(hub, 'n1');
      const n2 = await enrollAgent(hub, 'n2');
      const nodeReport = (node: string, pods: { name: string; cpu: number }[], pvcs = [] as object[]) =>
        ({
          kind: 'k8s_usage',
          ts: Date.now(),
          // A node agent's priority must not change the cluster's.
          cluster: { name: 'prod', priority: 0 },
          source: 'kubelet',
          node,
          nodes: [{ name: node, cpuMillicores: node === 'n1' ? 700 : 300, memoryBytes: 1e9 }],
          pods: pods.map((p) => ({
            namespace: 'shop',
            name: p.name,
            cpuMillicores: p.cpu,
            memoryBytes: 1e8,
          })),
          pvcs,
        }) as BatchItem;
      await send(n1, 1, [nodeReport('n1', [{ name: 'web-1', cpu: 11 }])]);
      await send(n2, 1, [
        nodeReport(
          'n2',
          [{ name: 'web-4', cpu: 22 }],
          [
            {
              namespace: 'shop',
              name: 'data-db-0',
              usedBytes: 9e9,
              capacityBytes: 10e9,
              availableBytes: 1e9,
            },
          ],
        ),
      ]);
      // The watching agent finds no metrics-server meanwhile: its `none` does not hide the kubelets'.
      await send(a, ++seqA, [
        { kind: 'k8s_usage', ts: Date.now(), cluster: PROD, source: 'none', nodes: [], pods: [] },
      ]);
      const prod = (await items<K8sClusterSummary>('/api/k8s/clusters')).find((c) => c.name === 'prod');
      assert.equal(prod?.usageSource, 'kubelet');
      assert.equal(prod?.hostId, a.agentId, 'node agents do not take the cluster over');
      assert.equal(prod?.priority, 10);
      const nodes = await items('/api/k8s/prod/nodes');
      assert.deepEqual(
        nodes.map((n) => [n.name, n.usage]),
        [
          ['n1', { cpuMillicores: 700, memoryBytes: 1e9 }],
          ['n2', { cpuMillicores: 300, memoryBytes: 1e9 }],
        ],
        'each node agent reported its own node; both are kept',
      );
      const pods = await items('/api/k8s/prod/pods');
      assert.deepEqual(
        pods
          .filter((p) => p.usage)
          .map((p) => [p.name, (p.usage as { cpuMillicores: number }).cpuMillicores]),
        [
          ['web-1', 11],
          ['web-4', 22],
        ],
      );
      const [pvc] = await items('/api/k8s/prod/pvcs?namespace=shop');
      assert.deepEqual(pvc?.usage, { usedBytes: 9e9, capacityBytes: 10e9, availableBytes: 1e9 });
      const [limits] = await items('/api/k8s/prod/limitranges?namespace=shop');
      assert.ok(limits?.resource === 'limitranges');
      assert.deepEqual(limits.data.limits[0]?.max, { cpu: '2' });
      // Once the kubelets fall silent for two minutes, `none` is believed again.
      await send(a, ++seqA, [
        { kind: 'k8s_usage', ts: Date.now() + 180_000, cluster: PROD, source: 'none', nodes: [], pods: [] },
      ]);
      const later = (await items<K8sClusterSummary>('/api/k8s/clusters')).find((c) => c.name === 'prod');
      assert.equal(later?.usageSource, 'none');
    });
  });
