/**
 * The client address of a request: the socket peer, unless that peer is one of the trusted
 * proxies (UNITY_TRUSTED_PROXIES, empty by default), in which case `X-Forwarded-For` is read
 * from the right, skipping trusted hops, and the first untrusted address is the client. Reading
 * from the right matters: the left part of the header is whatever the client chose to send.
 * Sessions, bans, IP rules and the audit log all use this one function.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { type CidrList, normalizeIp } from './cidr.js';

/** The socket peer as @hono/node-server hands it over (`c.env.incoming`). */
export function peerIp(c: Context): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  return address ? normalizeIp(address) : null;
}

/** The client address given the peer and the X-Forwarded-For header. */
export function resolveClientIp(
  peer: string | null,
  forwardedFor: string | undefined,
  trusted: CidrList,
): string | null {
  if (!peer || !trusted.contains(peer) || !forwardedFor) return peer;
  const hops = forwardedFor
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i] ?? '');
    if (!trusted.contains(hop)) return hop;
  }
  return hops[0] ? normalizeIp(hops[0]) : peer;
}

type WithTrusted = { trustedProxies: CidrList };

/**
 * The client address of a Hono request: the one `clientIpMiddleware` worked out, or the socket
 * peer for an app built without it (unit tests of single routes).
 */
export function clientIp(c: Context): string | null {
  const known = c.get('clientIp') as string | null | undefined;
  return known === undefined ? peerIp(c) : known;
}

/** Works out the client address once per request, for every later `clientIp(c)`. */
export function clientIpMiddleware(config: WithTrusted): MiddlewareHandler {
  return async (c, next) => {
    c.set('clientIp', resolveClientIp(peerIp(c), c.req.header('x-forwarded-for'), config.trustedProxies));
    await next();
  };
}

/** The client address of a raw upgrade request. */
export function clientIpOfRequest(req: IncomingMessage, config: WithTrusted): string | null {
  const peer = req.socket.remoteAddress ? normalizeIp(req.socket.remoteAddress) : null;
  const header = req.headers['x-forwarded-for'];
  return resolveClientIp(peer, Array.isArray(header) ? header.join(',') : header, config.trustedProxies);
}

/** True when the direct peer is a trusted proxy (its forwarded headers may be believed). */
export function fromTrustedProxy(c: Context, config: WithTrusted): boolean {
  return config.trustedProxies.contains(peerIp(c));
}
