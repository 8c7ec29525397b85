/**
 * `k8s_changed` live notices: after an agent's batch with Kubernetes items is committed, the
 * browsers showing that cluster are told which resources and namespaces changed, so a page
 * refetches only when its data did. A busy cluster (a rollout, a relist, usage every few
 * seconds) would otherwise send a notice per batch: changes are merged per cluster and sent at
 * most once every `spacingMs` (leading edge, so a lone change shows at once).
 * @module
 */
import type { BatchItem, K8sResource, LiveMessage } from '@unity/shared';
import type { HubDeps } from '../types.js';

/** More namespaces than this in one notice: say "any" (null) instead of listing them. */
const MAX_NAMESPACES = 64;

export type K8sChange = { resources: Set<K8sResource>; namespaces: Set<string> | null };

const merge = (into: K8sChange, from: K8sChange): void => {
  for (const r of from.resources) into.resources.add(r);
  if (!into.namespaces || !from.namespaces) into.namespaces = null;
  else for (const n of from.namespaces) into.namespaces.add(n);
  if (into.namespaces && into.namespaces.size > MAX_NAMESPACES) into.namespaces = null;
};

/** What a batch's Kubernetes items change, by cluster name (empty when it has none). */
export function k8sChangesOf(items: readonly BatchItem[]): Map<string, K8sChange> {
  const byCluster = new Map<string, K8sChange>();
  const add = (cluster: string, change: K8sChange) => {
    const known = byCluster.get(cluster);
    if (known) merge(known, change);
    else byCluster.set(cluster, change);
  };
  for (const item of items) {
    switch (item.kind) {
      case 'k8s_snapshot':
        add(item.cluster.name, {
          resources: new Set([item.resource]),
          // The final part deletes whatever the relist did not see, in any namespace.
          namespaces: item.final ? null : new Set(item.objects.map((o) => o.namespace)),
        });
        break;
      case 'k8s_delta': {
        const change: K8sChange = { resources: new Set(), namespaces: new Set() };
        for (const c of item.changes) {
          const o = c.op === 'upsert' ? c.object : c;
          change.resources.add(o.resource);
          change.namespaces?.add(o.namespace);
        }
        if (change.resources.size > 0) add(item.cluster.name, change);
        break;
      }
      case 'k8s_usage': {
        const change: K8sChange = { resources: new Set(), namespaces: new Set() };
        if (item.nodes.length > 0) {
          change.resources.add('nodes');
          change.namespaces?.add('');
        }
        if (item.pods.length > 0) change.resources.add('pods');
        for (const p of item.pods) change.namespaces?.add(p.namespace);
        if (item.pods.length > 0 || item.nodes.length > 0) add(item.cluster.name, change);
        break;
      }
      default:
        break;
    }
  }
  return byCluster;
}

type Pending = { hostId: string; change: K8sChange | null; lastSent: number; timer?: NodeJS.Timeout };

export type K8sNoticeOptions = { spacingMs?: number; clock?: () => number };

export class K8sLiveNotices {
  readonly #publish: (message: LiveMessage) => void;
  readonly #spacingMs: number;
  readonly #clock: () => number;
  readonly #clusters = new Map<string, Pending>();

  constructor(publish: (message: LiveMessage) => void, options: K8sNoticeOptions = {}) {
    this.#publish = publish;
    this.#spacingMs = options.spacingMs ?? 250;
    this.#clock = options.clock ?? Date.now;
  }

  /** Notes the Kubernetes changes of a stored batch of `hostId`'s agent. */
  noteBatch(hostId: string, items: readonly BatchItem[]): void {
    for (const [cluster, change] of k8sChangesOf(items)) this.note(hostId, cluster, change);
  }

  note(hostId: string, cluster: string, change: K8sChange): void {
    let pending = this.#clusters.get(cluster);
    if (!pending) {
      pending = { hostId, change: null, lastSent: Number.NEGATIVE_INFINITY };
      this.#clusters.set(cluster, pending);
    }
    // A cluster that moved to another agent's host: the newest owner is the one scopes see.
    pending.hostId = hostId;
    if (pending.change) merge(pending.change, change);
    else
      pending.change = {
        resources: new Set(change.resources),
        namespaces: change.namespaces && new Set(change.namespaces),
      };
    if (pending.timer) return;
    const wait = pending.lastSent + this.#spacingMs - this.#clock();
    if (wait <= 0) this.#flush(cluster, pending);
    else {
      pending.timer = setTimeout(() => this.#flush(cluster, pending), wait);
      pending.timer.unref();
    }
  }

  /** Drops what is pending (the hub is closing). */
  stop(): void {
    for (const pending of this.#clusters.values()) clearTimeout(pending.timer);
    this.#clusters.clear();
  }

  #flush(cluster: string, pending: Pending): void {
    pending.timer = undefined;
    const change = pending.change;
    if (!change) return;
    pending.change = null;
    pending.lastSent = this.#clock();
    this.#publish({
      type: 'k8s_changed',
      hostId: pending.hostId,
      cluster,
      resources: [...change.resources].sort(),
      namespaces: change.namespaces ? [...change.namespaces].sort() : null,
      at: Date.now(),
    });
  }
}

const perHub = new WeakMap<object, K8sLiveNotices>();

/**
 * The hub's one notifier, made on first use (most hubs never see a cluster) with its stop
 * registered on close. Keyed by the live bus, which is one per hub.
 */
export function k8sLiveNotices(deps: Pick<HubDeps, 'bus' | 'onClose'>): K8sLiveNotices {
  let notices = perHub.get(deps.bus);
  if (!notices) {
    const bus = deps.bus;
    notices = new K8sLiveNotices((m) => bus.publish(m));
    perHub.set(bus, notices);
    deps.onClose(() => notices?.stop());
  }
  return notices;
}
