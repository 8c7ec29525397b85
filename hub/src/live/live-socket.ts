/**
 * The browsers' live feed (`GET /api/live`, WebSocket): the session cookie is checked at the
 * upgrade, and the Origin must be this hub (a cross-site page must not read the feed).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { err, type Me, ok, type Result } from '@unity/shared';
import type { WebSocket } from 'ws';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions.js';
import type { HubDeps } from '../types.js';

type Refusal = { status: 401 | 403; code: 'unauthorized' | 'forbidden'; message: string };

/** Reads one cookie from a raw Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export async function authenticateLive(deps: HubDeps, req: IncomingMessage): Promise<Result<Me, Refusal>> {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let sameHost = false;
    try {
      sameHost = new URL(origin).host === req.headers.host;
    } catch {}
    if (!sameHost)
      return err({ status: 403, code: 'forbidden', message: 'cross-origin live connection refused' });
  }
  const user = await resolveSession(deps.db, cookieValue(req.headers.cookie, SESSION_COOKIE));
  if (!user) return err({ status: 401, code: 'unauthorized', message: 'sign in first' });
  return ok(user);
}

export function attachLiveSocket(deps: HubDeps, ws: WebSocket, user: Me): void {
  const unsubscribe = deps.bus.subscribe((message) => {
    // A slow browser must not make the hub buffer without bound: skip updates while it lags.
    if (ws.bufferedAmount < 1_000_000) ws.send(JSON.stringify(message));
  });
  let alive = true;
  const timer = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, 30_000);
  timer.unref();
  ws.on('pong', () => {
    alive = true;
  });
  ws.on('close', () => {
    clearInterval(timer);
    unsubscribe();
  });
  ws.on('error', () => ws.terminate());
  deps.log.debug({ module: 'live', userId: user.id }, 'live feed opened');
}
