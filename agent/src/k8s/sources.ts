/**
 * Which clusters to watch, from the agent's configuration: the in-cluster service account, and
 * the named (or current) contexts of a kubeconfig. A context's name becomes the cluster's name
 * unless renamed (`ctx=name`), made to fit Unity's cluster-name rule.
 * @module
 */
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type { KubeConfigOptions } from '../config.js';
import type { KubeSource } from './clusters.js';

/** "kubernetes-admin@Kind" → "kubernetes-admin-kind". */
export function clusterNameOf(context: string): string {
  const name = context
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 63)
    .replace(/[^a-z0-9]+$/, '');
  return name || 'cluster';
}

export function kubeSources(o: KubeConfigOptions | undefined): KubeSource[] {
  if (!o) return [];
  const sources: KubeSource[] = [];
  if (o.inCluster)
    sources.push({
      kind: 'in-cluster',
      cluster: { name: o.clusterName ?? 'in-cluster', priority: o.priority },
    });
  if (o.kubeconfig) {
    const path = o.kubeconfig;
    if (o.contexts.length === 0) {
      const kc = new KubeConfig();
      kc.loadFromFile(path);
      const current = kc.getCurrentContext();
      sources.push({
        kind: 'kubeconfig',
        path,
        context: undefined,
        cluster: { name: (!o.inCluster && o.clusterName) || clusterNameOf(current), priority: o.priority },
      });
    }
    for (const c of o.contexts) {
      const single = o.contexts.length === 1 && !o.inCluster;
      const name = c.name ?? (single && o.clusterName ? o.clusterName : clusterNameOf(c.context));
      sources.push({ kind: 'kubeconfig', path, context: c.context, cluster: { name, priority: o.priority } });
    }
  }
  return sources;
}
