/**
 * What a badge shows, kept for a few seconds: a badge on a busy README or status page is asked
 * for by every viewer, and each answer costs a query over up to 90 days of results (42 ms on
 * 1.3 M rows). With the cache a crowd costs one query per badge per TTL; requests arriving
 * together share it. The badge's label and style come from the request, so only the data is
 * kept. Publishing or unpublishing drops the cache, so "not public" never outlives the change
 * on this replica (other replicas catch up within the TTL).
 * @module
 */
import type { Badge } from './svg.js';

export const BADGE_TTL_MS = 5_000;
/** Bounds memory against a scan of random (valid-looking) ids, each kept as "not public". */
const MAX_ENTRIES = 10_000;

type Entry = { until: number; badge: Promise<Badge | undefined> };

export class BadgeCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The kept badge data for `key`, or `compute()`'s; a failed computation is not kept. */
  get(key: string, compute: () => Promise<Badge | undefined>): Promise<Badge | undefined> {
    const at = this.#now();
    const hit = this.#entries.get(key);
    if (hit && hit.until > at) return hit.badge;
    if (this.#entries.size >= MAX_ENTRIES) this.#prune(at);
    const entry: Entry = { until: at + BADGE_TTL_MS, badge: compute() };
    this.#entries.set(key, entry);
    entry.badge.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return entry.badge;
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  #prune(at: number): void {
    for (const [key, entry] of this.#entries) if (entry.until <= at) this.#entries.delete(key);
    // Still full of live entries: a scan in progress; start over rather than grow.
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
  }
}
