/**
 * Kubernetes API shapes (`/api/k8s`): clusters with their summary, objects with a derived
 * health, and the queries. `healthOf` is shared so the UI and the hub say the same thing.
 * @module
 */
import { z } from 'zod';
import {
  K8S_RESOURCES,
  type K8sObject,
  type K8sUsageSource,
  type K8sVolumeUsage,
} from '../protocol/kubernetes.js';

/** The object lists `/api/k8s/:cluster/:list` serves; `workloads` is every controller kind. */
export const K8S_LISTS = [...K8S_RESOURCES, 'workloads'] as const;
export const K8sListSchema = z.enum(K8S_LISTS);
export type K8sList = z.infer<typeof K8sListSchema>;

export const WORKLOAD_RESOURCES = [
  'deployments',
  'statefulsets',
  'daemonsets',
  'replicasets',
  'jobs',
  'cronjobs',
] as const;

export const K8sClusterParamSchema = z.object({
  cluster: z.string().regex(/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/, 'a cluster name'),
});

export const K8sListQuerySchema = z.object({
  namespace: z.string().min(1).max(253).optional(),
  limit: z.coerce.number().int().min(1).max(20_000).default(5000),
});

export const K8sPodLogsQuerySchema = z.object({
  container: z.string().min(1).max(253).optional(),
  tailLines: z.coerce.number().int().min(0).max(5000).default(200),
  follow: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
});

/** ok; warning: degraded but serving; error: down or failing; unknown: nothing to judge by. */
export type K8sHealth = 'ok' | 'warning' | 'error';

const FAILING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'OOMKilled',
  'CreateContainerConfigError',
]);

/** What the UI colours an object by, and why. */
export function healthOf(o: K8sObject): { health: K8sHealth; reason?: string } {
  switch (o.resource) {
    case 'pods': {
      const d = o.data;
      if (d.phase === 'Failed') return { health: 'error', reason: d.reason ?? 'Failed' };
      if (d.reason && FAILING.has(d.reason)) return { health: 'error', reason: d.reason };
      if (d.phase === 'Succeeded') return { health: 'ok' };
      if (d.phase === 'Pending') return { health: 'warning', reason: d.reason ?? 'Pending' };
      return d.ready ? { health: 'ok' } : { health: 'warning', reason: 'NotReady' };
    }
    case 'nodes': {
      if (!o.data.ready) return { health: 'error', reason: 'NotReady' };
      const pressure = o.data.conditions.find((c) => c.type.endsWith('Pressure') && c.status === 'True');
      return pressure ? { health: 'warning', reason: pressure.type } : { health: 'ok' };
    }
    case 'deployments':
    case 'statefulsets':
    case 'daemonsets':
    case 'replicasets': {
      const d = o.data;
      if (d.desired > 0 && d.ready === 0) return { health: 'error', reason: 'Unavailable' };
      if (d.ready < d.desired)
        return { health: 'warning', reason: `Degraded (${d.ready}/${d.desired} ready)` };
      return { health: 'ok' };
    }
    case 'jobs':
      return o.data.failedReason ? { health: 'error', reason: o.data.failedReason } : { health: 'ok' };
    case 'pvcs':
      return o.data.phase === 'Bound' ? { health: 'ok' } : { health: 'warning', reason: o.data.phase };
    case 'events':
      return o.data.type === 'Warning' ? { health: 'warning', reason: o.data.reason } : { health: 'ok' };
    case 'endpointslices':
      return o.data.notReady > 0
        ? { health: 'warning', reason: `${o.data.notReady} not ready` }
        : { health: 'ok' };
    default:
      return { health: 'ok' };
  }
}

/** CPU and memory of a pod or node. */
export type K8sComputeUsage = { cpuMillicores: number; memoryBytes: number };

export type K8sObjectView = K8sObject & {
  updatedAt: string;
  /** Pods and nodes: CPU and memory; PVCs: volume use (from the kubelet). */
  usage?: K8sComputeUsage | K8sVolumeUsage | null;
  health: K8sHealth;
  reason?: string;
};

export type K8sClusterSummary = {
  name: string;
  hostId: string;
  hostName: string;
  priority: number;
  updatedAt: string;
  usageSource: K8sUsageSource | null;
  nodes: { total: number; ready: number };
  pods: { total: number; byPhase: Record<string, number>; failing: number };
  workloads: { total: number; degraded: number };
  namespaces: number;
  warnings: number;
};

/** A pod's or node's CPU and memory, when reported. */
export const computeUsageOf = (o: K8sObjectView): K8sComputeUsage | undefined =>
  o.usage && 'cpuMillicores' in o.usage ? o.usage : undefined;

/** A PVC's volume use, when a kubelet reported it. */
export const volumeUsageOf = (o: K8sObjectView): K8sVolumeUsage | undefined =>
  o.usage && 'usedBytes' in o.usage ? o.usage : undefined;
