/**
 * `/status/:slug` (HTML) and `/status/:slug/status.json`: the public status pages, no sign-in.
 * An unpublished, unknown or malformed slug gets one and the same 404, so the answer never
 * tells whether a draft page exists. Answers carry a strong ETag (`If-None-Match` → 304) and
 * a short public max-age; the render itself is cached for a few seconds (page-cache.ts).
 * @module
 */
import { SLUG_PATTERN } from '@unity/shared';
import { type Context, Hono } from 'hono';
import { matchesEtag } from '../badges/respond.js';
import type { HubDeps, HubEnv } from '../types.js';
import { DayHistory } from './daily-uptime.js';
import { type PageCache, renderedPage } from './page-cache.js';
import { getStatusPageBySlug } from './page-store.js';
import { publicStatusOf } from './public-view.js';
import { NOT_FOUND_HTML, renderStatusPage } from './render-html.js';
import { STATUS_CSS } from './stylesheet.js';

/** Viewers and proxies may keep a page this long; the cache behind it is as fresh. */
const PAGE_CACHE_CONTROL = 'public, max-age=10';
const CSS_CACHE_CONTROL = 'public, max-age=3600';
const CSS_ETAG = renderedPage('', STATUS_CSS).jsonEtag;

function send(c: Context, body: string, etag: string, type: string, cacheControl: string): Response {
  c.header('ETag', etag);
  c.header('Cache-Control', cacheControl);
  if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304);
  c.header('Content-Type', type);
  return c.body(body, 200);
}

export function publicStatusRoutes(deps: HubDeps, cache: PageCache, now: () => number = Date.now) {
  const app = new Hono<HubEnv>();
  const history = new DayHistory();

  const pageOf = (slug: string | undefined) => {
    if (slug === undefined || !SLUG_PATTERN.test(slug)) return Promise.resolve(undefined);
    return cache.get(slug, async () => {
      const page = await getStatusPageBySlug(deps.db, slug);
      if (!page?.published) return undefined;
      const status = await publicStatusOf(deps.db, page, now(), history);
      return renderedPage(renderStatusPage(status, slug), JSON.stringify(status));
    });
  };

  app.get('/-/status.css', (c) =>
    send(c, STATUS_CSS, CSS_ETAG, 'text/css; charset=utf-8', CSS_CACHE_CONTROL),
  );

  app.get('/:slug', async (c) => {
    const page = await pageOf(c.req.param('slug'));
    if (!page) {
      c.header('Cache-Control', 'no-store');
      return c.html(NOT_FOUND_HTML, 404);
    }
    return send(c, page.html, page.htmlEtag, 'text/html; charset=utf-8', PAGE_CACHE_CONTROL);
  });

  app.get('/:slug/status.json', async (c) => {
    const page = await pageOf(c.req.param('slug'));
    if (!page) {
      c.header('Cache-Control', 'no-store');
      return c.json({ error: { code: 'not_found', message: 'no public status page here' } }, 404);
    }
    c.header('Access-Control-Allow-Origin', '*');
    return send(c, page.json, page.jsonEtag, 'application/json; charset=utf-8', PAGE_CACHE_CONTROL);
  });

  return app;
}
