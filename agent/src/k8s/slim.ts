/**
 * Slim projections: from a Kubernetes API object (raw JSON as the API server sends it) to the
 * few fields Unity uses. The watch caches keep only these, so a 5,000-pod cluster costs the agent
 * a few MB instead of the hundreds the full objects (managedFields, annotations, env) would.
 * Pure functions; strings are cut to the wire schema's limits.
 * @module
 */
import type { K8sObject, K8sResource } from '@unity/shared';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, max = 1024): string | undefined =>
  typeof v === 'string' ? v.slice(0, max) : typeof v === 'number' ? String(v) : undefined;
const num = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
const strMap = (v: unknown, max = 1024): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v)))
    if (typeof val === 'string') out[k.slice(0, 317)] = val.slice(0, max);
  return out;
};
const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

function conditions(v: unknown) {
  return arr(v)
    .slice(0, 32)
    .map((c) => {
      const o = obj(c);
      return {
        type: str(o.type, 128) ?? '',
        status: str(o.status, 16) ?? 'Unknown',
        ...opt('reason', str(o.reason)),
        ...opt('since', str(o.lastTransitionTime, 40)),
      };
    });
}

function ownerOf(meta: Json) {
  const refs = arr(meta.ownerReferences).map(obj);
  const ref = refs.find((r) => r.controller === true) ?? refs[0];
  const kind = str(ref?.kind, 64);
  const name = str(ref?.name, 253);
  return kind && name ? { owner: { kind, name } } : {};
}

function containerStatus(spec: Json | undefined, status: Json) {
  const state = obj(status.state);
  const which = state.running
    ? 'running'
    : state.waiting
      ? 'waiting'
      : state.terminated
        ? 'terminated'
        : 'unknown';
  const detail = obj(state.waiting ?? state.terminated);
  const last = obj(obj(status.lastState).terminated);
  const resources = obj(spec?.resources);
  return {
    name: str(status.name, 253) ?? 'container',
    image: str(status.image) ?? str(spec?.image) ?? '',
    ready: status.ready === true,
    restarts: num(status.restartCount),
    state: which as 'running' | 'waiting' | 'terminated' | 'unknown',
    ...opt('reason', str(detail.reason)),
    ...opt('message', str(detail.message, 4096)),
    ...opt('lastReason', str(last.reason)),
    ...opt('lastExitCode', typeof last.exitCode === 'number' ? Math.trunc(last.exitCode) : undefined),
    ...(resources.requests ? { requests: strMap(resources.requests, 64) } : {}),
    ...(resources.limits ? { limits: strMap(resources.limits, 64) } : {}),
  };
}

/** The reasons that say most about a pod, worst first. */
const REASON_RANK = [
  'OOMKilled',
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'Error',
];

function pod(spec: Json, status: Json) {
  const specs = new Map(arr(spec.containers).map((c) => [str(obj(c).name, 253), obj(c)]));
  const statuses = arr(status.containerStatuses).map(obj);
  const containers =
    statuses.length > 0
      ? statuses.slice(0, 64).map((s) => containerStatus(specs.get(str(s.name, 253)), s))
      : [...specs.values()].slice(0, 64).map((s) => containerStatus(s, { name: s.name, image: s.image }));
  const reasons = containers.flatMap((c) => [c.reason, c.lastReason]).filter((r): r is string => !!r);
  const reason =
    REASON_RANK.find((r) => reasons.includes(r)) ??
    containers.find((c) => c.reason)?.reason ??
    str(status.reason);
  const conds = conditions(status.conditions);
  return {
    phase: str(status.phase, 32) ?? 'Unknown',
    ...opt('node', str(spec.nodeName, 253)),
    ...opt('ip', str(status.podIP, 64)),
    ready: conds.some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: containers.reduce((sum, c) => sum + c.restarts, 0),
    ...opt('reason', reason),
    conditions: conds,
    containers,
    ...opt('startedAt', str(status.startTime, 40)),
  };
}

function node(spec: Json, status: Json) {
  const conds = conditions(status.conditions);
  const info = obj(status.nodeInfo);
  return {
    ready: conds.some((c) => c.type === 'Ready' && c.status === 'True'),
    conditions: conds,
    capacity: strMap(status.capacity, 64),
    allocatable: strMap(status.allocatable, 64),
    ...opt('kubeletVersion', str(info.kubeletVersion, 64)),
    ...opt('runtimeVersion', str(info.containerRuntimeVersion, 128)),
    ...opt('os', str(info.osImage)),
    taints: arr(spec.taints)
      .slice(0, 64)
      .map((t) => {
        const o = obj(t);
        return { key: str(o.key) ?? '', ...opt('value', str(o.value)), effect: str(o.effect, 32) ?? '' };
      }),
    unschedulable: spec.unschedulable === true,
  };
}

function workload(resource: K8sResource, meta: Json, spec: Json, status: Json) {
  const daemon = resource === 'daemonsets';
  const desired = daemon ? num(status.desiredNumberScheduled) : num(spec.replicas ?? 1);
  return {
    desired,
    ready: num(daemon ? status.numberReady : status.readyReplicas),
    updated: num(daemon ? status.updatedNumberScheduled : status.updatedReplicas),
    available: num(daemon ? status.numberAvailable : status.availableReplicas),
    selector: strMap(obj(spec.selector).matchLabels),
    ...ownerOf(meta),
    conditions: conditions(status.conditions),
    stale: typeof meta.generation === 'number' && num(status.observedGeneration) < meta.generation,
  };
}

function job(meta: Json, status: Json) {
  const conds = conditions(status.conditions);
  const failed = conds.find((c) => c.type === 'Failed' && c.status === 'True');
  return {
    active: num(status.active),
    succeeded: num(status.succeeded),
    failed: num(status.failed),
    ...ownerOf(meta),
    complete: conds.some((c) => c.type === 'Complete' && c.status === 'True'),
    ...opt('failedReason', failed ? (failed.reason ?? 'Failed') : undefined),
    ...opt('startedAt', str(status.startTime, 40)),
    ...opt('completedAt', str(status.completionTime, 40)),
  };
}

function dataOf(resource: K8sResource, o: Json): unknown {
  const meta = obj(o.metadata);
  const spec = obj(o.spec);
  const status = obj(o.status);
  switch (resource) {
    case 'pods':
      return { ...pod(spec, status), ...ownerOf(meta), labels: strMap(meta.labels) };
    case 'nodes':
      return node(spec, status);
    case 'deployments':
    case 'statefulsets':
    case 'daemonsets':
    case 'replicasets':
      return workload(resource, meta, spec, status);
    case 'jobs':
      return job(meta, status);
    case 'cronjobs':
      return {
        schedule: str(spec.schedule, 128) ?? '',
        suspended: spec.suspend === true,
        active: arr(status.active).length,
        ...opt('lastScheduleAt', str(status.lastScheduleTime, 40)),
        ...opt('lastSuccessAt', str(status.lastSuccessfulTime, 40)),
      };
    case 'services':
      return {
        type: str(spec.type, 32) ?? 'ClusterIP',
        ...opt('clusterIP', str(spec.clusterIP, 64)),
        externalIPs: [
          ...arr(spec.externalIPs).map((ip) => str(ip, 256) ?? ''),
          ...arr(obj(status.loadBalancer).ingress).map((i) => str(obj(i).ip ?? obj(i).hostname, 256) ?? ''),
        ].slice(0, 64),
        selector: strMap(spec.selector),
        ports: arr(spec.ports)
          .slice(0, 64)
          .map((p) => {
            const q = obj(p);
            return {
              port: num(q.port),
              protocol: str(q.protocol, 16) ?? 'TCP',
              ...opt('targetPort', str(q.targetPort, 64)),
            };
          }),
      };
    case 'endpointslices': {
      const endpoints = arr(o.endpoints).map(obj);
      const ready = endpoints.filter((e) => obj(e.conditions).ready !== false);
      return {
        ...opt('service', str(strMap(meta.labels)['kubernetes.io/service-name'], 253)),
        ready: ready.length,
        notReady: endpoints.length - ready.length,
        pods: endpoints
          .map((e) => obj(e.targetRef))
          .filter((r) => r.kind === 'Pod')
          .map((r) => str(r.name, 253) ?? '')
          .slice(0, 1000),
      };
    }
    case 'ingresses':
      return {
        ...opt('className', str(spec.ingressClassName, 253)),
        rules: arr(spec.rules)
          .flatMap((r) => {
            const rule = obj(r);
            const paths = arr(obj(rule.http).paths).map(obj);
            const host = str(rule.host, 253);
            if (paths.length === 0) return [{ ...opt('host', host) }];
            return paths.map((p) => {
              const svc = obj(obj(p.backend).service);
              const port = obj(svc.port);
              return {
                ...opt('host', host),
                ...opt('path', str(p.path)),
                ...opt('service', str(svc.name, 253)),
                ...opt('port', str(port.number ?? port.name, 64)),
              };
            });
          })
          .slice(0, 256),
        tlsHosts: arr(spec.tls)
          .flatMap((t) => arr(obj(t).hosts))
          .map((h) => str(h, 253) ?? '')
          .slice(0, 256),
      };
    case 'namespaces':
      return { phase: str(status.phase, 32) ?? 'Active', labels: strMap(meta.labels) };
    case 'resourcequotas':
      return { hard: strMap(status.hard, 64), used: strMap(status.used, 64) };
    case 'limitranges':
      return {
        limits: arr(spec.limits)
          .slice(0, 32)
          .map((l) => {
            const o = obj(l);
            return {
              type: str(o.type, 64) ?? 'Container',
              ...(o.default ? { default: strMap(o.default, 64) } : {}),
              ...(o.defaultRequest ? { defaultRequest: strMap(o.defaultRequest, 64) } : {}),
              ...(o.max ? { max: strMap(o.max, 64) } : {}),
              ...(o.min ? { min: strMap(o.min, 64) } : {}),
            };
          }),
      };
    case 'pvcs':
      return {
        phase: str(status.phase, 32) ?? 'Pending',
        ...opt('capacity', str(obj(status.capacity).storage, 64)),
        ...opt('requested', str(obj(obj(spec.resources).requests).storage, 64)),
        ...opt('storageClass', str(spec.storageClassName, 253)),
        ...opt('volume', str(spec.volumeName, 253)),
      };
    case 'events': {
      const involved = obj(o.involvedObject ?? o.regarding);
      const series = obj(o.series);
      return {
        type: str(o.type, 32) ?? 'Normal',
        reason: str(o.reason, 256) ?? '',
        message: str(o.message ?? o.note, 4096) ?? '',
        object: {
          kind: str(involved.kind, 64) ?? '',
          name: str(involved.name, 253) ?? '',
          ...opt('namespace', str(involved.namespace, 253)),
        },
        count: num(o.count ?? series.count) || 1,
        ...opt('firstSeen', str(o.firstTimestamp ?? o.eventTime, 40)),
        ...opt('lastSeen', str(o.lastTimestamp ?? series.lastObservedTime ?? o.eventTime, 40)),
        ...opt('source', str(obj(o.source).component ?? o.reportingController, 253)),
      };
    }
    default:
      return assertNever(resource);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected resource ${String(x)}`);
}

/**
 * The slim form of `raw` (a `resource` object as the API sends it). It keeps `metadata` with
 * name, namespace and resourceVersion only, which is what the informer's cache needs.
 */
export function slim(resource: K8sResource, raw: unknown): SlimObject {
  const o = obj(raw);
  const meta = obj(o.metadata);
  const object = {
    resource,
    namespace: str(meta.namespace, 253) ?? '',
    name: str(meta.name, 253) ?? '',
    uid: str(meta.uid, 64) ?? '',
    ...opt('createdAt', str(meta.creationTimestamp, 40)),
    data: dataOf(resource, o),
  } as K8sObject;
  return {
    metadata: {
      name: object.name,
      ...(object.namespace ? { namespace: object.namespace } : {}),
      ...opt('resourceVersion', str(meta.resourceVersion, 64)),
    },
    unity: object,
  };
}

/** What the informer caches: the metadata it indexes by, and Unity's projection. */
export type SlimObject = {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  unity: K8sObject;
};
