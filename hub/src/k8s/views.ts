/**
 * Read side of the Kubernetes store: clusters with their summaries, and object lists with the
 * derived health the UI colours by.
 * @module
 */
import {
  healthOf,
  type K8sClusterSummary,
  type K8sList,
  type K8sObject,
  type K8sObjectView,
  type K8sUsageSource,
  WORKLOAD_RESOURCES,
} from '@unity/shared';
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client.js';

type ObjectRow = {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  created_at: string | null;
  data: unknown;
  usage: unknown;
  updated_at: string | Date;
};

const iso = (v: string | Date): string => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

function viewOf(r: ObjectRow): K8sObjectView {
  const object = {
    resource: r.resource,
    namespace: r.namespace,
    name: r.name,
    uid: r.uid,
    ...(r.created_at ? { createdAt: r.created_at } : {}),
    data: r.data,
  } as K8sObject;
  const { health, reason } = healthOf(object);
  return {
    ...object,
    updatedAt: iso(r.updated_at),
    ...(r.usage ? { usage: r.usage as NonNullable<K8sObjectView['usage']> } : {}),
    health,
    ...(reason ? { reason } : {}),
  };
}

export type ClusterRow = { name: string; hostId: string };

export async function findCluster(db: Db, name: string): Promise<ClusterRow | undefined> {
  const [row] = rowsOf<{ name: string; host_id: string }>(
    await db.execute(sql`select name, host_id::text as host_id from k8s_clusters where name = ${name}`),
  );
  return row ? { name: row.name, hostId: row.host_id } : undefined;
}

export async function listObjects(
  db: Db,
  cluster: string,
  list: K8sList,
  options: { namespace?: string | undefined; name?: string | undefined; limit: number },
): Promise<K8sObjectView[]> {
  const resources: readonly string[] = list === 'workloads' ? WORKLOAD_RESOURCES : [list];
  const order =
    list === 'events' ? sql`o.data->>'lastSeen' desc nulls last, o.name` : sql`o.namespace, o.name`;
  const rows = rowsOf<ObjectRow>(
    await db.execute(sql`
      select o.resource, o.namespace, o.name, o.uid, o.created_at, o.data, o.usage, o.updated_at
      from k8s_objects o
      where o.cluster = ${cluster} and o.resource in (select jsonb_array_elements_text(${JSON.stringify(resources)}::jsonb))
        and (${options.namespace ?? null}::text is null or o.namespace = ${options.namespace ?? null})
        and (${options.name ?? null}::text is null or o.name = ${options.name ?? null})
      order by ${order}
      limit ${options.limit}`),
  );
  return rows.map(viewOf);
}

/** Events about one object, newest first. */
export async function eventsAbout(
  db: Db,
  cluster: string,
  kind: string,
  namespace: string,
  name: string,
): Promise<K8sObjectView[]> {
  const rows = rowsOf<ObjectRow>(
    await db.execute(sql`
      select o.resource, o.namespace, o.name, o.uid, o.created_at, o.data, o.usage, o.updated_at
      from k8s_objects o
      where o.cluster = ${cluster} and o.resource = 'events' and o.namespace = ${namespace}
        and o.data->'object'->>'kind' = ${kind} and o.data->'object'->>'name' = ${name}
      order by o.data->>'lastSeen' desc nulls last
      limit 200`),
  );
  return rows.map(viewOf);
}

export async function listClusters(db: Db): Promise<K8sClusterSummary[]> {
  const rows = rowsOf<{
    name: string;
    host_id: string;
    hostname: string | null;
    priority: number;
    updated_at: string | Date;
    usage_source: K8sUsageSource | null;
    nodes: number;
    nodes_ready: number;
    pods: number;
    phases: Record<string, number> | null;
    failing: number;
    workloads: number;
    degraded: number;
    namespaces: number;
    warnings: number;
  }>(
    await db.execute(sql`
      select c.name, c.host_id::text as host_id, h.name as hostname, c.priority, c.updated_at, c.usage_source,
        coalesce(s.nodes, 0)::int as nodes, coalesce(s.nodes_ready, 0)::int as nodes_ready,
        coalesce(s.pods, 0)::int as pods, p.phases, coalesce(s.failing, 0)::int as failing,
        coalesce(s.workloads, 0)::int as workloads, coalesce(s.degraded, 0)::int as degraded,
        coalesce(s.namespaces, 0)::int as namespaces, coalesce(s.warnings, 0)::int as warnings
      from k8s_clusters c
      left join hosts h on h.id = c.host_id
      left join lateral (
        select
          count(*) filter (where o.resource = 'nodes') as nodes,
          count(*) filter (where o.resource = 'nodes' and (o.data->>'ready')::boolean) as nodes_ready,
          count(*) filter (where o.resource = 'pods') as pods,
          count(*) filter (where o.resource = 'pods' and (o.data->>'phase' = 'Failed'
            or o.data->>'reason' in ('CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'OOMKilled',
              'CreateContainerConfigError'))) as failing,
          count(*) filter (where o.resource in ('deployments', 'statefulsets', 'daemonsets')) as workloads,
          count(*) filter (where o.resource in ('deployments', 'statefulsets', 'daemonsets')
            and (o.data->>'ready')::int < (o.data->>'desired')::int) as degraded,
          count(*) filter (where o.resource = 'namespaces') as namespaces,
          count(*) filter (where o.resource = 'events' and o.data->>'type' = 'Warning') as warnings
        from k8s_objects o where o.cluster = c.name
      ) s on true
      left join lateral (
        select jsonb_object_agg(phase, n) as phases from (
          select o.data->>'phase' as phase, count(*)::int as n from k8s_objects o
          where o.cluster = c.name and o.resource = 'pods' group by 1) x
      ) p on true
      order by c.priority desc, c.name`),
  );
  return rows.map((r) => ({
    name: r.name,
    hostId: r.host_id,
    hostName: r.hostname ?? '',
    priority: r.priority,
    updatedAt: iso(r.updated_at),
    usageSource: r.usage_source,
    nodes: { total: r.nodes, ready: r.nodes_ready },
    pods: { total: r.pods, byPhase: r.phases ?? {}, failing: r.failing },
    workloads: { total: r.workloads, degraded: r.degraded },
    namespaces: r.namespaces,
    warnings: r.warnings,
  }));
}
