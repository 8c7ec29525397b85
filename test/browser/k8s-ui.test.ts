/**
 * The Kubernetes pages in headless Chromium: the loopback Kubernetes API server
 * (test/lib/kube-api.ts), the built agent watching it through a kubeconfig, and an in-process
 * hub on PGlite serving the built UI. The overview lists the cluster with its node and pod
 * counts (and the nav offers Kubernetes); the namespace view shows a crash-looping pod's reason;
 * the PVC tab shows a claim's volume use from the kubelet summary (the agent knows its node, and
 * there is no metrics-server), and the quotas tab the quota with the limit range;
 * the pod page shows its log tail and follows a line written live until stopped; a pod changed
 * in the API shows its new phase on the open pod page and then on the open namespace page
 * within seconds, without a reload (the live feed's k8s_changed); the events page filters to
 * warnings; the
 * topology nests ingress → service → pods → nodes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { K8sClusterSummary } from '@unity/shared';
import type { Browser, Page } from 'playwright-core';
import { createEnrollmentToken } from '../../hub/src/agents/enrollment-tokens.js';
import { ADMIN, login, startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { type AgentProcess, startAgent } from '../lib/agent.js';
import { launchChromium } from '../lib/browser.js';
import { FakeKubeApi } from '../lib/kube-api.js';
import {
  deployment,
  event,
  ingress,
  kubeletSummary,
  limitRange,
  namespaceObject,
  node,
  pod,
  pvc,
  resourceQuota,
  service,
} from '../lib/kube-fixtures.js';
import { makeTempDir, REPO_ROOT, removeDir, resultsPath } from '../lib/paths.js';
import { NotYet, waitFor } from '../lib/wait.js';

let kube: FakeKubeApi;
let hub: TestHub;
let agent: AgentProcess;
let browser: Browser;
let page: Page;
let dir: string;

before(async () => {
  dir = makeTempDir('k8s-ui');
  kube = await FakeKubeApi.start();
  kube.writeKubeconfig(join(dir, 'kubeconfig'), ['test-a']);
  kube.apply('v1/nodes', node('node-1'));
  kube.apply('v1/nodes', node('node-2'));
  kube.apply('v1/namespaces', namespaceObject('shop'));
  kube.apply('apps/v1/deployments', deployment('shop', 'web', 2, 1));
  const owner = { kind: 'ReplicaSet', name: 'web-5d8' };
  kube.apply('v1/pods', pod('shop', 'web-1', { owner, labels: { app: 'web' } }));
  kube.apply(
    'v1/pods',
    pod('shop', 'web-2', {
      owner,
      labels: { app: 'web' },
      node: 'node-2',
      ready: false,
      restarts: 7,
      waiting: 'CrashLoopBackOff',
    }),
  );
  kube.apply('v1/services', service('shop', 'web', { app: 'web' }));
  kube.apply('networking.k8s.io/v1/ingresses', ingress('shop', 'web', 'shop.example', 'web'));
  kube.apply('v1/events', event('shop', 'web-2.17a', { kind: 'Pod', name: 'web-2' }, 'BackOff'));
  kube.apply('v1/events', event('shop', 'web-1.17b', { kind: 'Pod', name: 'web-1' }, 'Pulled', 'Normal'));
  for (let i = 1; i <= 3; i++) kube.appendLog('shop', 'web-1', `web-1 says line ${i}`);
  kube.apply('v1/persistentvolumeclaims', pvc('shop', 'data-web', '10Gi'));
  kube.apply('v1/limitranges', limitRange('shop', 'defaults'));
  kube.apply(
    'v1/resourcequotas',
    resourceQuota('shop', 'compute', { 'requests.cpu': '4' }, { 'requests.cpu': '1500m' }),
  );
  kube.summaries.set(
    'node-1',
    kubeletSummary('node-1', { cpuNanoCores: 5e8, memoryBytes: 2 ** 31 }, [
      {
        namespace: 'shop',
        name: 'web-1',
        cpuNanoCores: 1.2e8,
        memoryBytes: 2 ** 26,
        volumes: [{ pvc: 'data-web', usedBytes: 8 * 1024 ** 3, capacityBytes: 10 * 1024 ** 3 }],
      },
    ]),
  );

  [hub, browser] = await Promise.all([
    startTestHub({ env: { UNITY_UI_DIR: join(REPO_ROOT, 'ui', 'dist') } }),
    launchChromium(),
  ]);
  const { token } = await createEnrollmentToken(
    hub.deps.db,
    { ttlSec: 600, maxUses: 1, createdBy: null },
    hub.url,
  );
  agent = startAgent({
    name: 'k8s-ui',
    hubUrl: hub.url,
    token,
    hostInterval: '10s',
    entry: join(REPO_ROOT, 'agent', 'dist', 'unity-agent-k8s.mjs'),
    extraArgs: [
      ...['--kubeconfig', join(dir, 'kubeconfig'), '--kube-context', 'test-a=prod'],
      ...['--kube-usage-interval', '1s'],
    ],
    // The node it runs on, as a DaemonSet's downward API says: no metrics-server here, so its
    // kubelet summary gives the figures.
    env: { NODE_NAME: 'node-1' },
  });
  // The UI is tested, not the agent's first sync: wait for the cluster through the API.
  const cookie = await login(hub);
  await waitFor(
    async () => {
      const res = await fetch(`${hub.url}/api/k8s/clusters`, { headers: { cookie } });
      const { items } = (await res.json()) as { items: K8sClusterSummary[] };
      if (items[0]?.pods.total !== 2 || items[0].nodes.total !== 2 || items[0].usageSource !== 'kubelet')
        throw new NotYet(JSON.stringify(items));
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 100, what: 'the cluster synced to the hub' },
  );

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${hub.url}/k8s`);
  await page.waitForURL(/\/login/);
  await page.locator('input[name=username]').fill(ADMIN.username);
  await page.locator('input[name=password]').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/k8s');
});

after(async () => {
  await browser?.close();
  await agent?.cleanup();
  await hub?.close();
  await kube?.close();
  if (dir) removeDir(dir);
});

describe('the Kubernetes pages', () => {
  test('the overview lists the cluster with its nodes, pods and warnings', async () => {
    const cluster = page.locator('[data-testid=k8s-cluster][data-name=prod]');
    await cluster.waitFor();
    assert.equal((await cluster.locator('[data-testid=k8s-nodes]').textContent())?.trim(), '2/2 ready');
    const pods = (await cluster.locator('[data-testid=k8s-pods]').textContent())?.replace(/\s+/g, ' ');
    assert.match(pods ?? '', /2 pods · 2 Running · 1 failing/);
    assert.match((await cluster.locator('[data-testid=k8s-usage]').textContent()) ?? '', /kubelet summary/);
    await cluster.locator('[data-testid=k8s-warning-event]', { hasText: 'BackOff' }).waitFor();
    await cluster.locator('[data-testid=k8s-unhealthy]', { hasText: 'shop/web-2' }).waitFor();
    await page.locator('[data-testid=nav-k8s]').waitFor();
    await page.screenshot({ path: resultsPath('browser', 'k8s-overview.png'), fullPage: true });
  });

  test('the namespace view shows the crash-looping pod with its reason', async () => {
    await page.locator('[data-testid=k8s-cluster] h2 a', { hasText: 'prod' }).click();
    await page.waitForURL((url) => url.pathname === '/k8s/prod');
    await page.locator('[data-testid=k8s-namespace]').selectOption('shop');
    await page.waitForURL((url) => url.search === '?namespace=shop');
    const web = page.locator('[data-testid=k8s-row][data-kind=deployments][data-name=web]');
    assert.equal(
      (await web.locator('[data-testid=k8s-health]').textContent())?.trim(),
      'Degraded (1/2 ready)',
    );
    await page.locator('[data-testid=k8s-tab-pods]').click();
    const crashing = page.locator('[data-testid=k8s-row][data-kind=pods][data-name=web-2]');
    assert.equal(
      (await crashing.locator('[data-testid=k8s-health]').textContent())?.trim(),
      'CrashLoopBackOff',
    );
    const healthy = page.locator('[data-testid=k8s-row][data-kind=pods][data-name=web-1]');
    assert.equal((await healthy.locator('[data-testid=k8s-health]').textContent())?.trim(), 'ok');
    await page.locator('[data-testid=k8s-tab-pvcs]').click();
    const claim = page.locator('[data-testid=k8s-row][data-kind=pvcs][data-name=data-web]');
    assert.equal(
      (await claim.locator('[data-testid=k8s-pvc-used]').textContent())?.replace(/\s+/g, ' ').trim(),
      '8 GiB of 10 GiB (80%)',
    );
    await page.locator('[data-testid=k8s-tab-limits]').click();
    const limits = page.locator('[data-testid=k8s-limits]');
    await limits.locator('tr', { hasText: 'requests.cpu' }).filter({ hasText: '1500m used of 4' }).waitFor();
    await limits
      .locator('tr', { hasText: 'Limit range (Container)' })
      .filter({ hasText: 'default 500m · request 250m · max 2 · min 50m' })
      .waitFor();
    await limits
      .locator('tr', { hasText: 'Limit range (PersistentVolumeClaim)' })
      .filter({ hasText: 'max 50Gi · min 1Gi' })
      .waitFor();
    // Back to the pods, where the next test picks a pod.
    await page.locator('[data-testid=k8s-tab-pods]').click();
  });

  test('the pod page shows its containers, events and log, and follows the log live', async () => {
    await page.locator('[data-testid=k8s-row][data-name=web-2] a', { hasText: 'web-2' }).click();
    await page.waitForURL((url) => url.pathname === '/k8s/prod/pods/shop/web-2');
    const main = page.locator('[data-testid=k8s-container][data-name=main]');
    assert.equal(
      (await main.locator('[data-testid=k8s-container-state] unity-badge').textContent())?.trim(),
      'CrashLoopBackOff',
    );
    assert.match((await main.textContent()) ?? '', /Error \(exit 1\)/);
    assert.equal(await page.locator('[data-testid=k8s-pod-restarts]').textContent(), '7');
    await page.locator('[data-testid=k8s-pod-events] tr', { hasText: 'BackOff' }).waitFor();

    await page.goto(`${hub.url}/k8s/prod/pods/shop/web-1`);
    const logs = page.locator('[data-testid=k8s-logs]');
    await logs.filter({ hasText: 'web-1 says line 3' }).waitFor();
    await page.locator('[data-testid=k8s-logs-follow]').click();
    await page.locator('[data-testid=k8s-logs-status]', { hasText: 'Following' }).waitFor();
    // The agent's follow starts asynchronously: keep writing until a line arrives.
    await waitFor(
      async () => {
        kube.appendLog('shop', 'web-1', 'written while following');
        if (!((await logs.textContent()) ?? '').includes('written while following'))
          throw new NotYet('no live line');
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 300, what: 'a live log line' },
    );
    await page.locator('[data-testid=k8s-logs-stop]').click();
    await page.locator('[data-testid=k8s-logs-status]', { hasText: 'Stopped' }).waitFor();
    await page.locator('[data-testid=k8s-logs-follow]').waitFor();
  });

  test('a pod changed in the cluster shows its new state on the open page, without a reload', async (t) => {
    assert.equal(await page.locator('[data-testid=k8s-pod-phase]').textContent(), 'Running');
    // A reload would drop this mark: the new phase must come over the live feed.
    await page.evaluate('window.unityNoReload = true');
    const changed = Date.now();
    kube.update('v1/pods', 'shop', 'web-1', (p) => {
      p.status = pod('shop', 'web-1', { phase: 'Failed', ready: false }).status as object;
    });
    await page.locator('[data-testid=k8s-pod-phase]', { hasText: 'Failed' }).waitFor({ timeout: 5000 });
    t.diagnostic(`kube API change → pod page shows Failed in ${Date.now() - changed} ms`);
    assert.equal((await page.locator('.page-head [data-testid=k8s-health]').textContent())?.trim(), 'Failed');
    assert.equal(await page.evaluate('window.unityNoReload'), true, 'the page was not reloaded');

    // The namespace page, open on the pods tab, follows a change the same way.
    await page.locator('.crumbs a', { hasText: 'shop' }).click();
    await page.waitForURL((url) => url.pathname === '/k8s/prod' && url.search === '?namespace=shop');
    await page.locator('[data-testid=k8s-tab-pods]').click();
    const row = page.locator(
      '[data-testid=k8s-row][data-kind=pods][data-name=web-1] [data-testid=k8s-health]',
    );
    assert.equal((await row.textContent())?.trim(), 'Failed');
    await page.evaluate('window.unityNoReload = true');
    kube.update('v1/pods', 'shop', 'web-1', (p) => {
      p.status = pod('shop', 'web-1').status as object;
    });
    await row.filter({ hasText: 'ok' }).waitFor({ timeout: 5000 });
    assert.equal(await page.evaluate('window.unityNoReload'), true, 'the page was not reloaded');
  });

  test('the events page lists events and filters to warnings', async () => {
    await page.goto(`${hub.url}/k8s/prod/events`);
    await page.locator('[data-testid=k8s-event][data-type=Normal]', { hasText: 'Pulled' }).waitFor();
    await page.locator('[data-testid=k8s-warnings-only]').check();
    await page.locator('[data-testid=k8s-event][data-type=Normal]').waitFor({ state: 'detached' });
    const rows = page.locator('[data-testid=k8s-event]');
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /BackOff.*Pod shop\/web-2/s);
  });
  test('the topology nests ingress → service → pods → nodes', async () => {
    await page.goto(`${hub.url}/k8s/prod/topology?namespace=shop`);
    const ingressItem = page.locator('[data-testid=k8s-topology-ingress]', { hasText: 'shop.example' });
    const svc = ingressItem.locator('[data-testid=k8s-topology-service]', { hasText: 'service shop/web' });
    await svc.waitFor();
    const text = ((await svc.textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(text, /pod web-1 node node-1/);
    assert.match(text, /CrashLoopBackOff pod web-2 node node-2/);
  });
});
