/**
 * Kubernetes alert rules end to end (issues 5 and 10): the loopback Kubernetes API server, the
 * agent's real Kubernetes code (informers, slim projections, change queue) running in this
 * process and sending its batches over a real agent socket, and an in-process hub whose clock
 * the test moves forward. Rules are made from the built-in templates through the API, as a user
 * would: a pod going into CrashLoopBackOff fires PodCrashLooping (more than 5 restarts in 10
 * minutes), a node turning NotReady fires NodeNotReady after its 2 minutes, a deployment with 2
 * of 3 replicas ready fires DeploymentReplicaMismatch after 5 minutes, and each resolves once
 * fixed. In-process, so it takes seconds rather than the minute a spawned agent would.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AlertHistoryEntry, AlertInstanceView, BatchItem, K8sObjectView } from '@unity/shared';
import { KubeClusters } from '../../agent/src/k8s/clusters.js';
import type { Outbox } from '../../agent/src/link/outbox.js';
import { silentLogger } from '../../hub/src/log.js';
import {
  type AgentSocket,
  connectAgent,
  enrollAgent,
  login,
  startTestHub,
  type TestHub,
} from '../../hub/src/testing/hub.js';
import { FakeKubeApi } from '../lib/kube-api.js';
import { deployment, namespaceObject, node, pod } from '../lib/kube-fixtures.js';
import { makeTempDir, removeDir } from '../lib/paths.js';
import { NotYet, waitFor } from '../lib/wait.js';

const SEC = 1000;
const MIN = 60 * SEC;
type Json = Record<string, unknown>;

describe('kubernetes alert rules: loopback API server → agent k8s code → hub engine', {
  timeout: 60_000,
}, () => {
  let kube: FakeKubeApi;
  let hub: TestHub;
  let kubeAgent: KubeClusters;
  let socket: AgentSocket;
  let cookie: string;
  let dir: string;
  /** How far the hub's clock is ahead of the wall clock. */
  let offset = 0;
  const ruleIds: Record<string, string> = {};

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  /** The current alert instances of one rule, by object name. */
  const alerts = async (rule: string): Promise<Record<string, string>> => {
    const { items } = await api<{ items: AlertInstanceView[] }>('GET', `/api/alerts?ruleId=${ruleIds[rule]}`);
    return Object.fromEntries(
      items.map((i) => [i.labels.pod ?? i.labels.node ?? i.labels.workload ?? '?', i.state]),
    );
  };
  const resolvedAt = async (rule: string): Promise<string[]> => {
    const { items } = await api<{ items: AlertHistoryEntry[] }>(
      'GET',
      `/api/alert-history?ruleId=${ruleIds[rule]}&from=0&to=${Date.now() + offset + MIN}`,
    );
    return items
      .filter((e) => e.to === 'resolved')
      .map((e) => e.labels.pod ?? e.labels.node ?? e.labels.workload ?? '?');
  };
  const evaluate = () => hub.deps.alerts.evaluate();
  /** Waits until the hub stores what the API server now holds (as the agent watched it). */
  const synced = (what: string, check: (objects: K8sObjectView[]) => boolean, resource: string) =>
    waitFor(
      async () => {
        const { items } = await api<{ items: K8sObjectView[] }>(
          'GET',
          `/api/k8s/prod/${resource}${resource === 'nodes' ? '' : '?namespace=shop'}`,
        );
        if (!check(items)) throw new NotYet(JSON.stringify(items.map((i) => [i.name, i.data])));
        return true;
      },
      { timeoutMs: 20_000, intervalMs: 50, what },
    );
  const restartsOf = (items: K8sObjectView[], name: string) => {
    const p = items.find((i) => i.name === name);
    return p?.resource === 'pods' ? p.data.restarts : -1;
  };
  const crashLoop = (restarts: number) =>
    kube.update('v1/pods', 'shop', 'web-3', (p) => {
      p.status = pod('shop', 'web-3', { ready: false, restarts, waiting: 'CrashLoopBackOff' })
        .status as object;
    });

  before(async () => {
    dir = makeTempDir('k8s-alerts');
    kube = await FakeKubeApi.start();
    const kubeconfig = join(dir, 'kubeconfig');
    kube.writeKubeconfig(kubeconfig, ['test-a']);
    kube.apply('v1/nodes', node('node-1'));
    kube.apply('v1/nodes', node('node-2'));
    kube.apply('v1/namespaces', namespaceObject('shop'));
    kube.apply('apps/v1/deployments', deployment('shop', 'web', 3, 3));
    for (const name of ['web-1', 'web-2', 'web-3'])
      kube.apply('v1/pods', pod('shop', name, { owner: { kind: 'ReplicaSet', name: 'web-5d8' } }));
    hub = await startTestHub({
      clock: () => Date.now() + offset,
      // The test evaluates when it wants; the loop's first run only.
      env: { UNITY_ALERT_EVAL_INTERVAL: '1h' },
    });
    cookie = await login(hub);
    const agent = await enrollAgent(hub, 'kube-agent');
    socket = await connectAgent(hub, agent);
    // The agent's outbox, reduced to sending each batch and waiting for its ack, in order.
    let seq = 0;
    let chain: Promise<unknown> = Promise.resolve();
    const outbox = {
      append: (items: readonly BatchItem[]) => {
        const run = chain.then(async () => {
          const mine = ++seq;
          socket.ws.send(JSON.stringify({ type: 'batch', seq: mine, items }));
          for (;;) {
            const frame = (await socket.next()) as Json;
            if (frame.type === 'ack' && frame.seq === mine) return;
          }
        });
        chain = run.catch(() => undefined);
        return run;
      },
    } as unknown as Outbox;
    kubeAgent = new KubeClusters({
      sources: [
        { kind: 'kubeconfig', path: kubeconfig, context: 'test-a', cluster: { name: 'prod', priority: 0 } },
      ],
      outbox,
      notify: () => undefined,
      log: silentLogger(),
      usageIntervalMs: 3_600_000,
      flushMs: 50,
    });
    kubeAgent.start();
    await synced('the first listing', (items) => items.length === 3, 'pods');
    await synced('both nodes', (items) => items.length === 2, 'nodes');
    await synced('the deployment', (items) => items.length === 1, 'workloads');
    const { items: templates } = await api<{ items: { name: string; rule: Json }[] }>(
      'GET',
      '/api/alert-rule-templates',
    );
    for (const name of ['PodCrashLooping', 'NodeNotReady', 'DeploymentReplicaMismatch']) {
      const template = templates.find((t) => t.name === name);
      assert.ok(template, name);
      ruleIds[name] = (await api<{ id: string }>('POST', '/api/alert-rules', template.rule)).id;
    }
  });
  after(async () => {
    await kubeAgent?.stop();
    socket?.ws.close();
    await hub?.close();
    await kube?.close();
    if (dir) removeDir(dir);
  });

  it('fires PodCrashLooping when a pod goes into CrashLoopBackOff, more than 5 restarts in 10 minutes', async () => {
    await evaluate();
    assert.deepEqual(await alerts('PodCrashLooping'), {}, 'healthy pods do not fire');
    crashLoop(2);
    await synced('web-3 at 2 restarts', (items) => restartsOf(items, 'web-3') === 2, 'pods');
    crashLoop(4);
    await synced('web-3 at 4 restarts', (items) => restartsOf(items, 'web-3') === 4, 'pods');
    await evaluate();
    assert.deepEqual(await alerts('PodCrashLooping'), {}, '4 restarts are not more than 5');
    crashLoop(7);
    await synced('web-3 at 7 restarts', (items) => restartsOf(items, 'web-3') === 7, 'pods');
    const out = await evaluate();
    assert.deepEqual(await alerts('PodCrashLooping'), { 'web-3': 'firing' });
    const fired = out.alerts.find((a) => a.ruleName === 'PodCrashLooping');
    assert.deepEqual(fired?.labels, {
      alertname: 'PodCrashLooping',
      cluster: 'prod',
      namespace: 'shop',
      pod: 'web-3',
      severity: 'warning',
    });
    assert.equal(fired?.value, 7);
    assert.equal(fired?.annotations.summary, 'Pod shop/web-3 in prod restarted 7 times in 10 min');
    assert.match(fired?.url ?? '', /\/k8s\/prod\/pods\/shop\/web-3$/);
  });

  it('fires NodeNotReady after 2 minutes and DeploymentReplicaMismatch after 5, then resolves all once fixed', async () => {
    kube.update('v1/nodes', '', 'node-2', (n) => {
      n.status = node('node-2', false).status as object;
    });
    kube.update('apps/v1/deployments', 'shop', 'web', (d) => {
      d.status = deployment('shop', 'web', 3, 2).status as object;
    });
    await synced(
      'node-2 not ready',
      (items) => items.some((n) => n.name === 'node-2' && n.health !== 'ok'),
      'nodes',
    );
    await synced(
      'web at 2 of 3 ready',
      (items) => items[0]?.resource === 'deployments' && items[0].data.ready === 2,
      'workloads',
    );
    await evaluate();
    assert.deepEqual(await alerts('NodeNotReady'), { 'node-2': 'pending' });
    assert.deepEqual(await alerts('DeploymentReplicaMismatch'), { web: 'pending' });
    offset += 2 * MIN + 5 * SEC;
    const nodeOut = await evaluate();
    assert.deepEqual(await alerts('NodeNotReady'), { 'node-2': 'firing' });
    assert.deepEqual(
      nodeOut.alerts.filter((a) => a.ruleName === 'NodeNotReady').map((a) => a.annotations.summary),
      ['Node node-2 in prod is not ready'],
    );
    assert.deepEqual(await alerts('DeploymentReplicaMismatch'), { web: 'pending' }, 'not yet 5 minutes');
    offset += 3 * MIN;
    const workloadOut = await evaluate();
    assert.deepEqual(await alerts('DeploymentReplicaMismatch'), { web: 'firing' });
    assert.equal(
      workloadOut.alerts.find((a) => a.ruleName === 'DeploymentReplicaMismatch')?.annotations.summary,
      'Workload shop/web (deployment) in prod has 2 of 3 replicas ready',
    );

    // Fixed: the node is ready again, the third replica too, the pod runs without restarting.
    kube.update('v1/nodes', '', 'node-2', (n) => {
      n.status = node('node-2', true).status as object;
    });
    kube.update('apps/v1/deployments', 'shop', 'web', (d) => {
      d.status = deployment('shop', 'web', 3, 3).status as object;
    });
    kube.update('v1/pods', 'shop', 'web-3', (p) => {
      p.status = pod('shop', 'web-3', { restarts: 7 }).status as object;
    });
    await synced('node-2 ready', (items) => items.every((n) => n.health === 'ok'), 'nodes');
    await synced(
      'web at 3 of 3 ready',
      (items) => items[0]?.resource === 'deployments' && items[0].data.ready === 3,
      'workloads',
    );
    await synced('web-3 running', (items) => items.find((p) => p.name === 'web-3')?.health === 'ok', 'pods');
    await evaluate();
    assert.deepEqual(await resolvedAt('NodeNotReady'), ['node-2']);
    assert.deepEqual(await resolvedAt('DeploymentReplicaMismatch'), ['web']);
    assert.deepEqual(await alerts('NodeNotReady'), {});
    assert.deepEqual(await alerts('DeploymentReplicaMismatch'), {});
    // The restarts are now over 5 minutes old but within the 10 minute window: still firing.
    assert.deepEqual(await alerts('PodCrashLooping'), { 'web-3': 'firing' });
    assert.deepEqual(await resolvedAt('PodCrashLooping'), []);
    // Past the window the condition clears; the template keeps firing 5 more minutes.
    offset += 6 * MIN;
    await evaluate();
    assert.deepEqual(await alerts('PodCrashLooping'), { 'web-3': 'firing' }, 'keep firing for 5 minutes');
    offset += 5 * MIN + 5 * SEC;
    await evaluate();
    assert.deepEqual(await alerts('PodCrashLooping'), {});
    assert.deepEqual(await resolvedAt('PodCrashLooping'), ['web-3']);
  });
});
