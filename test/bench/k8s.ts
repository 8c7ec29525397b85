/**
 * Kubernetes figures (issue 10): the built agent bundle watching a synthetic cluster on the
 * loopback API server (test/lib/kube-api.ts), an in-process hub on PGlite. Measures the agent's
 * RSS once every pod is at the hub (target ≤ 150 MB for 5,000 pods) and the time from a pod
 * phase change in the API server to the change being visible in the hub's API (p99 < 2 s).
 * Full: 5,000 pods, 50 changes. Smoke: 200 pods, 5 changes.
 * @module
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { K8sClusterSummary, K8sObjectView } from '@unity/shared';
import { createEnrollmentToken } from '../../hub/src/agents/enrollment-tokens.js';
import { login, startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { type AgentProcess, startAgent } from '../lib/agent.js';
import { FakeKubeApi } from '../lib/kube-api.js';
import { deployment, namespaceObject, node, pod } from '../lib/kube-fixtures.js';
import { makeTempDir, REPO_ROOT, removeDir } from '../lib/paths.js';
import { NotYet, waitFor } from '../lib/wait.js';
import { rssBytes } from './proc-sampler.js';
import { printTable, writeJson } from './report.js';

export type K8sParams = { pods: number; changes: number };
export const FULL: K8sParams = { pods: 5000, changes: 50 };
export const SMOKE: K8sParams = { pods: 200, changes: 5 };

const AGENT_DIR = join(REPO_ROOT, 'agent');
const MB = 1024 * 1024;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;

export async function k8sBench(p: K8sParams, mode: string): Promise<void> {
  const dir = makeTempDir('bench-k8s');
  let kube: FakeKubeApi | undefined;
  let hub: TestHub | undefined;
  let agent: AgentProcess | undefined;
  try {
    await promisify(execFile)(process.execPath, [join(AGENT_DIR, 'build.mjs')], { cwd: AGENT_DIR });
    kube = await FakeKubeApi.start();
    const kubeconfig = join(dir, 'kubeconfig');
    kube.writeKubeconfig(kubeconfig, ['bench']);
    const namespaces = Math.max(1, Math.round(p.pods / 100));
    for (let n = 0; n < Math.max(2, p.pods / 50); n++) kube.apply('v1/nodes', node(`node-${n}`));
    for (let ns = 0; ns < namespaces; ns++) {
      kube.apply('v1/namespaces', namespaceObject(`ns-${ns}`));
      kube.apply('apps/v1/deployments', deployment(`ns-${ns}`, 'app', 100, 100));
    }
    for (let i = 0; i < p.pods; i++)
      kube.apply(
        'v1/pods',
        pod(`ns-${i % namespaces}`, `app-${i}`, {
          node: `node-${i % 50}`,
          owner: { kind: 'ReplicaSet', name: 'app-1' },
        }),
      );
    const live = await startTestHub();
    hub = live;
    const cookie = await login(live);
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${live.url}${path}`, { headers: { cookie } });
      if (res.status !== 200) throw new NotYet(`${path}: ${res.status}`);
      return (await res.json()) as T;
    };
    const { token } = await createEnrollmentToken(
      live.deps.db,
      { ttlSec: 600, maxUses: 1, createdBy: null },
      live.url,
    );
    const started = performance.now();
    agent = startAgent({
      name: 'bench-k8s',
      hubUrl: live.url,
      token,
      entry: join(AGENT_DIR, 'dist', 'unity-agent-k8s.mjs'),
      env: { LOG_LEVEL: 'warn' },
      extraArgs: ['--kubeconfig', kubeconfig, '--kube-usage-interval', '1h'],
    });
    await waitFor(
      async () => {
        const { items } = await get<{ items: K8sClusterSummary[] }>('/api/k8s/clusters');
        const pods = items[0]?.pods.total ?? 0;
        if (pods < p.pods) throw new NotYet(`${pods} pods at the hub`);
        return true;
      },
      { timeoutMs: 180_000, intervalMs: 250, what: `${p.pods} pods at the hub` },
    );
    const syncSec = (performance.now() - started) / 1000;
    const pid = agent.pid;
    let rss = rssBytes(pid);
    const latencies: number[] = [];
    for (let i = 0; i < p.changes; i++) {
      const name = `app-${(i * 97) % p.pods}`;
      const ns = `ns-${((i * 97) % p.pods) % namespaces}`;
      const phase = i % 2 === 0 ? 'Failed' : 'Running';
      const t0 = performance.now();
      kube.update('v1/pods', ns, name, (o) => {
        (o.status as { phase: string }).phase = phase;
      });
      await waitFor(
        async () => {
          const { pod: seen } = await get<{ pod: K8sObjectView }>(`/api/k8s/bench/pods/${ns}/${name}`);
          return seen.resource === 'pods' && seen.data.phase === phase;
        },
        { timeoutMs: 30_000, intervalMs: 20, what: `${ns}/${name} ${phase} at the hub` },
      );
      latencies.push(performance.now() - t0);
      rss = Math.max(rss, rssBytes(pid));
    }
    latencies.sort((a, b) => a - b);
    const row = {
      pods: p.pods,
      'first sync s': Number(syncSec.toFixed(1)),
      'agent RSS MB': Number((rss / MB).toFixed(1)),
      'RSS ≤ 150 MB': rss <= 150 * MB,
      'change p50 ms': Math.round(quantile(latencies, 0.5)),
      'change p99 ms': Math.round(quantile(latencies, 0.99)),
      'p99 < 2 s': quantile(latencies, 0.99) < 2000,
    };
    printTable(`Kubernetes (${mode}): agent watching ${p.pods} pods, ${p.changes} phase changes`, [row]);
    writeJson(`k8s-${mode}`, row);
    if (!row['RSS ≤ 150 MB'] || !row['p99 < 2 s']) throw new Error('kubernetes figures past their targets');
  } finally {
    await agent?.cleanup();
    await hub?.close();
    await kube?.close();
    removeDir(dir);
  }
}
