/**
 * Sends a badge: SVG content type, a strong ETag over the bytes, `If-None-Match` → 304, and
 * caching that lets README viewers and camo proxies keep a public badge for a minute while a
 * "not public" answer is never stored (the owner may publish the object a moment later).
 * @module
 */
import { createHash } from 'node:crypto';
import type { BadgeStyle } from '@unity/shared';
import type { Context } from 'hono';
import { type Badge, renderBadge } from './svg.js';

export const PUBLIC_CACHE = 'public, max-age=60';
export const PRIVATE_CACHE = 'no-store';

export const etagOf = (body: string) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** RFC 9110 §13.1.2: a list of tags or `*`, compared weakly for GET. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

export function sendBadge(c: Context, badge: Badge, style: BadgeStyle, shared: boolean): Response {
  const body = renderBadge(badge, style);
  const etag = etagOf(body);
  c.header('ETag', etag);
  c.header('Cache-Control', shared ? PUBLIC_CACHE : PRIVATE_CACHE);
  if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304);
  c.header('Content-Type', 'image/svg+xml; charset=utf-8');
  return c.body(body, 200);
}
