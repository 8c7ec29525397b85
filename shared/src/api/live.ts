/**
 * Live updates to browsers over `GET /api/live` (WebSocket, session cookie). The hub sends a
 * small "changed" notice after each commit; the UI refetches what it shows, at most once a
 * second per topic, so a busy fleet cannot flood a browser.
 * @module
 */
import { z } from 'zod';
import { K8sResourceSchema } from '../protocol/kubernetes.js';

export const LIVE_PATH = '/api/live';

export const LiveMessageSchema = z.discriminatedUnion('type', [
  /** New samples or inventory for a host (and its containers). */
  z.object({ type: z.literal('host_updated'), hostId: z.string(), at: z.number() }),
  /** An agent connected or went away. */
  z.object({ type: z.literal('presence'), hostId: z.string(), online: z.boolean(), at: z.number() }),
  /** New engine events (and so maybe health) for these containers (hub ids) of a host. */
  z.object({
    type: z.literal('container_events'),
    hostId: z.string(),
    containerIds: z.array(z.string()),
    at: z.number(),
  }),
  /**
   * Stored Kubernetes objects (snapshots, deltas, events, usage) of a cluster changed. `hostId` is
   * the host of the agent reporting the cluster (scopes apply to it); `namespaces` are those the
   * changes touched ('' for cluster-scoped objects), null when any may have (a relist's deletes).
   * The hub coalesces a busy cluster's changes into a few notices a second.
   */
  z.object({
    type: z.literal('k8s_changed'),
    hostId: z.string(),
    cluster: z.string(),
    resources: z.array(K8sResourceSchema),
    namespaces: z.array(z.string()).nullable(),
    at: z.number(),
  }),
]);

export type LiveMessage = z.infer<typeof LiveMessageSchema>;
