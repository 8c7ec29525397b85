/**
 * Resource use from metrics.k8s.io (metrics-server). When the API group is absent the item says
 * `source: "none"`, so the UI can say why there are no figures.
 * @module
 */
import type { K8sClusterRef, K8sUsageItem } from '@unity/shared';
import { type KubeHttp, KubeHttpError } from './kube-http.js';

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A Kubernetes quantity ("250m", "1.5Gi", "123456n") as a plain number; NaN if unreadable. */
export function parseQuantity(q: string): number {
  const m = /^([0-9.]+(?:e[0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return Number.NaN;
  const factor = m[2] ? SUFFIX[m[2]] : 1;
  return factor === undefined ? Number.NaN : Number(m[1]) * factor;
}

type Usage = { cpu?: string; memory?: string };
const cpuMilli = (u: Usage | undefined) => Math.max(0, parseQuantity(u?.cpu ?? '0') * 1000) || 0;
const memory = (u: Usage | undefined) => Math.max(0, parseQuantity(u?.memory ?? '0')) || 0;

export async function readUsage(http: KubeHttp, cluster: K8sClusterRef, now: number): Promise<K8sUsageItem> {
  try {
    const nodes = (await http.getJson('/apis/metrics.k8s.io/v1beta1/nodes')) as {
      items?: { metadata?: { name?: string }; usage?: Usage }[];
    };
    const pods = (await http.getJson('/apis/metrics.k8s.io/v1beta1/pods')) as {
      items?: { metadata?: { name?: string; namespace?: string }; containers?: { usage?: Usage }[] }[];
    };
    return {
      kind: 'k8s_usage',
      ts: now,
      cluster,
      source: 'metrics.k8s.io',
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
    // 404 or 503: metrics-server is not installed (or not ready); anything else is a real failure.
    if (error instanceof KubeHttpError && (error.statusCode === 404 || error.statusCode === 503))
      return { kind: 'k8s_usage', ts: now, cluster, source: 'none', nodes: [], pods: [] };
    throw error;
  }
}
