/**
 * Rendered public pages kept for a few seconds, so a crowd opening a status page during an
 * outage costs one render (a handful of queries) per page per TTL, not one per viewer. Misses
 * arriving together share one render. Writes through the API drop the cache, so an editor sees
 * the change at once on this replica; other replicas within the TTL.
 * @module
 */
import { etagOf } from '../badges/respond.js';

export type RenderedPage = { html: string; htmlEtag: string; json: string; jsonEtag: string };

export const PAGE_TTL_MS = 5_000;
/** Bounds memory: only existing, published pages are cached, so this is rarely reached. */
const MAX_ENTRIES = 500;

export function renderedPage(html: string, json: string): RenderedPage {
  return { html, htmlEtag: etagOf(html), json, jsonEtag: etagOf(json) };
}

export class PageCache {
  private readonly entries = new Map<string, { until: number; page: Promise<RenderedPage | undefined> }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The cached page, or `render()`'s (shared with concurrent callers); a failed render is not kept. */
  get(slug: string, render: () => Promise<RenderedPage | undefined>): Promise<RenderedPage | undefined> {
    const at = this.now();
    const hit = this.entries.get(slug);
    if (hit && hit.until > at) return hit.page;
    if (this.entries.size >= MAX_ENTRIES) this.prune(at);
    const page = render();
    this.entries.set(slug, { until: at + PAGE_TTL_MS, page });
    page.then(
      (p) => {
        // Unknown and unpublished slugs are not kept: a scan of random slugs must not fill memory.
        if (!p && this.entries.get(slug)?.page === page) this.entries.delete(slug);
      },
      () => {
        if (this.entries.get(slug)?.page === page) this.entries.delete(slug);
      },
    );
    return page;
  }

  clear(): void {
    this.entries.clear();
  }

  private prune(at: number): void {
    for (const [slug, entry] of this.entries) if (entry.until <= at) this.entries.delete(slug);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}
