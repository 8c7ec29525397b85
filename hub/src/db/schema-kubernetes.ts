/**
 * Kubernetes (issue 10): clusters and their objects (the agents' slim projections, as JSON).
 * Written by hand in migration 0028_kubernetes.
 * @module
 */
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const k8sClusters = pgTable(
  'k8s_clusters',
  {
    name: text('name').primaryKey(),
    /** The host of the agent that reports it; references hosts(id) ON DELETE CASCADE. */
    hostId: uuid('host_id').notNull(),
    priority: integer('priority').notNull().default(0),
    usageSource: text('usage_source', { enum: ['metrics.k8s.io', 'kubelet', 'none'] }),
    usageAt: tstz('usage_at'),
    firstSeenAt: tstz('first_seen_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('k8s_clusters_host_idx').on(t.hostId)],
);

export const k8sObjects = pgTable(
  'k8s_objects',
  {
    /** References k8s_clusters(name) ON DELETE CASCADE. */
    cluster: text('cluster').notNull(),
    resource: text('resource').notNull(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    uid: text('uid').notNull(),
    createdAt: text('created_at'),
    data: jsonb('data').notNull(),
    /**
     * Pods and nodes: `{cpuMillicores, memoryBytes}` (metrics.k8s.io or the kubelet summary);
     * PVCs: `{usedBytes, capacityBytes, availableBytes}` (the kubelet summary).
     */
    usage: jsonb('usage'),
    /** The snapshot that last listed it; a final snapshot part deletes rows of older ones. */
    snapshotId: text('snapshot_id'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'k8s_objects_pk', columns: [t.cluster, t.resource, t.namespace, t.name] })],
);

/**
 * A pod's restart count each time it changed (migration 0029), for restart-rate alert rules.
 * Pruned to a day when pod changes are stored (see k8s/store.ts).
 */
export const k8sPodRestarts = pgTable(
  'k8s_pod_restarts',
  {
    /** References k8s_clusters(name) ON DELETE CASCADE. */
    cluster: text('cluster').notNull(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    uid: text('uid').notNull(),
    restarts: integer('restarts').notNull(),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [index('k8s_pod_restarts_pod_idx').on(t.cluster, t.namespace, t.name, t.at)],
);
