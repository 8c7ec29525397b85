/**
 * Cross-site request forgery defence for cookie-authenticated changes, after Go's
 * `http.CrossOriginProtection`: a state-changing request is refused when the browser says it is
 * cross-site (`Sec-Fetch-Site: cross-site` or `same-site`), or, from browsers that do not send
 * Sec-Fetch-Site, when `Origin` names another host. Requests with neither header do not come from
 * a browser page (curl, scripts), which a forged request needs. The SameSite=Lax cookie is the
 * second layer. Bearer-authenticated requests carry no ambient credential and are not checked.
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { forbidden } from '../errors.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when the request may have been forged by another site. */
export function crossOrigin(
  headers: { site?: string | undefined; origin?: string | undefined; host?: string | undefined },
  publicHost?: string,
): boolean {
  if (headers.site) return headers.site !== 'same-origin' && headers.site !== 'none';
  if (!headers.origin) return false;
  try {
    const host = new URL(headers.origin).host;
    return host !== headers.host && host !== publicHost;
  } catch {
    return true; // `Origin: null` (sandboxed frames, some redirects) and garbage
  }
}

/** `publicUrl`: the hub's public address, accepted as an origin even when a proxy rewrote Host. */
export function csrfProtection(cookieName: string, publicUrl: string): MiddlewareHandler {
  const publicHost = new URL(publicUrl).host;
  return async (c, next) => {
    if (!SAFE.has(c.req.method) && getCookie(c, cookieName) !== undefined) {
      const site = c.req.header('sec-fetch-site');
      const origin = c.req.header('origin');
      const host = c.req.header('host');
      if (crossOrigin({ site, origin, host }, publicHost)) throw forbidden('cross-site request refused');
    }
    await next();
  };
}
