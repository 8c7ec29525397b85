/**
 * Rendered public pages kept for a few seconds, so a crowd opening a status page during an
 * outage costs one render (a handful of queries) per page per TTL, not one per viewer. Misses
 * arriving together share one render; once a page has expired, viewers keep getting the
 * previous render (for at most STALE_MS more) while one new render runs, so a crowd never
 * waits on a render either. Writes through the API drop the cache, so an editor sees the change
 * at once on this replica; other replicas within the TTL.
 * @module
 */
import { etagOf } from '../badges/respond.js';

export type RenderedPage = { html: string; htmlEtag: string; json: string; jsonEtag: string };

export const PAGE_TTL_MS = 5_000;
/** How long past its TTL a render may still be served while the next one runs. */
export const STALE_MS = 30_000;
/** Bounds memory: only existing, published pages are kept, so this is rarely reached. */
const MAX_ENTRIES = 500;

export function renderedPage(html: string, json: string): RenderedPage {
  return { html, htmlEtag: etagOf(html), json, jsonEtag: etagOf(json) };
}

type Render = () => Promise<RenderedPage | undefined>;
type Entry = {
  until: number;
  page: Promise<RenderedPage | undefined>;
  last?: RenderedPage;
  refreshing: boolean;
};

export class PageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The cached page, or `render()`'s (shared with concurrent callers); a failed render is not kept. */
  get(slug: string, render: Render): Promise<RenderedPage | undefined> {
    const at = this.now();
    const hit = this.entries.get(slug);
    if (hit && hit.until > at) return hit.page;
    if (hit?.last && hit.until + STALE_MS > at) {
      if (!hit.refreshing) this.refresh(slug, hit, render);
      return Promise.resolve(hit.last);
    }
    if (this.entries.size >= MAX_ENTRIES) this.prune(at);
    return this.start(slug, render, at).page;
  }

  clear(): void {
    this.entries.clear();
  }

  private start(slug: string, render: Render, at: number): Entry {
    const page = render();
    const entry: Entry = { until: at + PAGE_TTL_MS, page, refreshing: false };
    this.entries.set(slug, entry);
    page.then(
      (p) => {
        if (this.entries.get(slug) !== entry) return;
        // Unknown and unpublished slugs are not kept: a scan of random slugs must not fill memory.
        if (p) entry.last = p;
        else this.entries.delete(slug);
      },
      () => {
        if (this.entries.get(slug) === entry) this.entries.delete(slug);
      },
    );
    return entry;
  }

  /** Renders again in the background; the stale render stays served until this one lands. */
  private refresh(slug: string, stale: Entry, render: Render): void {
    stale.refreshing = true;
    render().then(
      (p) => {
        if (this.entries.get(slug) !== stale) return;
        if (p)
          this.entries.set(slug, {
            until: this.now() + PAGE_TTL_MS,
            page: Promise.resolve(p),
            last: p,
            refreshing: false,
          });
        else this.entries.delete(slug);
      },
      () => {
        // Keep serving the stale page until STALE_MS runs out; the next request tries again.
        stale.refreshing = false;
      },
    );
  }

  private prune(at: number): void {
    for (const [slug, entry] of this.entries) if (entry.until + STALE_MS <= at) this.entries.delete(slug);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}
