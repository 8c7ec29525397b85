/**
 * Security headers on every response. The CSP allows only this origin (WebSockets to it
 * included) and forbids framing. No 'unsafe-inline' anywhere: Lit uses adopted stylesheets and
 * uPlot sizes its canvases through the CSSOM, which style-src does not restrict.
 * Strict-Transport-Security is sent only when the request came over TLS, directly or through a
 * trusted proxy saying so (`X-Forwarded-Proto: https`): over plain HTTP it would be ignored,
 * and from an untrusted peer the header proves nothing.
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import type { CidrList } from '../http/cidr.js';
import { peerIp } from '../http/client-ip.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** One year, the HSTS preload list's minimum. */
export const HSTS = 'max-age=31536000; includeSubDomains';

export function securityHeaders(config: { trustedProxies: CidrList }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    // A page that needs its own policy (the OIDC consent page, oidc-provider/pages.ts) sets it.
    if (!c.res.headers.has('Content-Security-Policy'))
      c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    const tls =
      new URL(c.req.url).protocol === 'https:' ||
      (config.trustedProxies.contains(peerIp(c)) && c.req.header('x-forwarded-proto') === 'https');
    if (tls) c.header('Strict-Transport-Security', HSTS);
  };
}
