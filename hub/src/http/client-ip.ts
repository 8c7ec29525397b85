/**
 * The peer address of a request, from the Node socket (@hono/node-server puts the request on
 * `c.env.incoming`). Forwarded headers are not trusted: anyone can send them.
 * @module
 */
import type { Context } from 'hono';

export function clientIp(c: Context): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}
