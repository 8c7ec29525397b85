/**
 * Turns one cluster's watch output into batch items, in order: a snapshot flushes the changes
 * queued before it, changes to one object within a flush window collapse into the last one, and
 * items are cut at about 256 KiB so each fits a frame. Objects the wire schema refuses are
 * dropped (and logged) one by one, never the whole item: an item the hub refuses would block the
 * outbox for good.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  type BatchItem,
  describeIssues,
  type K8sChange,
  type K8sClusterRef,
  type K8sObject,
  K8sObjectSchema,
  type K8sResource,
} from '@unity/shared';
import type { Logger } from 'pino';
import type { WatchSink } from './resource-watch.js';

const ITEM_BYTES = 256 * 1024;
const ITEM_OBJECTS = 2000;

export class ChangeQueue implements WatchSink {
  readonly #cluster: K8sClusterRef;
  readonly #log: Logger;
  readonly #now: () => number;
  /** Pending changes by object, in first-change order; a later change replaces an earlier one. */
  #changes = new Map<string, K8sChange>();
  #items: BatchItem[] = [];

  constructor(cluster: K8sClusterRef, log: Logger, now: () => number = Date.now) {
    this.#cluster = cluster;
    this.#log = log;
    this.#now = now;
  }

  get pending(): number {
    return this.#changes.size + this.#items.length;
  }

  snapshot(resource: K8sResource, objects: K8sObject[]): void {
    this.#moveChanges();
    const snapshotId = randomUUID();
    const parts = chunk(this.#valid(objects), (o) => JSON.stringify(o).length);
    if (parts.length === 0) parts.push([]);
    parts.forEach((part, i) => {
      this.#items.push({
        kind: 'k8s_snapshot',
        ts: this.#now(),
        cluster: this.#cluster,
        resource,
        snapshotId,
        final: i === parts.length - 1,
        objects: part,
      });
    });
  }

  upsert(object: K8sObject): void {
    const [valid] = this.#valid([object]);
    if (!valid) return;
    const k = `${object.resource}/${object.namespace}/${object.name}`;
    this.#changes.delete(k);
    this.#changes.set(k, { op: 'upsert', object: valid });
  }

  remove(resource: K8sResource, namespace: string, name: string): void {
    const k = `${resource}/${namespace}/${name}`;
    this.#changes.delete(k);
    this.#changes.set(k, { op: 'delete', resource, namespace, name });
  }

  /** Everything queued so far, as batch items, in order; the queue is empty afterwards. */
  take(): BatchItem[] {
    this.#moveChanges();
    const items = this.#items;
    this.#items = [];
    return items;
  }

  #moveChanges(): void {
    if (this.#changes.size === 0) return;
    const changes = [...this.#changes.values()];
    this.#changes = new Map();
    for (const part of chunk(changes, (c) => JSON.stringify(c).length)) {
      this.#items.push({ kind: 'k8s_delta', ts: this.#now(), cluster: this.#cluster, changes: part });
    }
  }

  #valid(objects: K8sObject[]): K8sObject[] {
    return objects.filter((o) => {
      const parsed = K8sObjectSchema.safeParse(o);
      if (!parsed.success)
        this.#log.warn(
          {
            resource: o.resource,
            namespace: o.namespace,
            name: o.name,
            problem: describeIssues(parsed.error),
          },
          'dropping a kubernetes object the wire schema refuses',
        );
      return parsed.success;
    });
  }
}

function chunk<T>(values: T[], size: (v: T) => number): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const v of values) {
    const s = size(v);
    if (current.length > 0 && (bytes + s > ITEM_BYTES || current.length >= ITEM_OBJECTS)) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(v);
    bytes += s;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
