/**
 * Resource use: from metrics.k8s.io (metrics-server) when it is installed, otherwise from the
 * kubelet's summary API, read by the agent on each node for its own node (a DaemonSet), which
 * also gives PVC volume use. An agent that knows no node and finds no metrics-server says
 * `source: "none"`, so the UI can say why there are no figures.
 * @module
 */
import { type K8sClusterRef, type K8sUsageItem, parseQuantity } from '@unity/shared';
import { type KubeHttp, KubeHttpError } from './kube-http.js';

type Usage = { cpu?: string; memory?: string };
const cpuMilli = (u: Usage | undefined) => Math.max(0, parseQuantity(u?.cpu ?? '0') * 1000) || 0;
const memory = (u: Usage | undefined) => Math.max(0, parseQuantity(u?.memory ?? '0')) || 0;

type Figures = Pick<K8sUsageItem, 'nodes' | 'pods'>;
type Pvcs = NonNullable<K8sUsageItem['pvcs']>;

/** metrics-server is absent (404) or not ready (503): anything else is a real failure. */
const absent = (error: unknown) =>
  error instanceof KubeHttpError && (error.statusCode === 404 || error.statusCode === 503);

/** The whole cluster's figures from metrics.k8s.io, or undefined when metrics-server is absent. */
async function metricsServer(http: KubeHttp): Promise<Figures | undefined> {
  try {
    const nodes = (await http.getJson('/apis/metrics.k8s.io/v1beta1/nodes')) as {
      items?: { metadata?: { name?: string }; usage?: Usage }[];
    };
    const pods = (await http.getJson('/apis/metrics.k8s.io/v1beta1/pods')) as {
      items?: { metadata?: { name?: string; namespace?: string }; containers?: { usage?: Usage }[] }[];
    };
    return {
      nodes: (nodes.items ?? [])
        .filter((n) => n.metadata?.name)
        .slice(0, 10_000)
        .map((n) => ({
          name: n.metadata?.name as string,
          cpuMillicores: cpuMilli(n.usage),
          memoryBytes: memory(n.usage),
        })),
      pods: (pods.items ?? [])
        .filter((p) => p.metadata?.name)
        .slice(0, 20_000)
        .map((p) => ({
          namespace: p.metadata?.namespace ?? '',
          name: p.metadata?.name as string,
          cpuMillicores: (p.containers ?? []).reduce((s, c) => s + cpuMilli(c.usage), 0),
          memoryBytes: (p.containers ?? []).reduce((s, c) => s + memory(c.usage), 0),
        })),
    };
  } catch (error) {
    if (absent(error)) return undefined;
    throw error;
  }
}

/** Whether metrics-server answers for `node`: one small request instead of two cluster-wide lists. */
async function metricsServerHas(http: KubeHttp, node: string): Promise<boolean> {
  try {
    await http.getJson(`/apis/metrics.k8s.io/v1beta1/nodes/${encodeURIComponent(node)}`);
    return true;
  } catch (error) {
    if (absent(error)) return false;
    throw error;
  }
}

/**
 * The kubelet's summary (`/stats/summary`, the Summary API of k8s.io/kubelet/pkg/apis/stats):
 * CPU as usageNanoCores, memory as workingSetBytes (what metrics-server reports too), and each
 * pod's volumes, a PVC's with its `pvcRef`.
 */
type CpuStats = { usageNanoCores?: number };
type MemoryStats = { workingSetBytes?: number };
type Summary = {
  node?: { nodeName?: string; cpu?: CpuStats; memory?: MemoryStats };
  pods?: {
    podRef?: { name?: string; namespace?: string };
    cpu?: CpuStats;
    memory?: MemoryStats;
    containers?: { cpu?: CpuStats; memory?: MemoryStats }[];
    volume?: {
      usedBytes?: number;
      capacityBytes?: number;
      availableBytes?: number;
      pvcRef?: { name?: string; namespace?: string };
    }[];
  }[];
};

const bytes = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const milli = (c: CpuStats | undefined) => bytes(c?.usageNanoCores) / 1e6;

export function summaryUsage(summary: unknown, node: string): Figures & { pvcs: Pvcs } {
  const s = (summary ?? {}) as Summary;
  const pods = (s.pods ?? []).filter((p) => p.podRef?.name).slice(0, 20_000);
  const pvcs: Pvcs = [];
  for (const p of pods)
    for (const v of p.volume ?? [])
      if (v.pvcRef?.name && pvcs.length < 20_000)
        pvcs.push({
          namespace: v.pvcRef.namespace ?? p.podRef?.namespace ?? '',
          name: v.pvcRef.name,
          usedBytes: bytes(v.usedBytes),
          capacityBytes: bytes(v.capacityBytes),
          availableBytes: bytes(v.availableBytes),
        });
  return {
    nodes: [
      { name: node, cpuMillicores: milli(s.node?.cpu), memoryBytes: bytes(s.node?.memory?.workingSetBytes) },
    ],
    pods: pods.map((p) => ({
      namespace: p.podRef?.namespace ?? '',
      name: p.podRef?.name as string,
      // Older kubelets leave the pod-level figures out: the containers' sum is the same thing.
      cpuMillicores: p.cpu ? milli(p.cpu) : (p.containers ?? []).reduce((sum, c) => sum + milli(c.cpu), 0),
      memoryBytes: p.memory
        ? bytes(p.memory.workingSetBytes)
        : (p.containers ?? []).reduce((sum, c) => sum + bytes(c.memory?.workingSetBytes), 0),
    })),
    pvcs,
  };
}

export type UsageSource = {
  cluster: K8sClusterRef;
  /** The API server. */
  http: KubeHttp;
  /** The node this agent runs on, whose kubelet it may read. */
  node?: string | undefined;
  /** The kubelet itself; without it the summary is read through the API server's node proxy. */
  kubelet?: KubeHttp | undefined;
  /** Report this node only (watch nothing): never the cluster-wide metrics-server lists. */
  usageOnly?: boolean;
};

async function readSummary(u: UsageSource, node: string): Promise<unknown> {
  return u.kubelet
    ? u.kubelet.getJson('/stats/summary')
    : u.http.getJson(`/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`);
}

/**
 * One usage report, or undefined when there is nothing for this agent to say. metrics-server
 * first: when it answers, the watching agent reports the cluster from it and a node agent only its
 * node's PVC volumes (metrics-server does not know them). When it does not, a node agent reports
 * its node from the kubelet summary, and an agent that knows no node says `none`.
 */
export async function readUsage(u: UsageSource, now: number): Promise<K8sUsageItem | undefined> {
  const head = { kind: 'k8s_usage' as const, ts: now, cluster: u.cluster };
  const node = u.node;
  if (!node) {
    const metrics = await metricsServer(u.http);
    return metrics
      ? { ...head, source: 'metrics.k8s.io', ...metrics }
      : { ...head, source: 'none', nodes: [], pods: [] };
  }
  const metrics = u.usageOnly ? await metricsServerHas(u.http, node) : await metricsServer(u.http);
  if (!metrics)
    return { ...head, source: 'kubelet', node, ...summaryUsage(await readSummary(u, node), node) };
  // With metrics-server the summary adds only PVC volumes: figures must not wait on it.
  const pvcs = await readSummary(u, node).then(
    (summary) => summaryUsage(summary, node).pvcs,
    () => undefined,
  );
  if (metrics === true)
    return pvcs ? { ...head, source: 'kubelet', node, nodes: [], pods: [], pvcs } : undefined;
  return { ...head, source: 'metrics.k8s.io', ...metrics, ...(pvcs ? { pvcs } : {}) };
}
