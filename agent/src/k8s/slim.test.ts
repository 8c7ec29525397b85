import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { K8sObjectSchema } from '@unity/shared';
import pino from 'pino';
import { ChangeQueue } from './change-queue.js';
import { slim } from './slim.js';
import { clusterNameOf } from './sources.js';
import { parseQuantity } from './usage.js';

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
});
