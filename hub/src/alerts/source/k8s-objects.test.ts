/**
 * Kubernetes alert objects read from k8s_objects as stored from agents' items: the statuses and
 * metrics of pods, nodes, workloads, PVCs, quotas and jobs, their instance labels and selectors,
 * the pod restart history (recorded on change, pruned, read over a window), host scopes, the
 * schema's errors for statuses and metrics a kind does not have, and the backtest's refusal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AlertRuleSpecInput, AlertRuleSpecSchema, type BatchItem, type K8sObject } from '@unity/shared';
import { sql } from 'drizzle-orm';
import { createAgent } from '../../agents/agent-store.js';
import { rowsOf } from '../../db/client.js';
import { migrate } from '../../db/migrate.js';
import { storeBatch } from '../../ingest/writer.js';
import { silentLogger } from '../../log.js';
import { backends, type TestDatabase } from '../../testing/databases.js';
import { hostFacts } from '../../testing/fixtures.js';
import { backtestRule } from '../backtest.js';
import type { EvalRule, Observation } from '../eval/types.js';
import { visibleObjectKeys } from '../object-scope.js';
import { previewRule } from '../preview.js';
import { RULE_TEMPLATES } from '../rule-templates.js';
import { DbSource } from './db-source.js';

const log = silentLogger();
const MIN = 60_000;
const CLUSTER = { name: 'prod', priority: 0 };

const rule = (
  r: Partial<AlertRuleSpecInput> & Pick<AlertRuleSpecInput, 'condition' | 'selector'>,
): EvalRule => ({
  ...AlertRuleSpecSchema.parse({ name: 'r', ...r }),
  id: crypto.randomUUID(),
});

type PodData = Extract<K8sObject, { resource: 'pods' }>['data'];
const pod = (name: string, over: Partial<PodData> = {}, uid = `uid-${name}`): K8sObject => ({
  resource: 'pods',
  namespace: 'shop',
  name,
  uid,
  data: {
    phase: 'Running',
    ready: true,
    restarts: 0,
    labels: { app: name.split('-')[0] ?? name },
    conditions: [],
    containers: [{ name: 'main', image: 'app:1', ready: true, restarts: 0, state: 'running' }],
    node: 'n1',
    ...over,
  },
});
const crashing = (restarts: number): Partial<PodData> => ({
  ready: false,
  restarts,
  reason: 'CrashLoopBackOff',
  containers: [
    {
      name: 'main',
      image: 'app:1',
      ready: false,
      restarts,
      state: 'waiting',
      reason: 'CrashLoopBackOff',
      lastReason: 'Error',
    },
  ],
});
const node = (name: string, ready: boolean, memoryPressure = false): K8sObject => ({
  resource: 'nodes',
  namespace: '',
  name,
  uid: `uid-${name}`,
  data: {
    ready,
    conditions: [
      { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady' },
      { type: 'MemoryPressure', status: memoryPressure ? 'True' : 'False' },
      { type: 'DiskPressure', status: 'False' },
    ],
    capacity: {},
    allocatable: {},
    taints: [],
    unschedulable: false,
  },
});
const workload = (
  resource: 'deployments' | 'statefulsets',
  name: string,
  desired: number,
  ready: number,
  progressing = 'NewReplicaSetAvailable',
): K8sObject => ({
  resource,
  namespace: 'shop',
  name,
  uid: `uid-${resource}-${name}`,
  data: {
    desired,
    ready,
    updated: desired,
    available: ready,
    selector: {},
    conditions: [
      {
        type: 'Progressing',
        status: progressing === 'ProgressDeadlineExceeded' ? 'False' : 'True',
        reason: progressing,
      },
    ],
    stale: false,
  },
});
const pvc = (name: string, capacity?: string): K8sObject => ({
  resource: 'pvcs',
  namespace: 'shop',
  name,
  uid: `uid-${name}`,
  data: { phase: 'Bound', ...(capacity ? { capacity } : {}), storageClass: 'fast' },
});
const quota = (name: string, hard: Record<string, string>, used: Record<string, string>): K8sObject => ({
  resource: 'resourcequotas',
  namespace: 'shop',
  name,
  uid: `uid-${name}`,
  data: { hard, used },
});
const job = (name: string, failedReason?: string): K8sObject => ({
  resource: 'jobs',
  namespace: 'shop',
  name,
  uid: `uid-${name}`,
  data: {
    active: 0,
    succeeded: failedReason ? 0 : 1,
    failed: failedReason ? 6 : 0,
    owner: { kind: 'CronJob', name: 'nightly' },
    complete: !failedReason,
    ...(failedReason ? { failedReason } : {}),
  },
});

for (const backend of backends)
  describe(`kubernetes alert objects on ${backend.name}`, () => {
    let database: TestDatabase;
    let source: DbSource;
    let hostId: string;
    let seq = 0;
    const store = (items: BatchItem[]) =>
      storeBatch(database.db, hostId, { type: 'batch', seq: ++seq, items }, log);
    const snapshot = (resource: K8sObject['resource'], objects: K8sObject[]): BatchItem => ({
      kind: 'k8s_snapshot',
      ts: Date.now(),
      cluster: CLUSTER,
      resource,
      snapshotId: `s${seq}-${resource}`,
      final: true,
      objects,
    });
    const upsert = (...objects: K8sObject[]): BatchItem => ({
      kind: 'k8s_delta',
      ts: Date.now(),
      cluster: CLUSTER,
      changes: objects.map((object) => ({ op: 'upsert' as const, object })),
    });
    const observe = async (r: EvalRule, now = Date.now()): Promise<Observation[]> => {
      const data = (await source.collect([r], now)).get(r.id);
      assert.ok(data && !('error' in data), JSON.stringify(data));
      return data.leaves[0] ?? [];
    };
    /** name → value (1/0 for statuses), null for no data. */
    const values = async (r: EvalRule, now?: number) =>
      Object.fromEntries(
        (await observe(r, now)).map((o) => [
          o.labels.pod ??
            o.labels.node ??
            o.labels.workload ??
            o.labels.pvc ??
            o.labels.quota ??
            o.labels.job,
          o.outcome.type === 'value' ? o.outcome.value : o.outcome.type,
        ]),
      );
    const restartRows = async (name: string) =>
      rowsOf<{ restarts: number }>(
        await database.db.execute(
          sql`select restarts from k8s_pod_restarts where name = ${name} order by at, restarts`,
        ),
      ).map((r) => Number(r.restarts));

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      hostId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'K'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      await store([
        snapshot('pods', [
          pod('web-1'),
          pod('web-2', crashing(3)),
          pod('api-1', { phase: 'Pending', ready: false }),
          pod('batch-1', { phase: 'Succeeded', ready: false }),
          pod('oom-1', {
            containers: [
              {
                name: 'main',
                image: 'a',
                ready: true,
                restarts: 1,
                state: 'running',
                lastReason: 'OOMKilled',
              },
            ],
          }),
        ]),
        snapshot('nodes', [node('n1', true), node('n2', false), node('n3', true, true)]),
        snapshot('deployments', [
          workload('deployments', 'web', 3, 2),
          workload('deployments', 'api', 2, 2),
          workload('deployments', 'stuck', 2, 2, 'ProgressDeadlineExceeded'),
        ]),
        snapshot('statefulsets', [workload('statefulsets', 'web', 1, 1)]),
        snapshot('pvcs', [pvc('data', '10Gi'), pvc('logs', '1Gi')]),
        snapshot('resourcequotas', [
          quota(
            'compute',
            { 'requests.cpu': '4', 'limits.memory': '8Gi', pods: '10' },
            {
              'requests.cpu': '1500m',
              'limits.memory': '7.5Gi',
              pods: '3',
            },
          ),
        ]),
        snapshot('jobs', [job('nightly-1', 'BackoffLimitExceeded'), job('nightly-2')]),
      ]);
      source = new DbSource({ db: database.db, publicUrl: 'http://hub.test', offlineAfterMs: 30_000 });
    });
    after(async () => {
      await database.close();
    });

    it('reads pod statuses with cluster, namespace and pod labels, and selects by label.<key>', async () => {
      const status = (s: string) =>
        rule({ selector: { object: 'k8s_pod' }, condition: { kind: 'status', status: s } });
      assert.deepEqual(await values(status('crash_looping')), {
        'api-1': 0,
        'batch-1': 0,
        'oom-1': 0,
        'web-1': 0,
        'web-2': 1,
      });
      // A finished pod is not "not ready".
      const notReady = await values(status('not_ready'));
      assert.deepEqual(
        Object.keys(notReady).filter((k) => notReady[k] === 1),
        ['api-1', 'web-2'],
      );
      assert.equal((await values(status('oom_killed')))['oom-1'], 1);
      const [web2] = (await observe(status('crash_looping'))).filter((o) => o.labels.pod === 'web-2');
      assert.deepEqual(web2?.labels, { cluster: 'prod', namespace: 'shop', pod: 'web-2' });
      assert.equal(web2?.url, 'http://hub.test/k8s/prod/pods/shop/web-2');
      assert.equal(web2?.key, 'k8s:prod:pods/shop/web-2');
      const byAppLabel = rule({
        selector: { object: 'k8s_pod', matchers: [{ label: 'label.app', op: '=', value: 'web' }] },
        condition: { kind: 'status', status: 'not_ready' },
      });
      assert.deepEqual(Object.keys(await values(byAppLabel)), ['web-1', 'web-2']);
      const byPhase = rule({
        selector: { object: 'k8s_pod', matchers: [{ label: 'phase', op: '=', value: 'Pending' }] },
        condition: { kind: 'status', status: 'not_ready' },
      });
      assert.deepEqual(await values(byPhase), { 'api-1': 1 });
    });

    it('records restart counts on change and counts the rise within the window', async () => {
      assert.deepEqual(await restartRows('web-2'), [3], 'first seen with 3 restarts');
      await store([upsert(pod('web-2', crashing(3)))]);
      assert.deepEqual(await restartRows('web-2'), [3], 'an unchanged count writes nothing');
      for (const n of [5, 7, 10]) await store([upsert(pod('web-2', crashing(n)))]);
      assert.deepEqual(await restartRows('web-2'), [3, 5, 7, 10]);
      // Spread the history: 3 at −30 min, 5 at −8 min, 7 at −5 min, 10 at −1 min.
      const now = Date.now();
      const ago = [30, 8, 5, 1];
      for (const [i, restarts] of [3, 5, 7, 10].entries())
        await database.db.execute(
          sql`update k8s_pod_restarts set at = to_timestamp(${now - (ago[i] ?? 0) * MIN} / 1000.0)
            where name = 'web-2' and restarts = ${restarts}`,
        );
      const rising = (windowSec: number) =>
        rule({
          selector: { object: 'k8s_pod', matchers: [{ label: 'pod', op: '=~', value: 'web-.*' }] },
          condition: { kind: 'status', status: 'restarting', restarts: 6, windowSec },
        });
      // 10 min: from 3 (the count before the window) to 10; 6 min: from 5; an hour: from 3, first seen.
      assert.deepEqual(await values(rising(600), now), { 'web-1': 0, 'web-2': 7 });
      assert.deepEqual(await values(rising(360), now), { 'web-1': 0, 'web-2': 5 });
      assert.deepEqual(await values(rising(3600), now), { 'web-1': 0, 'web-2': 7 });
      // Recreated under the same name: the new uid starts over.
      await store([upsert(pod('web-2', crashing(0), 'uid-web-2-b'))]);
      assert.deepEqual(await values(rising(600)), { 'web-1': 0, 'web-2': 0 });
      // Rows older than a day go when the pod next changes, but the newest one from before stays.
      await database.db.execute(
        sql`update k8s_pod_restarts set at = at - interval '2 days' where name = 'web-2'`,
      );
      await store([upsert(pod('web-2', crashing(1), 'uid-web-2-b'))]);
      assert.deepEqual(await restartRows('web-2'), [0, 1], 'only the newest row before the cutoff is kept');
      // A deleted pod takes its history along.
      await store([
        {
          kind: 'k8s_delta',
          ts: Date.now(),
          cluster: CLUSTER,
          changes: [{ op: 'delete', resource: 'pods', namespace: 'shop', name: 'web-2' }],
        },
      ]);
      assert.deepEqual(await restartRows('web-2'), []);
    });

    it('reads node conditions', async () => {
      const status = (s: string) =>
        rule({ selector: { object: 'k8s_node' }, condition: { kind: 'status', status: s } });
      assert.deepEqual(await values(status('not_ready')), { n1: 0, n2: 1, n3: 0 });
      assert.deepEqual(await values(status('memory_pressure')), { n1: 0, n2: 0, n3: 1 });
      assert.deepEqual(await values(status('disk_pressure')), { n1: 0, n2: 0, n3: 0 });
      const [n2] = (await observe(status('not_ready'))).filter((o) => o.labels.node === 'n2');
      assert.deepEqual(n2?.labels, { cluster: 'prod', node: 'n2' });
      assert.equal(n2?.outcome.type === 'value' && n2.outcome.vars?.reason, 'KubeletNotReady');
      // The editor's preview renders the default message; a scoped editor sees its cluster only.
      const spec = AlertRuleSpecSchema.parse({
        name: 'NodeNotReady',
        selector: { object: 'k8s_node' },
        condition: { kind: 'status', status: 'not_ready' },
      });
      const preview = await previewRule(database.db, source, spec, Date.now());
      assert.equal(preview.objects, 3);
      const active = preview.items.filter((i) => i.active);
      assert.deepEqual(
        active.map((i) => i.annotations.summary),
        ['Node n2 in prod is not ready'],
      );
      assert.match(active[0]?.annotations.description ?? '', /http:\/\/hub\.test\/k8s\/prod$/);
      assert.equal(
        (await previewRule(database.db, source, spec, Date.now(), new Set(['elsewhere']))).objects,
        0,
      );
    });

    it('reads workload replicas and rollouts, one instance per kind and name', async () => {
      const mismatch = await observe(
        rule({
          selector: { object: 'k8s_workload' },
          condition: { kind: 'status', status: 'replica_mismatch' },
        }),
      );
      assert.deepEqual(
        mismatch.map((o) => [
          o.labels.kind,
          o.labels.workload,
          o.outcome.type === 'value' && o.outcome.value,
        ]),
        [
          ['deployment', 'api', 0],
          ['deployment', 'stuck', 0],
          ['deployment', 'web', 1],
          ['statefulset', 'web', 0],
        ],
      );
      const stuck = rule({
        selector: { object: 'k8s_workload', matchers: [{ label: 'kind', op: '=', value: 'deployment' }] },
        condition: { kind: 'status', status: 'rollout_stuck' },
      });
      assert.deepEqual(await values(stuck), { api: 0, stuck: 1, web: 0 });
      const ready = rule({
        selector: { object: 'k8s_workload', matchers: [{ label: 'kind', op: '=', value: 'deployment' }] },
        condition: { kind: 'threshold', metric: 'ready_percent', op: '<', threshold: 100 },
      });
      const readyValues = await values(ready);
      assert.equal(Math.round(Number(readyValues.web)), 67);
    });

    it('reads PVC use when known (no data otherwise), the fullest quota resource and failed jobs', async () => {
      const full = rule({
        selector: { object: 'k8s_pvc' },
        condition: {
          kind: 'threshold',
          metric: 'usage_percent',
          aggregation: 'last',
          op: '>',
          threshold: 85,
        },
      });
      assert.deepEqual(await values(full), { data: 'nodata', logs: 'nodata' });
      // Volume use as a node agent reports it from the kubelet summary (stored in the PVC's usage);
      // without the kubelet's capacity, the claim's own capacity is the whole.
      await store([
        {
          kind: 'k8s_usage',
          ts: Date.now(),
          cluster: CLUSTER,
          source: 'kubelet',
          node: 'n1',
          nodes: [],
          pods: [],
          pvcs: [
            {
              namespace: 'shop',
              name: 'data',
              usedBytes: 9663676416,
              capacityBytes: 10737418240,
              availableBytes: 1073741824,
            },
          ],
        },
      ]);
      await database.db.execute(
        sql`update k8s_objects set usage = '{"usedBytes": 536870912}' where resource = 'pvcs' and name = 'logs'`,
      );
      assert.deepEqual(await values(full), { data: 90, logs: 50 });
      const [q] = await observe(
        rule({
          selector: { object: 'k8s_quota' },
          condition: { kind: 'threshold', metric: 'quota_percent', op: '>', threshold: 90 },
        }),
      );
      assert.deepEqual(q?.labels, { cluster: 'prod', namespace: 'shop', quota: 'compute' });
      assert.equal(q?.outcome.type === 'value' && q.outcome.value, 93.75);
      assert.equal(q?.outcome.type === 'value' && q.outcome.vars?.resource, 'limits.memory');
      const failed = rule({
        selector: { object: 'k8s_job', matchers: [{ label: 'owner', op: '=', value: 'nightly' }] },
        condition: { kind: 'status', status: 'failed' },
      });
      assert.deepEqual(await values(failed), { 'nightly-1': 1, 'nightly-2': 0 });
    });

    it('scopes instances to the host of the cluster’s agent', async () => {
      const keys = ['k8s:prod:pods/shop/web-1', 'k8s:other:nodes//n1'];
      assert.deepEqual([...(await visibleObjectKeys(database.db, keys, new Set([hostId])))], [keys[0]]);
      assert.deepEqual([...(await visibleObjectKeys(database.db, keys, new Set(['someone-else'])))], []);
    });

    it('says why a Kubernetes rule cannot be backtested', async () => {
      await assert.rejects(
        backtestRule(
          database.db,
          source,
          AlertRuleSpecSchema.parse({
            name: 'b',
            selector: { object: 'k8s_node' },
            condition: { kind: 'status', status: 'not_ready' },
          }),
          { days: 1, stepSec: 60, now: Date.now(), publicUrl: 'http://hub.test' },
        ),
        /Kubernetes rule cannot be backtested/,
      );
    });
  });

describe('kubernetes rules in the schema and templates', () => {
  const issues = (r: unknown) => {
    const parsed = AlertRuleSpecSchema.safeParse(r);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('refuses statuses and metrics a kind does not have, with the allowed ones named', () => {
    assert.deepEqual(
      issues({
        name: 'x',
        selector: { object: 'k8s_node' },
        condition: { kind: 'status', status: 'crash_looping' },
      }),
      [
        'condition.status: k8s_node statuses are not_ready, memory_pressure, disk_pressure, pid_pressure, unschedulable',
      ],
    );
    assert.deepEqual(
      issues({
        name: 'x',
        selector: { object: 'k8s_pvc' },
        condition: { kind: 'threshold', metric: 'quota_percent', op: '>', threshold: 1 },
      }),
      ['condition.metric: k8s_pvc metrics are usage_percent'],
    );
    assert.deepEqual(
      issues({
        name: 'x',
        selector: { object: 'k8s_node' },
        condition: { kind: 'threshold', metric: 'cpu_percent', op: '>', threshold: 1 },
      }),
      [
        'condition.kind: k8s_node has no metrics; use a status condition (not_ready, memory_pressure, disk_pressure, pid_pressure, unschedulable)',
      ],
    );
    assert.deepEqual(
      issues({
        name: 'x',
        selector: { object: 'k8s_quota' },
        condition: { kind: 'status', status: 'failed' },
      }),
      ['condition.kind: k8s_quota has no statuses; use a threshold on quota_percent'],
    );
    assert.deepEqual(
      issues({
        name: 'x',
        selector: { object: 'k8s_pod' },
        condition: { kind: 'rate_of_change', metric: 'restarts', op: '>', percent: 1 },
      }),
      ['condition.kind: Kubernetes metrics are current values without history; use a threshold condition'],
    );
    assert.deepEqual(
      issues({ name: 'x', selector: { object: 'k8s_pod' }, condition: { kind: 'absence', afterSec: 60 } }),
      ['condition.kind: Kubernetes objects have no samples to miss; use a status condition'],
    );
    assert.match(
      issues({
        name: 'x',
        selector: { object: 'k8s_deployment' },
        condition: { kind: 'status', status: 'failed' },
      })[0] ?? '',
      /selector\.object: must be one of host, container, probe, series, k8s_pod, /,
    );
  });

  it('ships the Kubernetes templates of issue 10', () => {
    const byName = new Map(RULE_TEMPLATES.map((t) => [t.name, t.rule]));
    for (const name of [
      'PodCrashLooping',
      'PodNotReady',
      'NodeNotReady',
      'NodeMemoryPressure',
      'NodeDiskPressure',
      'DeploymentReplicaMismatch',
      'RolloutStuck',
      'PVCNearFull',
      'QuotaNearLimit',
      'JobFailed',
    ])
      assert.ok(byName.get(name)?.selector.object.startsWith('k8s_'), name);
    assert.deepEqual(byName.get('PodCrashLooping')?.condition, {
      kind: 'status',
      status: 'restarting',
      restarts: 6,
      windowSec: 600,
    });
    assert.equal(byName.get('PodNotReady')?.for, 300);
    assert.equal(byName.get('DeploymentReplicaMismatch')?.for, 300);
  });
});
