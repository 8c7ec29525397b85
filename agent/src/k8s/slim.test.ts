import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { K8sObjectSchema, parseQuantity } from '@unity/shared';
import pino from 'pino';
import { ChangeQueue } from './change-queue.js';
import { type KubeHttp, KubeHttpError } from './kube-http.js';
import { slim } from './slim.js';
import { clusterNameOf } from './sources.js';
import { readUsage, summaryUsage } from './usage.js';

// Shaped like the API reference's Pod (v1.30), with the bulky fields Unity drops.
const crashingPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d9f-abcde',
    namespace: 'shop',
    uid: '6b0f',
    resourceVersion: '4711',
    labels: { app: 'web' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', uid: 'u', controller: true },
    ],
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(5000) },
    managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': {} } }],
  },
  spec: {
    nodeName: 'node-1',
    containers: [
      {
        name: 'app',
        image: 'web:1',
        env: [{ name: 'SECRET', value: 'hunter2' }],
        resources: { requests: { cpu: '100m' }, limits: { memory: '256Mi' } },
      },
      { name: 'sidecar', image: 'proxy:2' },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.0.0.9',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: 7,
        image: 'web:1',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
      },
      {
        name: 'sidecar',
        ready: true,
        restartCount: 1,
        image: 'proxy:2',
        state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
      },
    ],
  },
};

describe('slim projections of Kubernetes objects', () => {
  it('keeps what the pod page and the alerts need and drops the rest', () => {
    const { unity, metadata } = slim('pods', crashingPod);
    assert.deepEqual(metadata, { name: 'web-7d9f-abcde', namespace: 'shop', resourceVersion: '4711' });
    assert.ok(K8sObjectSchema.safeParse(unity).success);
    assert.equal(unity.resource, 'pods');
    if (unity.resource !== 'pods') return;
    assert.equal(unity.data.phase, 'Running');
    assert.equal(unity.data.ready, false);
    assert.equal(unity.data.restarts, 8);
    assert.equal(unity.data.node, 'node-1');
    // OOMKilled ranks above CrashLoopBackOff: it says why the container keeps restarting.
    assert.equal(unity.data.reason, 'OOMKilled');
    assert.deepEqual(unity.data.owner, { kind: 'ReplicaSet', name: 'web-7d9f' });
    assert.equal(unity.data.containers[0]?.reason, 'CrashLoopBackOff');
    assert.equal(unity.data.containers[0]?.lastExitCode, 137);
    assert.deepEqual(unity.data.containers[0]?.limits, { memory: '256Mi' });
    const text = JSON.stringify(unity);
    assert.ok(!text.includes('hunter2'), 'environment values are never kept');
    assert.ok(!text.includes('managedFields') && !text.includes('last-applied'));
    assert.ok(text.length < JSON.stringify(crashingPod).length / 4, `slim ${text.length} bytes`);
  });

  it('projects nodes, deployments (degraded), ingresses and events', () => {
    const n = slim('nodes', {
      metadata: { name: 'n1' },
      spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] },
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'MemoryPressure', status: 'True' },
        ],
        capacity: { cpu: '4' },
        nodeInfo: { kubeletVersion: 'v1.30.2', containerRuntimeVersion: 'containerd://1.7' },
      },
    }).unity;
    assert.ok(n.resource === 'nodes' && n.data.ready && n.data.kubeletVersion === 'v1.30.2');
    assert.equal(n.data.taints[0]?.effect, 'NoSchedule');
    const d = slim('deployments', {
      metadata: { name: 'web', namespace: 'shop', generation: 3 },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } },
      status: { observedGeneration: 2, readyReplicas: 2, replicas: 3 },
    }).unity;
    assert.ok(d.resource === 'deployments');
    assert.deepEqual([d.data.desired, d.data.ready, d.data.stale], [3, 2, true]);
    const i = slim('ingresses', {
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        tls: [{ hosts: ['shop.example'] }],
        rules: [
          {
            host: 'shop.example',
            http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] },
          },
        ],
      },
    }).unity;
    assert.ok(i.resource === 'ingresses');
    assert.deepEqual(i.data.rules, [{ host: 'shop.example', path: '/', service: 'web', port: '80' }]);
    assert.deepEqual(i.data.tlsHosts, ['shop.example']);
    const e = slim('events', {
      metadata: { name: 'web.1', namespace: 'shop' },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      count: 12,
      lastTimestamp: '2026-01-01T00:00:00Z',
    }).unity;
    assert.ok(e.resource === 'events');
    assert.deepEqual([e.data.reason, e.data.count, e.data.object.name], ['BackOff', 12, 'web-1']);
    for (const o of [n, d, i, e]) assert.ok(K8sObjectSchema.safeParse(o).success, o.resource);
  });

  it('queues a snapshot after the changes before it, collapses repeated changes, and cuts large snapshots', () => {
    const queue = new ChangeQueue({ name: 'prod', priority: 1 }, pino({ level: 'silent' }), () => 1000);
    const pod = (name: string) =>
      slim('pods', { ...crashingPod, metadata: { ...crashingPod.metadata, name } }).unity;
    queue.upsert(pod('a'));
    queue.upsert(pod('a'));
    queue.remove('pods', 'shop', 'b');
    queue.snapshot(
      'pods',
      Array.from({ length: 1500 }, (_, k) => pod(`p${k}`)),
    );
    queue.upsert(pod('c'));
    const items = queue.take();
    assert.equal(items[0]?.kind, 'k8s_delta');
    if (items[0]?.kind === 'k8s_delta')
      assert.deepEqual(
        items[0].changes.map((c) => c.op),
        ['upsert', 'delete'],
      );
    const parts = items.filter((i) => i.kind === 'k8s_snapshot');
    assert.ok(parts.length >= 2, `${parts.length} parts`);
    assert.deepEqual(
      parts.map((p) => p.kind === 'k8s_snapshot' && p.final),
      [...parts.slice(1).map(() => false), true],
    );
    assert.equal(
      parts.reduce((n, p) => n + (p.kind === 'k8s_snapshot' ? p.objects.length : 0), 0),
      1500,
    );
    for (const p of parts) assert.ok(JSON.stringify(p).length < 300 * 1024);
    assert.equal(items.at(-1)?.kind, 'k8s_delta');
    assert.equal(queue.take().length, 0);
  });

  it('reads quantities and makes context names into cluster names', () => {
    assert.equal(parseQuantity('250m'), 0.25);
    assert.equal(parseQuantity('1Gi'), 1024 ** 3);
    assert.ok(Math.abs(parseQuantity('123456789n') - 0.123456789) < 1e-12);
    assert.equal(clusterNameOf('kubernetes-admin@Kind'), 'kubernetes-admin-kind');
  });

  it('slims a LimitRange to type, default, defaultRequest, max and min per entry', () => {
    const { unity } = slim('limitranges', {
      metadata: { name: 'defaults', namespace: 'shop', uid: 'lr1', managedFields: [{}] },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m' },
            defaultRequest: { cpu: '250m' },
            max: { cpu: '2' },
            min: { cpu: '50m' },
            maxLimitRequestRatio: { cpu: '4' },
          },
          { type: 'PersistentVolumeClaim', max: { storage: '50Gi' } },
        ],
      },
    });
    assert.ok(K8sObjectSchema.safeParse(unity).success);
    assert.deepEqual(unity.data, {
      limits: [
        {
          type: 'Container',
          default: { cpu: '500m' },
          defaultRequest: { cpu: '250m' },
          max: { cpu: '2' },
          min: { cpu: '50m' },
        },
        { type: 'PersistentVolumeClaim', max: { storage: '50Gi' } },
      ],
    });
  });
});

describe("resource use: metrics-server first, else the kubelet summary of this agent's node", () => {
  const summary = {
    node: { nodeName: 'n1', cpu: { usageNanoCores: 1_500_000_000 }, memory: { workingSetBytes: 2e9 } },
    pods: [
      {
        podRef: { name: 'db-0', namespace: 'shop' },
        cpu: { usageNanoCores: 250_000_000 },
        memory: { workingSetBytes: 5e8 },
        volume: [
          { name: 'kube-api-access', usedBytes: 12_288, capacityBytes: 1e6, availableBytes: 1e6 },
          {
            name: 'data',
            usedBytes: 9e9,
            capacityBytes: 1e10,
            availableBytes: 1e9,
            pvcRef: { name: 'data-db-0', namespace: 'shop' },
          },
        ],
      },
      // An older kubelet: no pod-level figures, only the containers'.
      {
        podRef: { name: 'web-1', namespace: 'shop' },
        containers: [
          { cpu: { usageNanoCores: 100_000_000 }, memory: { workingSetBytes: 1e8 } },
          { cpu: { usageNanoCores: 20_000_000 }, memory: { workingSetBytes: 2e7 } },
        ],
      },
    ],
  };
  const cluster = { name: 'prod', priority: 0 };
  /** An API server (and kubelet) answering from `routes`; anything else is a 404 Status. */
  const fake = (routes: Record<string, unknown>, seen: string[] = []): KubeHttp => ({
    open: () => Promise.reject(new Error('not used')),
    getJson: async (path) => {
      seen.push(path);
      if (path in routes) return routes[path];
      throw new KubeHttpError(404, 'the server could not find the requested resource');
    },
  });
  const metrics = {
    '/apis/metrics.k8s.io/v1beta1/nodes': {
      items: [{ metadata: { name: 'n1' }, usage: { cpu: '1500m', memory: '2Gi' } }],
    },
    '/apis/metrics.k8s.io/v1beta1/pods': { items: [] },
    '/apis/metrics.k8s.io/v1beta1/nodes/n1': {
      metadata: { name: 'n1' },
      usage: { cpu: '1500m', memory: '2Gi' },
    },
  };

  it('reads node, pod and PVC use from a summary (pods without pod-level figures sum their containers)', () => {
    const u = summaryUsage(summary, 'n1');
    assert.deepEqual(u.nodes, [{ name: 'n1', cpuMillicores: 1500, memoryBytes: 2e9 }]);
    assert.deepEqual(u.pods, [
      { namespace: 'shop', name: 'db-0', cpuMillicores: 250, memoryBytes: 5e8 },
      { namespace: 'shop', name: 'web-1', cpuMillicores: 120, memoryBytes: 1.2e8 },
    ]);
    assert.deepEqual(u.pvcs, [
      { namespace: 'shop', name: 'data-db-0', usedBytes: 9e9, capacityBytes: 1e10, availableBytes: 1e9 },
    ]);
  });

  it('chooses the source: none without metrics-server or node, the kubelet through the node proxy or directly', async () => {
    const none = await readUsage({ cluster, http: fake({}) }, 1);
    assert.deepEqual([none?.source, none?.nodes.length], ['none', 0]);
    const proxied = await readUsage(
      { cluster, http: fake({ '/api/v1/nodes/n1/proxy/stats/summary': summary }), node: 'n1' },
      1,
    );
    assert.deepEqual(
      [proxied?.source, proxied?.node, proxied?.pods.length, proxied?.pvcs?.length],
      ['kubelet', 'n1', 2, 1],
    );
    const seen: string[] = [];
    const direct = await readUsage(
      {
        cluster,
        http: fake({}, seen),
        kubelet: fake({ '/stats/summary': summary }, seen),
        node: 'n1',
        usageOnly: true,
      },
      1,
    );
    assert.equal(direct?.source, 'kubelet');
    assert.deepEqual(
      seen,
      ['/apis/metrics.k8s.io/v1beta1/nodes/n1', '/stats/summary'],
      'a usage-only agent probes, never lists',
    );
  });

  it('with metrics-server, the watching agent reports it and a node agent only its PVC volumes', async () => {
    const routes = { ...metrics, '/api/v1/nodes/n1/proxy/stats/summary': summary };
    const watching = await readUsage({ cluster, http: fake(routes), node: 'n1' }, 1);
    assert.deepEqual(
      [watching?.source, watching?.node, watching?.nodes[0]?.cpuMillicores, watching?.pvcs?.length],
      ['metrics.k8s.io', undefined, 1500, 1],
    );
    const nodeOnly = await readUsage({ cluster, http: fake(routes), node: 'n1', usageOnly: true }, 1);
    assert.deepEqual(
      [nodeOnly?.source, nodeOnly?.node, nodeOnly?.nodes, nodeOnly?.pods, nodeOnly?.pvcs?.length],
      ['kubelet', 'n1', [], [], 1],
    );
    // The kubelet refusing (no nodes/stats grant) does not cost the watching agent its figures.
    const refused = await readUsage({ cluster, http: fake(metrics), node: 'n1' }, 1);
    assert.deepEqual([refused?.source, refused?.pvcs], ['metrics.k8s.io', undefined]);
  });
});
