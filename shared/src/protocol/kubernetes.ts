/**
 * Kubernetes objects as the agent sends them: slim projections that keep only the fields Unity
 * shows or alerts on (the agent's watch caches hold these, not whole API objects, so its memory
 * stays bounded), and the batch items that carry them (snapshots, then deltas).
 * @module
 */
import * as z from 'zod/mini';

const name = z.string().check(z.minLength(1), z.maxLength(253));
const text = z.string().check(z.maxLength(1024));
const longText = z.string().check(z.maxLength(4096));
const count = z.int().check(z.nonnegative());
/** Quantities as the API writes them ("100m", "128Mi"). */
const quantities = z.record(z.string().check(z.maxLength(128)), z.string().check(z.maxLength(64)));
const labels = z.record(z.string().check(z.maxLength(317)), z.string().check(z.maxLength(1024)));
const time = z.optional(z.string().check(z.maxLength(40)));

export const K8S_RESOURCES = [
  'nodes',
  'namespaces',
  'pods',
  'deployments',
  'statefulsets',
  'daemonsets',
  'replicasets',
  'jobs',
  'cronjobs',
  'services',
  'endpointslices',
  'ingresses',
  'resourcequotas',
  'limitranges',
  'pvcs',
  'events',
] as const;
export const K8sResourceSchema = z.enum(K8S_RESOURCES);
export type K8sResource = z.infer<typeof K8sResourceSchema>;

export const K8sConditionSchema = z.object({
  type: z.string().check(z.maxLength(128)),
  status: z.string().check(z.maxLength(16)),
  reason: z.optional(text),
  since: time,
});

export const K8sContainerStatusSchema = z.object({
  name,
  image: text,
  ready: z.boolean(),
  restarts: count,
  /** running | waiting | terminated */
  state: z.enum(['running', 'waiting', 'terminated', 'unknown']),
  /** CrashLoopBackOff, ImagePullBackOff, OOMKilled, Completed… */
  reason: z.optional(text),
  message: z.optional(longText),
  lastReason: z.optional(text),
  lastExitCode: z.optional(z.int()),
  requests: z.optional(quantities),
  limits: z.optional(quantities),
});

const owner = z.optional(z.object({ kind: z.string().check(z.maxLength(64)), name }));

export const K8sPodDataSchema = z.object({
  phase: z.string().check(z.maxLength(32)),
  node: z.optional(z.string().check(z.maxLength(253))),
  ip: z.optional(z.string().check(z.maxLength(64))),
  owner,
  labels,
  ready: z.boolean(),
  restarts: count,
  /** The most telling waiting/terminated reason among the containers (CrashLoopBackOff…). */
  reason: z.optional(text),
  conditions: z.array(K8sConditionSchema).check(z.maxLength(32)),
  containers: z.array(K8sContainerStatusSchema).check(z.maxLength(64)),
  startedAt: time,
});

export const K8sNodeDataSchema = z.object({
  ready: z.boolean(),
  conditions: z.array(K8sConditionSchema).check(z.maxLength(32)),
  capacity: quantities,
  allocatable: quantities,
  kubeletVersion: z.optional(z.string().check(z.maxLength(64))),
  runtimeVersion: z.optional(z.string().check(z.maxLength(128))),
  os: z.optional(text),
  taints: z
    .array(z.object({ key: text, value: z.optional(text), effect: z.string().check(z.maxLength(32)) }))
    .check(z.maxLength(64)),
  unschedulable: z.boolean(),
});

/** Deployments, statefulsets, daemonsets and replicasets: desired vs ready. */
export const K8sWorkloadDataSchema = z.object({
  desired: count,
  ready: count,
  updated: count,
  available: count,
  selector: labels,
  owner,
  conditions: z.array(K8sConditionSchema).check(z.maxLength(32)),
  /** observedGeneration < generation: the controller has not caught up with the spec yet. */
  stale: z.boolean(),
});

export const K8sJobDataSchema = z.object({
  active: count,
  succeeded: count,
  failed: count,
  owner,
  complete: z.boolean(),
  failedReason: z.optional(text),
  startedAt: time,
  completedAt: time,
});

export const K8sCronJobDataSchema = z.object({
  schedule: z.string().check(z.maxLength(128)),
  suspended: z.boolean(),
  active: count,
  lastScheduleAt: time,
  lastSuccessAt: time,
});

export const K8sServiceDataSchema = z.object({
  type: z.string().check(z.maxLength(32)),
  clusterIP: z.optional(z.string().check(z.maxLength(64))),
  externalIPs: z.array(z.string().check(z.maxLength(256))).check(z.maxLength(64)),
  selector: labels,
  ports: z
    .array(
      z.object({
        port: z.int(),
        protocol: z.string().check(z.maxLength(16)),
        targetPort: z.optional(z.string().check(z.maxLength(64))),
      }),
    )
    .check(z.maxLength(64)),
});

export const K8sEndpointSliceDataSchema = z.object({
  service: z.optional(z.string().check(z.maxLength(253))),
  ready: count,
  notReady: count,
  /** The pods behind it, for the topology view. */
  pods: z.array(z.string().check(z.maxLength(253))).check(z.maxLength(1000)),
});

export const K8sIngressDataSchema = z.object({
  className: z.optional(z.string().check(z.maxLength(253))),
  rules: z
    .array(
      z.object({
        host: z.optional(z.string().check(z.maxLength(253))),
        path: z.optional(z.string().check(z.maxLength(1024))),
        service: z.optional(z.string().check(z.maxLength(253))),
        port: z.optional(z.string().check(z.maxLength(64))),
      }),
    )
    .check(z.maxLength(256)),
  tlsHosts: z.array(z.string().check(z.maxLength(253))).check(z.maxLength(256)),
});

export const K8sNamespaceDataSchema = z.object({ phase: z.string().check(z.maxLength(32)), labels });

export const K8sQuotaDataSchema = z.object({ hard: quantities, used: quantities });

/** A LimitRange's entries: per type (Container, Pod, PersistentVolumeClaim), quantities by resource. */
export const K8sLimitRangeDataSchema = z.object({
  limits: z
    .array(
      z.object({
        type: z.string().check(z.maxLength(64)),
        default: z.optional(quantities),
        defaultRequest: z.optional(quantities),
        max: z.optional(quantities),
        min: z.optional(quantities),
      }),
    )
    .check(z.maxLength(32)),
});

export const K8sPvcDataSchema = z.object({
  phase: z.string().check(z.maxLength(32)),
  capacity: z.optional(z.string().check(z.maxLength(64))),
  requested: z.optional(z.string().check(z.maxLength(64))),
  storageClass: z.optional(z.string().check(z.maxLength(253))),
  volume: z.optional(z.string().check(z.maxLength(253))),
});

export const K8sEventDataSchema = z.object({
  type: z.string().check(z.maxLength(32)),
  reason: z.string().check(z.maxLength(256)),
  message: longText,
  object: z.object({
    kind: z.string().check(z.maxLength(64)),
    name: z.string().check(z.maxLength(253)),
    namespace: z.optional(z.string().check(z.maxLength(253))),
  }),
  count: count,
  firstSeen: time,
  lastSeen: time,
  source: z.optional(z.string().check(z.maxLength(253))),
});

const base = {
  namespace: z.string().check(z.maxLength(253)),
  name,
  uid: z.string().check(z.maxLength(64)),
  createdAt: time,
};

export const K8sObjectSchema = z.discriminatedUnion('resource', [
  z.object({ resource: z.literal('nodes'), ...base, data: K8sNodeDataSchema }),
  z.object({ resource: z.literal('namespaces'), ...base, data: K8sNamespaceDataSchema }),
  z.object({ resource: z.literal('pods'), ...base, data: K8sPodDataSchema }),
  z.object({ resource: z.literal('deployments'), ...base, data: K8sWorkloadDataSchema }),
  z.object({ resource: z.literal('statefulsets'), ...base, data: K8sWorkloadDataSchema }),
  z.object({ resource: z.literal('daemonsets'), ...base, data: K8sWorkloadDataSchema }),
  z.object({ resource: z.literal('replicasets'), ...base, data: K8sWorkloadDataSchema }),
  z.object({ resource: z.literal('jobs'), ...base, data: K8sJobDataSchema }),
  z.object({ resource: z.literal('cronjobs'), ...base, data: K8sCronJobDataSchema }),
  z.object({ resource: z.literal('services'), ...base, data: K8sServiceDataSchema }),
  z.object({ resource: z.literal('endpointslices'), ...base, data: K8sEndpointSliceDataSchema }),
  z.object({ resource: z.literal('ingresses'), ...base, data: K8sIngressDataSchema }),
  z.object({ resource: z.literal('resourcequotas'), ...base, data: K8sQuotaDataSchema }),
  z.object({ resource: z.literal('limitranges'), ...base, data: K8sLimitRangeDataSchema }),
  z.object({ resource: z.literal('pvcs'), ...base, data: K8sPvcDataSchema }),
  z.object({ resource: z.literal('events'), ...base, data: K8sEventDataSchema }),
]);
export type K8sObject = z.infer<typeof K8sObjectSchema>;
export type K8sPodData = z.infer<typeof K8sPodDataSchema>;
export type K8sNodeData = z.infer<typeof K8sNodeDataSchema>;
export type K8sWorkloadData = z.infer<typeof K8sWorkloadDataSchema>;
export type K8sEventData = z.infer<typeof K8sEventDataSchema>;

export const K8sClusterRefSchema = z.object({
  name: z.string().check(z.regex(/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/)),
  /** Higher sorts first and weighs more in alerts' routing; 0 by default. */
  priority: z.int().check(z.gte(-1000), z.lte(1000)),
});
export type K8sClusterRef = z.infer<typeof K8sClusterRefSchema>;

/**
 * One part of a full listing of one resource in one cluster. The hub upserts each part and,
 * at the `final` one, deletes that resource's objects not seen under this `snapshotId`: a relist
 * (after a 410, a restart, a reconnect) therefore neither loses nor doubles anything.
 */
export const K8sSnapshotItemSchema = z.object({
  kind: z.literal('k8s_snapshot'),
  ts: z.int().check(z.positive()),
  cluster: K8sClusterRefSchema,
  resource: K8sResourceSchema,
  snapshotId: z.string().check(z.minLength(1), z.maxLength(64)),
  final: z.boolean(),
  objects: z.array(K8sObjectSchema).check(z.maxLength(2000)),
});

export const K8sChangeSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('upsert'), object: K8sObjectSchema }),
  z.object({
    op: z.literal('delete'),
    resource: K8sResourceSchema,
    namespace: z.string().check(z.maxLength(253)),
    name,
  }),
]);
export type K8sChange = z.infer<typeof K8sChangeSchema>;

/** Watch events since the last snapshot or delta, in the order the API server sent them. */
export const K8sDeltaItemSchema = z.object({
  kind: z.literal('k8s_delta'),
  ts: z.int().check(z.positive()),
  cluster: K8sClusterRefSchema,
  changes: z.array(K8sChangeSchema).check(z.minLength(1), z.maxLength(2000)),
});

/**
 * Where CPU and memory figures come from: metrics-server (metrics.k8s.io, the whole cluster in one
 * report), the kubelet's summary API (one report per node, from the agent on that node), or
 * nothing (`none`: metrics-server is not installed).
 */
export const K8S_USAGE_SOURCES = ['metrics.k8s.io', 'kubelet', 'none'] as const;
export type K8sUsageSource = (typeof K8S_USAGE_SOURCES)[number];

/** A PVC's volume use as the kubelet measures it (only the kubelet knows it). */
export const K8sVolumeUsageSchema = z.object({
  usedBytes: z.number().check(z.nonnegative()),
  capacityBytes: z.number().check(z.nonnegative()),
  availableBytes: z.number().check(z.nonnegative()),
});
export type K8sVolumeUsage = z.infer<typeof K8sVolumeUsageSchema>;

/**
 * Resource use, and where it came from. With `node` the report covers that node only (a kubelet
 * summary from the agent on it): the hub merges the reports of every node. A node report without
 * node figures carries only PVC use (metrics-server answers for CPU and memory).
 */
export const K8sUsageItemSchema = z.object({
  kind: z.literal('k8s_usage'),
  ts: z.int().check(z.positive()),
  cluster: K8sClusterRefSchema,
  source: z.enum(K8S_USAGE_SOURCES),
  node: z.optional(name),
  nodes: z
    .array(
      z.object({
        name,
        cpuMillicores: z.number().check(z.nonnegative()),
        memoryBytes: z.number().check(z.nonnegative()),
      }),
    )
    .check(z.maxLength(10_000)),
  pods: z
    .array(
      z.object({
        namespace: z.string().check(z.maxLength(253)),
        name,
        cpuMillicores: z.number().check(z.nonnegative()),
        memoryBytes: z.number().check(z.nonnegative()),
      }),
    )
    .check(z.maxLength(20_000)),
  pvcs: z.optional(
    z
      .array(z.object({ namespace: z.string().check(z.maxLength(253)), name, ...K8sVolumeUsageSchema.shape }))
      .check(z.maxLength(20_000)),
  ),
});

export type K8sSnapshotItem = z.infer<typeof K8sSnapshotItemSchema>;
export type K8sDeltaItem = z.infer<typeof K8sDeltaItemSchema>;
export type K8sUsageItem = z.infer<typeof K8sUsageItemSchema>;

/** The agent command that reads a pod's log through the API server (`follow` streams it). */
export const K8S_LOGS_COMMAND = 'k8s.logs';
export const K8sLogsArgsSchema = z.object({
  cluster: z.string().check(z.minLength(1), z.maxLength(63)),
  namespace: name,
  pod: name,
  container: z.optional(name),
  tailLines: z._default(z.int().check(z.gte(0), z.lte(5000)), 200),
  follow: z._default(z.boolean(), false),
});
export type K8sLogsArgs = z.infer<typeof K8sLogsArgsSchema>;
