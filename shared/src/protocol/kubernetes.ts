/**
 * Kubernetes objects as the agent sends them: slim projections that keep only the fields Unity
 * shows or alerts on (the agent's watch caches hold these, not whole API objects, so its memory
 * stays bounded), and the batch items that carry them (snapshots, then deltas).
 * @module
 */
import { z } from 'zod';

const name = z.string().min(1).max(253);
const text = z.string().max(1024);
const longText = z.string().max(4096);
const count = z.int().nonnegative();
/** Quantities as the API writes them ("100m", "128Mi"). */
const quantities = z.record(z.string().max(128), z.string().max(64));
const labels = z.record(z.string().max(317), z.string().max(1024));
const time = z.string().max(40).optional();

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
  type: z.string().max(128),
  status: z.string().max(16),
  reason: text.optional(),
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
  reason: text.optional(),
  message: longText.optional(),
  lastReason: text.optional(),
  lastExitCode: z.int().optional(),
  requests: quantities.optional(),
  limits: quantities.optional(),
});

const owner = z.object({ kind: z.string().max(64), name }).optional();

export const K8sPodDataSchema = z.object({
  phase: z.string().max(32),
  node: z.string().max(253).optional(),
  ip: z.string().max(64).optional(),
  owner,
  labels,
  ready: z.boolean(),
  restarts: count,
  /** The most telling waiting/terminated reason among the containers (CrashLoopBackOff…). */
  reason: text.optional(),
  conditions: z.array(K8sConditionSchema).max(32),
  containers: z.array(K8sContainerStatusSchema).max(64),
  startedAt: time,
});

export const K8sNodeDataSchema = z.object({
  ready: z.boolean(),
  conditions: z.array(K8sConditionSchema).max(32),
  capacity: quantities,
  allocatable: quantities,
  kubeletVersion: z.string().max(64).optional(),
  runtimeVersion: z.string().max(128).optional(),
  os: text.optional(),
  taints: z.array(z.object({ key: text, value: text.optional(), effect: z.string().max(32) })).max(64),
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
  conditions: z.array(K8sConditionSchema).max(32),
  /** observedGeneration < generation: the controller has not caught up with the spec yet. */
  stale: z.boolean(),
});

export const K8sJobDataSchema = z.object({
  active: count,
  succeeded: count,
  failed: count,
  owner,
  complete: z.boolean(),
  failedReason: text.optional(),
  startedAt: time,
  completedAt: time,
});

export const K8sCronJobDataSchema = z.object({
  schedule: z.string().max(128),
  suspended: z.boolean(),
  active: count,
  lastScheduleAt: time,
  lastSuccessAt: time,
});

export const K8sServiceDataSchema = z.object({
  type: z.string().max(32),
  clusterIP: z.string().max(64).optional(),
  externalIPs: z.array(z.string().max(256)).max(64),
  selector: labels,
  ports: z
    .array(
      z.object({ port: z.int(), protocol: z.string().max(16), targetPort: z.string().max(64).optional() }),
    )
    .max(64),
});

export const K8sEndpointSliceDataSchema = z.object({
  service: z.string().max(253).optional(),
  ready: count,
  notReady: count,
  /** The pods behind it, for the topology view. */
  pods: z.array(z.string().max(253)).max(1000),
});

export const K8sIngressDataSchema = z.object({
  className: z.string().max(253).optional(),
  rules: z
    .array(
      z.object({
        host: z.string().max(253).optional(),
        path: z.string().max(1024).optional(),
        service: z.string().max(253).optional(),
        port: z.string().max(64).optional(),
      }),
    )
    .max(256),
  tlsHosts: z.array(z.string().max(253)).max(256),
});

export const K8sNamespaceDataSchema = z.object({ phase: z.string().max(32), labels });

export const K8sQuotaDataSchema = z.object({ hard: quantities, used: quantities });

/** A LimitRange's entries: per type (Container, Pod, PersistentVolumeClaim), quantities by resource. */
export const K8sLimitRangeDataSchema = z.object({
  limits: z
    .array(
      z.object({
        type: z.string().max(64),
        default: quantities.optional(),
        defaultRequest: quantities.optional(),
        max: quantities.optional(),
        min: quantities.optional(),
      }),
    )
    .max(32),
});

export const K8sPvcDataSchema = z.object({
  phase: z.string().max(32),
  capacity: z.string().max(64).optional(),
  requested: z.string().max(64).optional(),
  storageClass: z.string().max(253).optional(),
  volume: z.string().max(253).optional(),
});

export const K8sEventDataSchema = z.object({
  type: z.string().max(32),
  reason: z.string().max(256),
  message: longText,
  object: z.object({
    kind: z.string().max(64),
    name: z.string().max(253),
    namespace: z.string().max(253).optional(),
  }),
  count: count,
  firstSeen: time,
  lastSeen: time,
  source: z.string().max(253).optional(),
});

const base = { namespace: z.string().max(253), name, uid: z.string().max(64), createdAt: time };

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
  name: z.string().regex(/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/),
  /** Higher sorts first and weighs more in alerts' routing; 0 by default. */
  priority: z.int().min(-1000).max(1000),
});
export type K8sClusterRef = z.infer<typeof K8sClusterRefSchema>;

/**
 * One part of a full listing of one resource in one cluster. The hub upserts each part and,
 * at the `final` one, deletes that resource's objects not seen under this `snapshotId`: a relist
 * (after a 410, a restart, a reconnect) therefore neither loses nor doubles anything.
 */
export const K8sSnapshotItemSchema = z.object({
  kind: z.literal('k8s_snapshot'),
  ts: z.int().positive(),
  cluster: K8sClusterRefSchema,
  resource: K8sResourceSchema,
  snapshotId: z.string().min(1).max(64),
  final: z.boolean(),
  objects: z.array(K8sObjectSchema).max(2000),
});

export const K8sChangeSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('upsert'), object: K8sObjectSchema }),
  z.object({ op: z.literal('delete'), resource: K8sResourceSchema, namespace: z.string().max(253), name }),
]);
export type K8sChange = z.infer<typeof K8sChangeSchema>;

/** Watch events since the last snapshot or delta, in the order the API server sent them. */
export const K8sDeltaItemSchema = z.object({
  kind: z.literal('k8s_delta'),
  ts: z.int().positive(),
  cluster: K8sClusterRefSchema,
  changes: z.array(K8sChangeSchema).min(1).max(2000),
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
  usedBytes: z.number().nonnegative(),
  capacityBytes: z.number().nonnegative(),
  availableBytes: z.number().nonnegative(),
});
export type K8sVolumeUsage = z.infer<typeof K8sVolumeUsageSchema>;

/**
 * Resource use, and where it came from. With `node` the report covers that node only (a kubelet
 * summary from the agent on it): the hub merges the reports of every node. A node report without
 * node figures carries only PVC use (metrics-server answers for CPU and memory).
 */
export const K8sUsageItemSchema = z.object({
  kind: z.literal('k8s_usage'),
  ts: z.int().positive(),
  cluster: K8sClusterRefSchema,
  source: z.enum(K8S_USAGE_SOURCES),
  node: name.optional(),
  nodes: z
    .array(z.object({ name, cpuMillicores: z.number().nonnegative(), memoryBytes: z.number().nonnegative() }))
    .max(10_000),
  pods: z
    .array(
      z.object({
        namespace: z.string().max(253),
        name,
        cpuMillicores: z.number().nonnegative(),
        memoryBytes: z.number().nonnegative(),
      }),
    )
    .max(20_000),
  pvcs: z
    .array(z.object({ namespace: z.string().max(253), name, ...K8sVolumeUsageSchema.shape }))
    .max(20_000)
    .optional(),
});

export type K8sSnapshotItem = z.infer<typeof K8sSnapshotItemSchema>;
export type K8sDeltaItem = z.infer<typeof K8sDeltaItemSchema>;
export type K8sUsageItem = z.infer<typeof K8sUsageItemSchema>;

/** The agent command that reads a pod's log through the API server (`follow` streams it). */
export const K8S_LOGS_COMMAND = 'k8s.logs';
export const K8sLogsArgsSchema = z.object({
  cluster: z.string().min(1).max(63),
  namespace: name,
  pod: name,
  container: name.optional(),
  tailLines: z.int().min(0).max(5000).default(200),
  follow: z.boolean().default(false),
});
export type K8sLogsArgs = z.infer<typeof K8sLogsArgsSchema>;
