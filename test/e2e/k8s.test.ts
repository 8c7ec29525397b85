/**
 * Kubernetes end to end: the loopback Kubernetes API server (test/lib/kube-api.ts), a real agent
 * process watching it through a kubeconfig with two contexts (two clusters), and an in-process
 * hub on PGlite. Covers the first listing, watch changes (a pod into CrashLoopBackOff, a delete),
 * a degraded deployment, a 410 Gone mid-watch with changes made meanwhile (relisted, nothing lost
 * or doubled), a dropped watch with a half-written line, events, resource use from
 * metrics.k8s.io, pod logs with follow, and an agent restart while the cluster changed (the
 * fresh snapshot removes what vanished meanwhile). Also: the deploy manifests and Helm chart
 * parse, and the agent's RBAC is read-only and covers what it watches.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { computeUsageOf, type K8sClusterSummary, type K8sObjectView } from '@unity/shared';
import { loadAll } from 'js-yaml';
import { createEnrollmentToken } from '../../hub/src/agents/enrollment-tokens.js';
import { login, startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { type AgentProcess, startAgent } from '../lib/agent.js';
import { FakeKubeApi } from '../lib/kube-api.js';
import { deployment, event, ingress, namespaceObject, node, pod, service } from '../lib/kube-fixtures.js';
import { makeTempDir, REPO_ROOT, removeDir } from '../lib/paths.js';
import { NotYet, waitFor } from '../lib/wait.js';

describe('kubernetes: loopback API server → real agent → hub', { timeout: 180_000 }, () => {
  let kube: FakeKubeApi;
  let hub: TestHub;
  let agent: AgentProcess;
  let cookie: string;
  let dir: string;
  const kubeconfig = () => join(dir, 'kubeconfig');

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${hub.url}${path}`, { headers: { cookie } });
    if (res.status !== 200) throw new NotYet(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const pods = async (cluster = 'prod') =>
    (await get<{ items: K8sObjectView[] }>(`/api/k8s/${cluster}/pods?namespace=shop`)).items;
  const podNames = async (cluster = 'prod') => (await pods(cluster)).map((p) => p.name).join(',');
  const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000) =>
    waitFor(probe, { timeoutMs, intervalMs: 100, what });
  const startKubeAgent = async (stateDir?: string) => {
    const { token } = await createEnrollmentToken(
      hub.deps.db,
      { ttlSec: 600, maxUses: 1, createdBy: null },
      hub.url,
    );
    return startAgent({
      name: 'k8s',
      kubernetes: true,
      hubUrl: hub.url,
      token,
      hostInterval: '10s',
      ...(stateDir ? { stateDir } : {}),
      extraArgs: [
        '--kubeconfig',
        kubeconfig(),
        '--kube-context',
        'test-a=prod,test-b=staging',
        '--kube-priority',
        '5',
        '--kube-usage-interval',
        '1s',
      ],
    });
  };

  before(async () => {
    dir = makeTempDir('k8s-e2e');
    kube = await FakeKubeApi.start();
    kube.writeKubeconfig(kubeconfig(), ['test-a', 'test-b']);
    kube.metrics = {
      pods: new Map([['shop/web-1', { cpu: '120m', memory: '64Mi' }]]),
      nodes: new Map([['node-1', { cpu: '1500m', memory: '2Gi' }]]),
    };
    kube.apply('v1/nodes', node('node-1'));
    kube.apply('v1/nodes', node('node-2'));
    kube.apply('v1/namespaces', namespaceObject('shop'));
    kube.apply('apps/v1/deployments', deployment('shop', 'web', 3, 2));
    for (const name of ['web-1', 'web-2', 'web-3'])
      kube.apply(
        'v1/pods',
        pod('shop', name, { owner: { kind: 'ReplicaSet', name: 'web-5d8' }, labels: { app: 'web' } }),
      );
    kube.apply('v1/services', service('shop', 'web', { app: 'web' }));
    kube.apply('networking.k8s.io/v1/ingresses', ingress('shop', 'web', 'shop.example', 'web'));
    hub = await startTestHub();
    cookie = await login(hub);
    agent = await startKubeAgent();
  });
  after(async () => {
    await agent?.cleanup();
    await hub?.close();
    await kube?.close();
    if (dir) removeDir(dir);
  });

  it('lists both contexts as clusters with their nodes, pods and a degraded deployment', async () => {
    const clusters = await until(
      'two clusters with 3 pods each',
      async () => {
        const { items } = await get<{ items: K8sClusterSummary[] }>('/api/k8s/clusters');
        if (items.length < 2 || items.some((c) => c.pods.total !== 3))
          throw new NotYet(JSON.stringify(items));
        return items;
      },
      90_000,
    ); // the agent process starts from TypeScript: slow on a busy machine
    assert.deepEqual(clusters.map((c) => c.name).sort(), ['prod', 'staging']);
    const prod = clusters.find((c) => c.name === 'prod');
    assert.equal(prod?.priority, 5);
    assert.deepEqual(prod?.nodes, { total: 2, ready: 2 });
    assert.deepEqual(prod?.workloads, { total: 1, degraded: 1 });
    const workloads = (await get<{ items: K8sObjectView[] }>('/api/k8s/prod/workloads')).items;
    assert.equal(workloads[0]?.health, 'warning', 'a deployment with 2 of 3 replicas ready is degraded');
    const ingresses = (await get<{ items: K8sObjectView[] }>('/api/k8s/prod/ingresses')).items;
    assert.ok(ingresses[0]?.resource === 'ingresses' && ingresses[0].data.tlsHosts[0] === 'shop.example');
    // Resource use from metrics.k8s.io, and the UI is told so.
    await until('pod usage', async () => {
      const web1 = (await pods()).find((p) => p.name === 'web-1');
      return web1 && computeUsageOf(web1)?.cpuMillicores === 120;
    });
    const [cluster] = (await get<{ items: K8sClusterSummary[] }>('/api/k8s/clusters')).items;
    assert.equal(cluster?.usageSource, 'metrics.k8s.io');
  });

  it('follows watch changes: a pod into CrashLoopBackOff, a deleted pod, a warning event', async () => {
    kube.update('v1/pods', 'shop', 'web-3', (p) => {
      p.status = pod('shop', 'web-3', { ready: false, restarts: 6, waiting: 'CrashLoopBackOff' })
        .status as object;
    });
    kube.remove('v1/pods', 'shop', 'web-2');
    kube.apply('v1/events', event('shop', 'web-3.17a', { kind: 'Pod', name: 'web-3' }, 'BackOff'));
    await until('web-3 crash-looping and web-2 gone', async () => {
      const items = await pods();
      const web3 = items.find((p) => p.name === 'web-3');
      if (items.length !== 2 || web3?.reason !== 'CrashLoopBackOff')
        throw new NotYet(items.map((p) => `${p.name}:${p.reason}`).join());
      return true;
    });
    const detail = await get<{ pod: K8sObjectView; events: K8sObjectView[] }>(
      '/api/k8s/prod/pods/shop/web-3',
    );
    assert.equal(detail.pod.health, 'error');
    assert.ok(detail.pod.resource === 'pods' && detail.pod.data.restarts === 6);
    assert.deepEqual(
      detail.events.map((e) => e.name),
      ['web-3.17a'],
    );
    // The other context sees the same server: its cluster follows too.
    await until('staging follows', async () => (await podNames('staging')) === 'web-1,web-3');
  });

  it('relists after 410 Gone mid-watch without losing or doubling objects', async () => {
    const listsBefore = kube.requests.filter((r) => r === '/api/v1/pods').length;
    kube.expire();
    kube.apply('v1/pods', pod('shop', 'web-4'));
    kube.remove('v1/pods', 'shop', 'web-1');
    await until('web-3,web-4 after the relist', async () => {
      const names = await podNames();
      if (names !== 'web-3,web-4') throw new NotYet(names);
      return true;
    });
    assert.ok(
      kube.requests.filter((r) => r === '/api/v1/pods').length > listsBefore,
      'the pods were listed again',
    );
    // A watch cut mid-line resumes from its resourceVersion.
    kube.dropWatches(true);
    kube.apply('v1/pods', pod('shop', 'web-5'));
    await until('web-5 after the dropped watch', async () => (await podNames()) === 'web-3,web-4,web-5');
    const clusters = (await get<{ items: K8sClusterSummary[] }>('/api/k8s/clusters')).items;
    assert.equal(clusters.find((c) => c.name === 'prod')?.pods.total, 3);
  });

  it('reads and follows pod logs through the agent', async () => {
    for (let i = 1; i <= 5; i++) kube.appendLog('shop', 'web-4', `line ${i}`);
    const tail = await get<{ items: string[] }>('/api/k8s/prod/pods/shop/web-4/logs?tailLines=2');
    assert.deepEqual(tail.items, ['line 4', 'line 5']);
    const controller = new AbortController();
    const res = await fetch(`${hub.url}/api/k8s/prod/pods/shop/web-4/logs?follow=1&tailLines=1`, {
      headers: { cookie },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the follow ended before "${needle}": ${text}`);
        text += Buffer.from(value).toString();
      }
    };
    await readUntil('line 5');
    kube.appendLog('shop', 'web-4', 'line 6 written while following');
    await readUntil('line 6 written while following');
    controller.abort();
    assert.ok(!text.includes('line 4'), 'tailLines=1 starts with the last line');
    const missing = await fetch(`${hub.url}/api/k8s/prod/pods/shop/nope/logs`, { headers: { cookie } });
    assert.equal(missing.status, 404);
  });

  it('an agent restarted after the cluster changed sends a fresh snapshot: what vanished is gone', async () => {
    const stateDir = agent.stateDir;
    await agent.stop('SIGKILL');
    kube.remove('v1/pods', 'shop', 'web-3');
    kube.apply('v1/pods', pod('shop', 'web-6'));
    // The same identity and outbox: a restart, not a new agent.
    agent.spawn();
    await until('the restarted agent resynced', async () => {
      const names = await podNames();
      if (names !== 'web-4,web-5,web-6') throw new NotYet(names);
      return true;
    });
    assert.ok(stateDir);
  });
});

type Manifest = {
  kind?: string;
  metadata?: { name?: string };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  spec?: {
    replicas?: number;
    template?: {
      spec?: {
        serviceAccountName?: string;
        containers?: {
          env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }[];
        }[];
      };
    };
  };
};

/**
 * Helm templates as YAML: control lines (`{{- if … }}`, `{{- end }}`) dropped, an expression
 * standing for a whole block dropped, every other expression replaced by a plain value. Enough
 * to parse them and read the RBAC rules, which are written out literally.
 */
const renderTemplate = (text: string): string =>
  text
    .split('\n')
    .filter((line) => !/^\s*\{\{-?\s*(if|end|else|define|toYaml)\b.*\}\}\s*$/.test(line))
    .map((line) => line.replace(/\{\{.*?\}\}/g, 'rendered'))
    .join('\n');

describe('deploy manifests and Helm chart', () => {
  const deploy = join(REPO_ROOT, 'deploy');
  const plain = readdirSync(join(deploy, 'kubernetes')).map((f) =>
    readFileSync(join(deploy, 'kubernetes', f), 'utf8'),
  );
  const chart = join(deploy, 'helm', 'unity');
  const templates = readdirSync(join(chart, 'templates'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => renderTemplate(readFileSync(join(chart, 'templates', f), 'utf8')));
  const docs = (texts: string[]) => texts.flatMap((t) => loadAll(t) as Manifest[]).filter((d) => d?.kind);

  it('parse, and give the agent read-only RBAC (get, list, watch) covering every resource it watches', () => {
    for (const chartFile of ['Chart.yaml', 'values.yaml'])
      loadAll(readFileSync(join(chart, chartFile), 'utf8'));
    for (const [what, manifests] of [
      ['manifests', docs(plain)],
      ['chart', docs(templates)],
    ] as const) {
      const roles = manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role');
      assert.equal(roles.length, 1, `${what}: one role`);
      const rules = roles.flatMap((r) => r.rules ?? []);
      for (const rule of rules) {
        const extra = rule.verbs.filter((v) => !['get', 'list', 'watch'].includes(v));
        assert.deepEqual(extra, [], `${what}: ${rule.resources.join()} is read-only`);
      }
      const granted = new Set(
        rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))),
      );
      for (const needed of [
        '/nodes',
        '/pods',
        '/pods/log',
        '/events',
        '/persistentvolumeclaims',
        '/resourcequotas',
        'apps/deployments',
        'apps/daemonsets',
        'batch/cronjobs',
        'discovery.k8s.io/endpointslices',
        'networking.k8s.io/ingresses',
        'metrics.k8s.io/pods',
        '/limitranges',
        // The node agents' kubelet summary.
        '/nodes/stats',
      ])
        assert.ok(granted.has(needed), `${what}: ${needed} granted`);
      // nodes/proxy `get` also opens the kubelet's exec endpoint (a websocket upgrade is a GET):
      // the node agents read the kubelet directly, authorized as nodes/stats.
      for (const never of ['/nodes/proxy', '/*', '*/*', '/pods/exec', '/secrets'])
        assert.ok(!granted.has(never), `${what}: ${never} is not granted`);
      assert.ok(
        rules.some((r) => r.resources.includes('nodes/stats') && r.verbs.join() === 'get'),
        `${what}: nodes/stats is get only`,
      );
      const nodeAgents = manifests.find((m) => m.kind === 'DaemonSet');
      const env = nodeAgents?.spec?.template?.spec?.containers?.[0]?.env ?? [];
      assert.equal(
        env.find((e) => e.name === 'NODE_NAME')?.valueFrom?.fieldRef?.fieldPath,
        'spec.nodeName',
        `${what}: each node agent knows its node from the downward API`,
      );
      assert.ok(
        env.some((e) => e.name === 'UNITY_KUBE_USAGE_ONLY' && e.value === '1'),
        `${what}: node agents watch nothing (one watching agent per cluster)`,
      );
      const agent = manifests.find((m) => m.kind === 'Deployment' && m.metadata?.name?.endsWith('agent'));
      assert.equal(agent?.spec?.replicas, 1, `${what}: one agent per cluster`);
      assert.ok(
        agent?.spec?.template?.spec?.serviceAccountName,
        `${what}: the agent runs as its service account`,
      );
      assert.ok(
        manifests.some((m) => m.kind === 'Deployment' && m.metadata?.name?.endsWith('hub')),
        `${what}: a hub`,
      );
    }
  });
});
