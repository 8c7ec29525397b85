/**
 * The Kubernetes scenarios against a real cluster, when one is at hand: set `KUBECONFIG` (its
 * current context, or `K8S_CONTEXT`) and `K8S_INTEGRATION_TESTS=1`. A real agent process watches
 * it and an in-process hub serves what it saw; the test compares the hub's answers with what the
 * API server itself lists. `K8S_INTEGRATION_NODE=<node>` also makes the agent read that node's
 * kubelet summary through the API server's node proxy (its user needs `get nodes/proxy`).
 * Without those variables every test here is reported as skipped, with the reason: CI has no
 * cluster and runs the same scenarios against the loopback API server (k8s.test.ts,
 * k8s-kubelet.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type { K8sClusterSummary, K8sObjectView } from '@unity/shared';
import { kubeHttp } from '../../agent/src/k8s/kube-http.js';
import { createEnrollmentToken } from '../../hub/src/agents/enrollment-tokens.js';
import { login, startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { type AgentProcess, startAgent } from '../lib/agent.js';
import { NotYet, waitFor } from '../lib/wait.js';

const kubeconfig = process.env.KUBECONFIG;
const enabled = ['1', 'true', 'yes'].includes(process.env.K8S_INTEGRATION_TESTS ?? '');
const skip =
  kubeconfig && enabled
    ? false
    : 'no real cluster: set KUBECONFIG and K8S_INTEGRATION_TESTS=1 to run these (CI uses the loopback API server)';
const CLUSTER = 'integration';

// Each test carries the skip (not only the suite), so the run counts them as skipped, with the reason.
describe('kubernetes against a real cluster', { timeout: 300_000 }, () => {
  let hub: TestHub;
  let agent: AgentProcess;
  let cookie: string;
  let api: ReturnType<typeof kubeHttp>;

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${hub.url}${path}`, { headers: { cookie } });
    if (res.status !== 200) throw new NotYet(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000) =>
    waitFor(probe, { timeoutMs, intervalMs: 500, what });
  /** Names of what the API server itself lists at `path`. */
  const names = async (path: string) => {
    const list = (await api.getJson(path)) as { items: { metadata: { name: string } }[] };
    return list.items.map((i) => i.metadata.name).sort();
  };

  before(async () => {
    if (skip) return;
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig as string);
    if (process.env.K8S_CONTEXT) kc.setCurrentContext(process.env.K8S_CONTEXT);
    api = kubeHttp(kc);
    hub = await startTestHub();
    cookie = await login(hub);
    const { token } = await createEnrollmentToken(
      hub.deps.db,
      { ttlSec: 600, maxUses: 1, createdBy: null },
      hub.url,
    );
    agent = startAgent({
      name: 'k8s-real',
      kubernetes: true,
      hubUrl: hub.url,
      token,
      hostInterval: '10s',
      extraArgs: [
        ...['--kubeconfig', kubeconfig as string, '--kube-cluster', CLUSTER, '--kube-usage-interval', '5s'],
        ...(process.env.K8S_CONTEXT ? ['--kube-context', `${process.env.K8S_CONTEXT}=${CLUSTER}`] : []),
        ...(process.env.K8S_INTEGRATION_NODE ? ['--kube-node', process.env.K8S_INTEGRATION_NODE] : []),
      ],
    });
  });
  after(async () => {
    await agent?.cleanup();
    await hub?.close();
  });

  it('shows the cluster with every node the API server lists', { skip }, async () => {
    const expected = await names('/api/v1/nodes');
    assert.ok(expected.length > 0, 'the cluster has nodes');
    await until('the nodes', async () => {
      const items = (await get<{ items: K8sObjectView[] }>(`/api/k8s/${CLUSTER}/nodes`)).items;
      const got = items.map((n) => n.name).sort();
      if (got.join() !== expected.join()) throw new NotYet(`${got.join()} vs ${expected.join()}`);
      return true;
    });
    const cluster = (await get<{ items: K8sClusterSummary[] }>('/api/k8s/clusters')).items.find(
      (c) => c.name === CLUSTER,
    );
    assert.equal(cluster?.nodes.total, expected.length);
  });

  it('shows the pods of kube-system as the API server lists them', { skip }, async () => {
    const expected = await names('/api/v1/namespaces/kube-system/pods');
    assert.ok(expected.length > 0, 'kube-system has pods');
    await until('kube-system pods', async () => {
      const items = (await get<{ items: K8sObjectView[] }>(`/api/k8s/${CLUSTER}/pods?namespace=kube-system`))
        .items;
      const got = items.map((p) => p.name).sort();
      // Pods come and go on a live cluster: every listed one must arrive, extra ones may be new.
      const missing = expected.filter((n) => !got.includes(n));
      if (missing.length > 0) throw new NotYet(`missing ${missing.join()}`);
      return true;
    });
    const events = await get<{ items: K8sObjectView[] }>(`/api/k8s/${CLUSTER}/events`);
    assert.ok(Array.isArray(events.items));
  });

  it('says where resource use comes from', { skip }, async () => {
    const source = await until('a usage report', async () => {
      const c = (await get<{ items: K8sClusterSummary[] }>('/api/k8s/clusters')).items.find(
        (x) => x.name === CLUSTER,
      );
      return c?.usageSource ?? undefined;
    });
    const want = process.env.K8S_INTEGRATION_NODE
      ? ['metrics.k8s.io', 'kubelet']
      : ['metrics.k8s.io', 'none'];
    assert.ok(want.includes(source), `usage source ${source}`);
  });
});
