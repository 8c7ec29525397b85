/**
 * Kubernetes objects as alert objects (issues 5 and 10): the rows of k8s_objects (the agents'
 * slim projections) for one alert kind, labelled for instances, and what each status and
 * metric reads of them. The hub keeps the current state of each object only, so statuses and
 * metrics are about now; the one history is pod restart counts (k8s_pod_restarts, migration
 * 0029), which `restarting` reads over its window.
 *
 * Instance labels: `cluster` and, per kind, `namespace` with `pod`, `workload` and `kind`
 * (deployment, statefulset, daemonset), `pvc`, `quota` or `job`; nodes carry `node`. Selectors may
 * also match `node`, `owner_kind` and `owner` (pods, jobs), `phase` (pods) and `storage_class`
 * (PVCs), and a pod's own labels as `label.<key>`. Object keys are
 * `k8s:<cluster>:<resource>/<namespace>/<name>`, so a cluster's host scopes its instances.
 * @module
 */
import { type K8sAlertObjectKind, type LeafCondition, parseQuantity } from '@unity/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/client.js';
import { selectorMatcher } from '../eval/selector.js';
import type { EvalRule, Labels, Observation, ObservedObject, Outcome, RuleData } from '../eval/types.js';

/** The k8s_objects resources each alert kind covers, and the instance label naming the object. */
const KINDS: Record<K8sAlertObjectKind, { resources: string[]; nameLabel: string }> = {
  k8s_pod: { resources: ['pods'], nameLabel: 'pod' },
  k8s_node: { resources: ['nodes'], nameLabel: 'node' },
  k8s_workload: { resources: ['deployments', 'statefulsets', 'daemonsets'], nameLabel: 'workload' },
  k8s_pvc: { resources: ['pvcs'], nameLabel: 'pvc' },
  k8s_quota: { resources: ['resourcequotas'], nameLabel: 'quota' },
  k8s_job: { resources: ['jobs'], nameLabel: 'job' },
};

/** deployments → deployment, the `kind` label of a workload instance. */
const WORKLOAD_KIND: Record<string, string> = {
  deployments: 'deployment',
  statefulsets: 'statefulset',
  daemonsets: 'daemonset',
};

/** The most objects one rule reads (a 5,000-pod cluster fits several times over). */
const MAX_OBJECTS = 50_000;

type Json = Record<string, unknown>;
type Condition = { type: string; status: string; reason?: string };
type ContainerState = { state?: string; reason?: string; lastReason?: string };

export type K8sAlertObject = ObservedObject & {
  cluster: string;
  hostId: string;
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  /** Labels selectors may match that instances do not carry (they change over an object's life). */
  matchLabels: Labels;
  /** A pod's own labels, matched as `label.<key>`. */
  ownLabels: Labels;
  data: Json;
  usage: Json | null;
};

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const strings = (v: unknown): Labels =>
  Object.fromEntries(Object.entries(obj(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

/** The objects of `kind` in every cluster of a connected (not revoked) agent. */
export async function loadK8sObjects(
  db: Db,
  publicUrl: string,
  kind: K8sAlertObjectKind,
): Promise<K8sAlertObject[]> {
  const base = publicUrl.replace(/\/$/, '');
  const { resources, nameLabel } = KINDS[kind];
  const rows = rowsOf<Json>(
    await db.execute(sql`select o.cluster, o.resource, o.namespace, o.name, o.uid, o.data, o.usage,
        c.host_id::text as host_id
      from k8s_objects o join k8s_clusters c on c.name = o.cluster join agents a on a.id = c.host_id
      where o.resource = any(${`{${resources.join(',')}}`}::text[]) and not a.revoked
      order by o.cluster, o.namespace, o.name, o.resource limit ${MAX_OBJECTS}`),
  );
  return rows.map((r) => {
    const cluster = String(r.cluster);
    const resource = String(r.resource);
    const namespace = String(r.namespace);
    const name = String(r.name);
    const data = obj(r.data);
    const labels: Labels = { cluster };
    if (namespace) labels.namespace = namespace;
    labels[nameLabel] = name;
    if (kind === 'k8s_workload') labels.kind = WORKLOAD_KIND[resource] ?? resource;
    const matchLabels: Labels = {};
    const owner = obj(data.owner);
    if (typeof owner.kind === 'string') matchLabels.owner_kind = owner.kind;
    if (typeof owner.name === 'string') matchLabels.owner = owner.name;
    if (kind === 'k8s_pod') {
      if (typeof data.node === 'string') matchLabels.node = data.node;
      if (typeof data.phase === 'string') matchLabels.phase = data.phase;
    }
    if (kind === 'k8s_pvc' && typeof data.storageClass === 'string')
      matchLabels.storage_class = data.storageClass;
    const enc = encodeURIComponent;
    const url =
      kind === 'k8s_pod'
        ? `${base}/k8s/${enc(cluster)}/pods/${enc(namespace)}/${enc(name)}`
        : `${base}/k8s/${enc(cluster)}${namespace ? `?namespace=${enc(namespace)}` : ''}`;
    return {
      key: `k8s:${cluster}:${resource}/${namespace}/${name}`,
      labels,
      url,
      cluster,
      hostId: String(r.host_id),
      resource,
      namespace,
      name,
      uid: String(r.uid),
      matchLabels,
      ownLabels: kind === 'k8s_pod' ? strings(data.labels) : {},
      data,
      usage: r.usage === null || r.usage === undefined ? null : obj(r.usage),
    };
  });
}

/** The objects of a rule's kind its selector matches. */
export function selectK8sObjects(rule: EvalRule, objects: readonly K8sAlertObject[]): K8sAlertObject[] {
  const matches = selectorMatcher(rule.selector);
  return objects.filter((o) => matches({ ...o.matchLabels, ...o.labels }, o.ownLabels));
}

/**
 * Per pod: its restart count at `to` and at the start of the window (the newest row at or
 * before `from`, else the first one within the window: a pod first seen meanwhile counts from
 * then). Only rows of the pod's current uid count (a pod recreated under its name starts at 0).
 */
function restartRiseSql(pods: readonly K8sAlertObject[], from: number, to: number): SQL {
  const json = JSON.stringify(
    pods.map((p) => ({ key: p.key, cluster: p.cluster, namespace: p.namespace, name: p.name, uid: p.uid })),
  );
  const f = new Date(from).toISOString();
  const t = new Date(to).toISOString();
  const same = sql`r.cluster = v.cluster and r.namespace = v.namespace and r.name = v.name and r.uid = v.uid`;
  return sql`select v.key,
      (select r.restarts from k8s_pod_restarts r where ${same} and r.at <= ${f}::timestamptz
        order by r.at desc limit 1) as before,
      (select r.restarts from k8s_pod_restarts r where ${same} and r.at > ${f}::timestamptz
        and r.at <= ${t}::timestamptz order by r.at asc limit 1) as first,
      (select r.restarts from k8s_pod_restarts r where ${same} and r.at <= ${t}::timestamptz
        order by r.at desc limit 1) as last
    from json_to_recordset(${json}::json) as v(key text, cluster text, namespace text, name text, uid text)`;
}

const conditionsOf = (o: K8sAlertObject) => arr<Condition>(o.data.conditions);
const conditionTrue = (o: K8sAlertObject, type: string) =>
  conditionsOf(o).some((c) => c.type === type && c.status === 'True');
const containersOf = (o: K8sAlertObject) => arr<ContainerState>(o.data.containers);
const waitingFor = (o: K8sAlertObject, reasons: readonly string[]) =>
  containersOf(o).some((c) => c.state === 'waiting' && c.reason !== undefined && reasons.includes(c.reason));

type StatusAnswer = { holds: boolean; vars?: Record<string, string> } | undefined;

/** Whether `status` holds for `o` now; undefined for a status its kind does not have. */
export function k8sStatusHolds(status: string, o: K8sAlertObject): StatusAnswer {
  const d = o.data;
  const reason: Record<string, string> = typeof d.reason === 'string' ? { reason: d.reason } : {};
  switch (o.resource) {
    case 'pods': {
      const phase = String(d.phase ?? 'Unknown');
      switch (status) {
        case 'not_ready':
          return {
            holds: (phase === 'Running' || phase === 'Pending') && d.ready !== true,
            vars: { phase, ...reason },
          };
        case 'crash_looping':
          return {
            holds: waitingFor(o, ['CrashLoopBackOff']),
            vars: { restarts: String(count(d.restarts)) },
          };
        case 'image_pull_failing':
          return { holds: waitingFor(o, ['ImagePullBackOff', 'ErrImagePull']), vars: reason };
        case 'oom_killed':
          return {
            holds: containersOf(o).some(
              (c) => c.lastReason === 'OOMKilled' || (c.state === 'terminated' && c.reason === 'OOMKilled'),
            ),
          };
        case 'failed':
          return { holds: phase === 'Failed', vars: reason };
        default:
          return undefined;
      }
    }
    case 'nodes': {
      const pressure = (type: string): StatusAnswer => ({ holds: conditionTrue(o, type) });
      switch (status) {
        case 'not_ready': {
          const ready = conditionsOf(o).find((c) => c.type === 'Ready');
          return {
            holds: d.ready !== true,
            vars: ready?.reason ? { reason: ready.reason } : {},
          };
        }
        case 'memory_pressure':
          return pressure('MemoryPressure');
        case 'disk_pressure':
          return pressure('DiskPressure');
        case 'pid_pressure':
          return pressure('PIDPressure');
        case 'unschedulable':
          return { holds: d.unschedulable === true };
        default:
          return undefined;
      }
    }
    case 'deployments':
    case 'statefulsets':
    case 'daemonsets': {
      const desired = count(d.desired);
      const ready = count(d.ready);
      const updated = count(d.updated);
      const vars = { desired: String(desired), ready: String(ready), updated: String(updated) };
      if (status === 'replica_mismatch') return { holds: ready < desired, vars };
      if (status === 'rollout_stuck') {
        const progressing = conditionsOf(o).find((c) => c.type === 'Progressing');
        const deadline =
          progressing?.status === 'False' || progressing?.reason === 'ProgressDeadlineExceeded';
        return {
          holds: deadline || updated < desired,
          vars: { ...vars, ...(progressing?.reason ? { reason: progressing.reason } : {}) },
        };
      }
      return undefined;
    }
    case 'pvcs':
      return status === 'not_bound'
        ? { holds: d.phase !== 'Bound', vars: { phase: String(d.phase ?? '') } }
        : undefined;
    case 'jobs':
      return status === 'failed'
        ? {
            holds: typeof d.failedReason === 'string',
            vars: {
              failed: String(count(d.failed)),
              ...(typeof d.failedReason === 'string' ? { reason: d.failedReason } : {}),
            },
          }
        : undefined;
    default:
      return undefined;
  }
}

/** A metric's current value for `o` (no data when it is not known), or an error for a wrong metric. */
export function k8sMetric(metric: string, o: K8sAlertObject): Outcome {
  const d = o.data;
  const value = (v: number, vars?: Record<string, string>): Outcome => ({
    type: 'value',
    value: v,
    ...(vars ? { vars } : {}),
  });
  switch (`${o.resource}:${metric}`) {
    case 'pods:restarts':
      return value(count(d.restarts));
    case 'deployments:ready_percent':
    case 'statefulsets:ready_percent':
    case 'daemonsets:ready_percent': {
      const desired = count(d.desired);
      return value(desired === 0 ? 100 : (count(d.ready) / desired) * 100, {
        desired: String(desired),
        ready: String(count(d.ready)),
      });
    }
    case 'deployments:unavailable_replicas':
    case 'statefulsets:unavailable_replicas':
    case 'daemonsets:unavailable_replicas':
      return value(Math.max(0, count(d.desired) - count(d.ready)));
    case 'pvcs:usage_percent': {
      // Usage comes from the kubelet's volume stats when an agent reads them; without, no data.
      const used = o.usage?.usedBytes;
      const capacity =
        typeof o.usage?.capacityBytes === 'number' && o.usage.capacityBytes > 0
          ? o.usage.capacityBytes
          : typeof d.capacity === 'string'
            ? parseQuantity(d.capacity)
            : Number.NaN;
      if (typeof used !== 'number' || !(capacity > 0)) return { type: 'nodata' };
      return value((used / capacity) * 100, { used: String(used), capacity: String(capacity) });
    }
    case 'resourcequotas:quota_percent': {
      // The fullest resource of the quota decides; resources without a readable hard limit are skipped.
      const hard = strings(d.hard);
      const used = strings(d.used);
      let best: { resource: string; percent: number } | undefined;
      for (const [resource, h] of Object.entries(hard)) {
        const limit = parseQuantity(h);
        const u = parseQuantity(used[resource] ?? '0');
        if (!(limit > 0) || Number.isNaN(u)) continue;
        const percent = (u / limit) * 100;
        if (!best || percent > best.percent) best = { resource, percent };
      }
      if (!best) return { type: 'nodata' };
      return value(best.percent, {
        resource: best.resource,
        used: used[best.resource] ?? '0',
        hard: hard[best.resource] ?? '',
      });
    }
    case 'jobs:failed_pods':
      return value(count(d.failed));
    default:
      return { type: 'error', message: `${o.resource} have no metric ${metric}` };
  }
}

/** What one leaf condition saw of each selected Kubernetes object at `now`. */
async function observe(
  db: Db,
  c: LeafCondition,
  selected: K8sAlertObject[],
  now: number,
): Promise<Observation[]> {
  if (selected.length === 0) return [];
  const at = (o: K8sAlertObject, outcome: Outcome): Observation => ({
    key: o.key,
    labels: o.labels,
    url: o.url,
    ...(o.vars ? { vars: o.vars } : {}),
    outcome,
  });
  switch (c.kind) {
    case 'status': {
      if (c.status === 'restarting') {
        const pods = selected.filter((o) => o.resource === 'pods');
        const rows = rowsOf<Json>(await db.execute(restartRiseSql(pods, now - c.windowSec * 1000, now)));
        const byKey = new Map(rows.map((r) => [String(r.key), r]));
        const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
        return selected.map((o) => {
          const r = byKey.get(o.key);
          const last = num(r?.last);
          const base = num(r?.before) ?? num(r?.first);
          const rise = last === null || base === null ? 0 : Math.max(0, last - base);
          return at(o, { type: 'value', value: rise, vars: { restarts: String(count(o.data.restarts)) } });
        });
      }
      return selected.map((o) => {
        const answer = k8sStatusHolds(c.status, o);
        if (!answer) return at(o, { type: 'error', message: `${o.resource} have no status ${c.status}` });
        return at(o, {
          type: 'value',
          value: answer.holds ? 1 : 0,
          ...(answer.vars ? { vars: answer.vars } : {}),
        });
      });
    }
    case 'threshold':
      // Current values only: every aggregation over the window reads the latest state.
      return selected.map((o) => at(o, k8sMetric(c.metric, o)));
    default:
      // The rule schema refuses other kinds for Kubernetes objects; a stored rule from before
      // a schema change still gets a clear answer.
      return selected.map((o) =>
        at(o, { type: 'error', message: `${c.kind} conditions do not apply to Kubernetes objects` }),
      );
  }
}

/** Per evaluation, each kind's objects are loaded once, whatever the number of rules. */
export type K8sCache = Map<K8sAlertObjectKind, Promise<K8sAlertObject[]>>;

export async function k8sRuleData(
  db: Db,
  publicUrl: string,
  rule: EvalRule,
  leaves: readonly LeafCondition[],
  now: number,
  cache: K8sCache = new Map(),
): Promise<RuleData> {
  const kind = rule.selector.object as K8sAlertObjectKind;
  let objects = cache.get(kind);
  if (!objects) {
    objects = loadK8sObjects(db, publicUrl, kind);
    cache.set(kind, objects);
  }
  const selected = selectK8sObjects(rule, await objects);
  const observed: Observation[][] = [];
  for (const leaf of leaves) observed.push(await observe(db, leaf, selected, now));
  return { objects: selected.map((o) => ({ key: o.key, labels: o.labels, url: o.url })), leaves: observed };
}
