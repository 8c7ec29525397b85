/**
 * Resource use without metrics-server: the loopback API server answers 404 for metrics.k8s.io,
 * so the agents fall back to each node's kubelet summary. Two real agent processes: one watches
 * the cluster and knows it runs on node-1 (it reads node-1's summary through the API server's
 * node proxy), the other is a usage-only node agent on node-2 reading its loopback kubelet
 * directly with the token, as the DaemonSet does. The hub merges both nodes' reports, says
 * "kubelet", shows PVC volume use, and lists limit ranges.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { computeUsageOf, type K8sClusterSummary, type K8sObjectView, volumeUsageOf } from '@unity/shared';
import { createEnrollmentToken } from '../../hub/src/agents/enrollment-tokens.js';
import { login, startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { type AgentProcess, startAgent } from '../lib/agent.js';
import { FakeKubeApi } from '../lib/kube-api.js';
import {
  kubeletSummary,
  limitRange,
  namespaceObject,
  node,
  pod,
  pvc,
  resourceQuota,
} from '../lib/kube-fixtures.js';
import { makeTempDir, removeDir } from '../lib/paths.js';
import { NotYet, waitFor } from '../lib/wait.js';

const GiB = 1024 ** 3;

describe('kubernetes resource use from kubelet summaries (no metrics-server)', { timeout: 180_000 }, () => {
  let kube: FakeKubeApi;
  let hub: TestHub;
  let watcher: AgentProcess;
  let nodeAgent: AgentProcess;
  let cookie: string;
  let dir: string;

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${hub.url}${path}`, { headers: { cookie } });
    if (res.status !== 200) throw new NotYet(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const list = async (what: string) => (await get<{ items: K8sObjectView[] }>(`/api/k8s/edge/${what}`)).items;
  const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000) =>
    waitFor(probe, { timeoutMs, intervalMs: 100, what });
  const token = async () =>
    (await createEnrollmentToken(hub.deps.db, { ttlSec: 600, maxUses: 1, createdBy: null }, hub.url)).token;

  before(async () => {
    dir = makeTempDir('k8s-kubelet');
    kube = await FakeKubeApi.start();
    kube.writeKubeconfig(join(dir, 'kubeconfig'), ['edge']);
    // kube.metrics stays unset: /apis/metrics.k8s.io answers 404, as without metrics-server.
    kube.apply('v1/nodes', node('node-1'));
    kube.apply('v1/nodes', node('node-2'));
    kube.apply('v1/namespaces', namespaceObject('shop'));
    kube.apply('v1/pods', pod('shop', 'web-1', { node: 'node-1' }));
    kube.apply('v1/pods', pod('shop', 'db-0', { node: 'node-2' }));
    kube.apply('v1/persistentvolumeclaims', pvc('shop', 'data-db-0', '10Gi'));
    kube.apply('v1/limitranges', limitRange('shop', 'defaults'));
    kube.apply(
      'v1/resourcequotas',
      resourceQuota(
        'shop',
        'compute',
        { 'requests.cpu': '4', pods: '20' },
        { 'requests.cpu': '1500m', pods: '2' },
      ),
    );
    kube.summaries.set(
      'node-1',
      kubeletSummary('node-1', { cpuNanoCores: 850e6, memoryBytes: 3 * GiB }, [
        { namespace: 'shop', name: 'web-1', cpuNanoCores: 120e6, memoryBytes: 64 * 1024 ** 2 },
      ]),
    );
    kube.summaries.set(
      'node-2',
      kubeletSummary('node-2', { cpuNanoCores: 400e6, memoryBytes: 2 * GiB }, [
        {
          namespace: 'shop',
          name: 'db-0',
          cpuNanoCores: 250e6,
          memoryBytes: 512 * 1024 ** 2,
          volumes: [{ pvc: 'data-db-0', usedBytes: 9_126_805_504, capacityBytes: 10 * GiB }],
        },
      ]),
    );
    const kubelet2 = await kube.startKubelet('node-2');
    hub = await startTestHub();
    cookie = await login(hub);
    const common = ['--kubeconfig', join(dir, 'kubeconfig'), '--kube-usage-interval', '1s'];
    watcher = startAgent({
      name: 'k8s-watch',
      kubernetes: true,
      hubUrl: hub.url,
      token: await token(),
      hostInterval: '10s',
      extraArgs: [...common, '--kube-priority', '3'],
      // As a DaemonSet pod's downward API sets it.
      env: { NODE_NAME: 'node-1' },
    });
    nodeAgent = startAgent({
      name: 'k8s-node-2',
      kubernetes: true,
      hubUrl: hub.url,
      token: await token(),
      hostInterval: '10s',
      extraArgs: [...common, '--kube-usage-only', '--kube-node', 'node-2', '--kubelet-url', kubelet2],
    });
  });
  after(async () => {
    await Promise.all([watcher?.cleanup(), nodeAgent?.cleanup()]);
    await hub?.close();
    await kube?.close();
    if (dir) removeDir(dir);
  });

  it('falls back to the kubelet summary when metrics.k8s.io answers 404, and says so', async () => {
    const nodes = await until(
      'both nodes with usage',
      async () => {
        const items = await list('nodes');
        if (items.length !== 2 || items.some((n) => !computeUsageOf(n)))
          throw new NotYet(JSON.stringify(items.map((n) => [n.name, n.usage])));
        return items;
      },
      90_000,
    ); // two agent processes start from TypeScript: slow on a busy machine
    assert.deepEqual(
      nodes.map((n) => [n.name, computeUsageOf(n)]),
      [
        ['node-1', { cpuMillicores: 850, memoryBytes: 3 * GiB }],
        ['node-2', { cpuMillicores: 400, memoryBytes: 2 * GiB }],
      ],
      'each agent reported its own node, and the hub kept both',
    );
    const [cluster] = (await get<{ items: K8sClusterSummary[] }>('/api/k8s/clusters')).items;
    assert.equal(cluster?.usageSource, 'kubelet');
    assert.equal(cluster?.priority, 3);
    assert.equal(cluster?.hostName, watcher.hostName, 'the cluster stays with the watching agent');
    assert.ok(kube.requests.includes('/apis/metrics.k8s.io/v1beta1/nodes'), 'metrics-server was asked first');
    assert.ok(
      kube.requests.includes('/api/v1/nodes/node-1/proxy/stats/summary'),
      'node-1 through the node proxy',
    );
    assert.ok(kube.requests.includes('kubelet:node-2/stats/summary'), 'node-2 from its kubelet');
    assert.ok(
      !kube.requests.some((r) => r.includes('/nodes/node-2/proxy') || r.includes('kubelet:node-1')),
      'each agent reads its own node only',
    );
  });

  it('lands pod use from both nodes in the pods answer', async () => {
    const pods = await until('pod usage', async () => {
      const items = await list('pods?namespace=shop');
      if (items.some((p) => !computeUsageOf(p))) throw new NotYet(JSON.stringify(items.map((p) => p.usage)));
      return items;
    });
    assert.deepEqual(
      pods.map((p) => [p.name, computeUsageOf(p)]),
      [
        ['db-0', { cpuMillicores: 250, memoryBytes: 512 * 1024 ** 2 }],
        ['web-1', { cpuMillicores: 120, memoryBytes: 64 * 1024 ** 2 }],
      ],
    );
  });

  it('shows PVC volume use (used, capacity, available) from the kubelet', async () => {
    const [claim] = await until('pvc usage', async () => {
      const items = await list('pvcs?namespace=shop');
      return items[0] && volumeUsageOf(items[0]) ? items : undefined;
    });
    assert.deepEqual(claim?.usage, {
      usedBytes: 9_126_805_504,
      capacityBytes: 10 * GiB,
      availableBytes: 10 * GiB - 9_126_805_504,
    });
  });

  it('lists limit ranges (slimmed to type, default, defaultRequest, max, min) beside quotas', async () => {
    const [range] = await until('limit ranges', async () => {
      const items = await list('limitranges?namespace=shop');
      return items.length > 0 ? items : undefined;
    });
    assert.ok(range?.resource === 'limitranges');
    assert.deepEqual(range.data.limits, [
      {
        type: 'Container',
        default: { cpu: '500m', memory: '512Mi' },
        defaultRequest: { cpu: '250m', memory: '256Mi' },
        max: { cpu: '2', memory: '2Gi' },
        min: { cpu: '50m', memory: '64Mi' },
      },
      { type: 'PersistentVolumeClaim', max: { storage: '50Gi' }, min: { storage: '1Gi' } },
    ]);
    const [quota] = await list('resourcequotas?namespace=shop');
    assert.ok(quota?.resource === 'resourcequotas');
    assert.deepEqual(quota.data.used, { 'requests.cpu': '1500m', pods: '2' });
  });

  it('the usage-only node agent asks metrics-server about its node only, and watches nothing', () => {
    assert.ok(kube.requests.includes('/apis/metrics.k8s.io/v1beta1/nodes/node-2'), 'one small probe');
    // Both agents share this server: a second lister would show as a second list of each resource.
    for (const path of ['/api/v1/pods', '/api/v1/limitranges', '/api/v1/persistentvolumeclaims'])
      assert.equal(kube.requests.filter((r) => r === path).length, 1, `${path} listed once`);
  });
});
