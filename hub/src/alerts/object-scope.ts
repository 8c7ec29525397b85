/**
 * Host scopes for alert instances and history. An instance is about an object named by its key:
 * `host:<id>` and `host:<id>:<mount>` are on that host, `container:<id>` on the container's host,
 * `series:<id>` on the host its `host_id` label names (none: hidden from scoped readers, as in
 * /api/series), `k8s:<cluster>:…` on the host of the agent that reports the cluster;
 * probes (`probe:<id>`) and rule-level instances (`rule`) are hub-level and visible to every
 * holder of `alerts:read`. A history row without a key (written before migration 0022 for an
 * instance that no longer exists) cannot be placed on a host, so scoped readers do not see it.
 * @module
 */
import { inArray, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import { containers, k8sClusters, series } from '../db/schema.js';

/**
 * A SQL condition keeping the rows whose object key is on a visible host (or hub-level); none
 * when the caller is unscoped.
 */
export function objectKeyVisible(column: AnyPgColumn, visible: 'all' | ReadonlySet<string>): SQL | undefined {
  if (visible === 'all') return undefined;
  const ids = JSON.stringify([...visible]);
  const kind = sql`split_part(${column}, ':', 1)`;
  const id = sql`split_part(${column}, ':', 2)`;
  const visibleIds = sql`(select json_array_elements_text(${ids}::json))`;
  return sql`(${column} is not null and (
    (${kind} not in ('host', 'container', 'series', 'k8s'))
    or (${kind} = 'host' and ${id} in ${visibleIds})
    or (${kind} = 'container' and exists (
      select 1 from containers oc where oc.id = ${id} and oc.host_id::text in ${visibleIds}))
    or (${kind} = 'series' and exists (
      select 1 from series os where os.id::text = ${id} and os.labels ->> 'host_id' in ${visibleIds}))
    or (${kind} = 'k8s' and exists (
      select 1 from k8s_clusters kc where kc.name = ${id} and kc.host_id::text in ${visibleIds}))
  ))`;
}

/** The keys among `keys` about visible hosts (or hub-level), as objectKeyVisible decides in SQL. */
export async function visibleObjectKeys(
  db: Db,
  keys: readonly string[],
  visible: 'all' | ReadonlySet<string>,
): Promise<Set<string>> {
  if (visible === 'all') return new Set(keys);
  const containerIds = keys.filter((k) => k.startsWith('container:')).map((k) => k.split(':')[1] ?? '');
  const hostOf = new Map(
    containerIds.length === 0
      ? []
      : (
          await db
            .select({ id: containers.id, hostId: containers.hostId })
            .from(containers)
            .where(inArray(containers.id, containerIds))
        ).map((r) => [r.id, r.hostId]),
  );
  const seriesIds = keys.filter((k) => k.startsWith('series:')).map((k) => Number(k.split(':')[1]));
  const seriesHost = new Map(
    seriesIds.length === 0
      ? []
      : (
          await db
            .select({ id: series.id, labels: series.labels })
            .from(series)
            .where(inArray(series.id, seriesIds))
        ).map((r) => [String(r.id), r.labels.host_id ?? '']),
  );
  const clusterNames = [
    ...new Set(keys.filter((k) => k.startsWith('k8s:')).map((k) => k.split(':')[1] ?? '')),
  ];
  const clusterHost = new Map(
    clusterNames.length === 0
      ? []
      : (
          await db
            .select({ name: k8sClusters.name, hostId: k8sClusters.hostId })
            .from(k8sClusters)
            .where(inArray(k8sClusters.name, clusterNames))
        ).map((r) => [r.name, r.hostId]),
  );
  return new Set(
    keys.filter((k) => {
      const [kind = '', id = ''] = k.split(':');
      if (kind === 'host') return visible.has(id);
      if (kind === 'k8s') return visible.has(clusterHost.get(id) ?? '');
      if (kind === 'container') return visible.has(hostOf.get(id) ?? '');
      if (kind === 'series') return visible.has(seriesHost.get(id) ?? '');
      return true;
    }),
  );
}
