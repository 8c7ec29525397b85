/**
 * Stores the agents' Kubernetes items in the batch's transaction: the cluster row (name,
 * priority, owning host), snapshot parts (upsert; the final part deletes what that snapshot did
 * not list, so a relist loses and doubles nothing), deltas (upserts and deletes in the order
 * watched) and resource use. Each item is a constant number of statements whatever its size
 * (rows travel as one JSON parameter), on PGlite and PostgreSQL alike.
 * @module
 */
import type { K8sClusterRef, K8sDeltaItem, K8sObject, K8sSnapshotItem, K8sUsageItem } from '@unity/shared';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

type Row = {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  created_at: string | null;
  data: unknown;
};

const rowOf = (o: K8sObject): Row => ({
  resource: o.resource,
  namespace: o.namespace,
  name: o.name,
  uid: o.uid,
  created_at: o.createdAt ?? null,
  data: o.data,
});

async function touchCluster(tx: Db, hostId: string, cluster: K8sClusterRef, ts: number): Promise<void> {
  // A cluster name reported by another agent moves to that agent's host: one agent per cluster.
  await tx.execute(sql`
    insert into k8s_clusters (name, host_id, priority, updated_at)
    values (${cluster.name}, ${hostId}, ${cluster.priority}, to_timestamp(${ts} / 1000.0))
    on conflict (name) do update set host_id = excluded.host_id, priority = excluded.priority,
      updated_at = greatest(k8s_clusters.updated_at, excluded.updated_at)`);
}

/** How long pod restart counts are kept (the longest restart window answered exactly). */
export const POD_RESTART_RETENTION_SEC = 86_400;

/**
 * Records the restart counts of `rows`' pods that changed (or are new, or recreated under the
 * same name) against what is stored, before the upsert replaces it; then prunes those pods'
 * rows older than the retention, keeping each one's newest row from before it (a window's base).
 */
async function recordRestarts(tx: Db, cluster: string, rows: Row[]): Promise<void> {
  const pods = rows
    .filter((r) => r.resource === 'pods')
    .map((r) => ({
      namespace: r.namespace,
      name: r.name,
      uid: r.uid,
      restarts: Number((r.data as { restarts?: unknown }).restarts ?? 0) || 0,
    }));
  if (pods.length === 0) return;
  const json = JSON.stringify(pods);
  await tx.execute(sql`
    insert into k8s_pod_restarts (cluster, namespace, name, uid, restarts)
    select ${cluster}, v.namespace, v.name, v.uid, v.restarts
    from json_to_recordset(${json}::json) as v(namespace text, name text, uid text, restarts int)
    left join k8s_objects o on o.cluster = ${cluster} and o.resource = 'pods'
      and o.namespace = v.namespace and o.name = v.name
    where o.uid is distinct from v.uid or (o.data ->> 'restarts')::int is distinct from v.restarts`);
  await tx.execute(sql`
    delete from k8s_pod_restarts r using json_to_recordset(${json}::json) as v(namespace text, name text)
    where r.cluster = ${cluster} and r.namespace = v.namespace and r.name = v.name
      and r.at < now() - make_interval(secs => ${POD_RESTART_RETENTION_SEC})
      and exists (select 1 from k8s_pod_restarts n where n.cluster = r.cluster
        and n.namespace = r.namespace and n.name = r.name and n.at > r.at
        and n.at < now() - make_interval(secs => ${POD_RESTART_RETENTION_SEC}))`);
}

async function upsert(tx: Db, cluster: string, rows: Row[], snapshotId: string | null): Promise<void> {
  if (rows.length === 0) return;
  await recordRestarts(tx, cluster, rows);
  await tx.execute(sql`
    insert into k8s_objects (cluster, resource, namespace, name, uid, created_at, data, snapshot_id, updated_at)
    select ${cluster}, v.resource, v.namespace, v.name, v.uid, v.created_at, v.data, ${snapshotId}, now()
    from json_to_recordset(${JSON.stringify(rows)}::json) as v(resource text, namespace text, name text,
      uid text, created_at text, data jsonb)
    on conflict (cluster, resource, namespace, name) do update set uid = excluded.uid,
      created_at = excluded.created_at, data = excluded.data, updated_at = excluded.updated_at,
      snapshot_id = coalesce(excluded.snapshot_id, k8s_objects.snapshot_id),
      usage = case when k8s_objects.uid = excluded.uid then k8s_objects.usage end`);
}

export async function storeK8sSnapshot(tx: Db, hostId: string, item: K8sSnapshotItem): Promise<void> {
  await touchCluster(tx, hostId, item.cluster, item.ts);
  await upsert(tx, item.cluster.name, item.objects.map(rowOf), item.snapshotId);
  if (item.final) {
    await tx.execute(sql`
      delete from k8s_objects where cluster = ${item.cluster.name} and resource = ${item.resource}
        and snapshot_id is distinct from ${item.snapshotId}`);
    if (item.resource === 'pods')
      await tx.execute(sql`
        delete from k8s_pod_restarts r where r.cluster = ${item.cluster.name} and not exists (
          select 1 from k8s_objects o where o.cluster = r.cluster and o.resource = 'pods'
            and o.namespace = r.namespace and o.name = r.name)`);
  }
}

export async function storeK8sDelta(tx: Db, hostId: string, item: K8sDeltaItem): Promise<void> {
  await touchCluster(tx, hostId, item.cluster, item.ts);
  // The agent collapses changes per object, so one item never names an object twice and the
  // upserts and deletes commute.
  const upserts: Row[] = [];
  const deletes: { resource: string; namespace: string; name: string }[] = [];
  for (const change of item.changes) {
    if (change.op === 'upsert') upserts.push(rowOf(change.object));
    else deletes.push({ resource: change.resource, namespace: change.namespace, name: change.name });
  }
  await upsert(tx, item.cluster.name, upserts, null);
  if (deletes.length > 0)
    await tx.execute(sql`
      delete from k8s_objects o using json_to_recordset(${JSON.stringify(deletes)}::json)
        as v(resource text, namespace text, name text)
      where o.cluster = ${item.cluster.name} and o.resource = v.resource and o.namespace = v.namespace
        and o.name = v.name`);
  const podDeletes = deletes.filter((d) => d.resource === 'pods');
  if (podDeletes.length > 0)
    await tx.execute(sql`
      delete from k8s_pod_restarts r using json_to_recordset(${JSON.stringify(podDeletes)}::json)
        as v(namespace text, name text)
      where r.cluster = ${item.cluster.name} and r.namespace = v.namespace and r.name = v.name`);
}

/** How long node reports from kubelets outrank an agent's `none` (metrics-server is absent). */
const KUBELET_FRESH_SECONDS = 120;

/**
 * Resource use onto its objects. A cluster-wide report (metrics-server, or `none`) comes from the
 * agent that watches the cluster; a node report (`node` set: the kubelet summary of that node,
 * from the agent on it) covers that node's objects only, so the reports of every node's agent
 * merge. A node agent is another host: it neither takes the cluster over nor changes its priority.
 */
export async function storeK8sUsage(tx: Db, hostId: string, item: K8sUsageItem): Promise<void> {
  const cluster = item.cluster.name;
  if (item.node === undefined) await touchCluster(tx, hostId, item.cluster, item.ts);
  else
    await tx.execute(sql`
      insert into k8s_clusters (name, host_id, priority, updated_at)
      values (${cluster}, ${hostId}, ${item.cluster.priority}, to_timestamp(${item.ts} / 1000.0))
      on conflict (name) do nothing`);
  // A node report without node figures carries only PVC volumes (metrics-server has the rest).
  const figures = item.node === undefined || item.nodes.length > 0;
  if (figures)
    await tx.execute(sql`
      update k8s_clusters set usage_source = ${item.source}, usage_at = to_timestamp(${item.ts} / 1000.0)
      where name = ${cluster} and not (${item.source}::text = 'none' and coalesce(usage_source = 'kubelet'
        and usage_at > to_timestamp(${item.ts / 1000 - KUBELET_FRESH_SECONDS}), false))`);
  const rows = [
    ...item.nodes.map((n) => ({
      resource: 'nodes',
      namespace: '',
      name: n.name,
      usage: { cpuMillicores: n.cpuMillicores, memoryBytes: n.memoryBytes },
    })),
    ...item.pods.map((p) => ({
      resource: 'pods',
      namespace: p.namespace,
      name: p.name,
      usage: { cpuMillicores: p.cpuMillicores, memoryBytes: p.memoryBytes },
    })),
    // The PVCNearFull alert reads usedBytes and capacityBytes from here.
    ...(item.pvcs ?? []).map((v) => ({
      resource: 'pvcs',
      namespace: v.namespace,
      name: v.name,
      usage: { usedBytes: v.usedBytes, capacityBytes: v.capacityBytes, availableBytes: v.availableBytes },
    })),
  ];
  if (rows.length === 0) return;
  await tx.execute(sql`
    update k8s_objects o set usage = v.usage
    from json_to_recordset(${JSON.stringify(rows)}::json) as v(resource text, namespace text, name text,
      usage jsonb)
    where o.cluster = ${cluster} and o.resource = v.resource and o.namespace = v.namespace
      and o.name = v.name`);
}
