/**
 * The browsers' live feed (`GET /api/live`, WebSocket): the session cookie (or a trusted proxy's
 * header auth) is checked at the upgrade, the address must pass the UI's IP rules, and the Origin
 * must be this hub (a cross-site page must not read the feed).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { err, type Me, ok, type Result } from '@unity/shared';
import type { WebSocket } from 'ws';
import { resolveAccess } from '../auth/access.js';
import { headerAuthOfRequest } from '../auth/header-auth.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { HubError } from '../errors.js';
import { clientIpOfRequest } from '../http/client-ip.js';
import { ipAllowed } from '../http/ip-rules.js';
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
  if (!ipAllowed(deps.config.uiIpRules, clientIpOfRequest(req, deps.config)))
    return err({ status: 403, code: 'forbidden', message: 'your address is not allowed here' });
  try {
    const proxied = await headerAuthOfRequest(deps, req);
    if (proxied) return ok(proxied);
  } catch (error) {
    if (error instanceof HubError && error.code === 'forbidden')
      return err({ status: 403, code: 'forbidden', message: error.message });
    throw error;
  }
  const session = await deps.sessions.resolve(cookieValue(req.headers.cookie, SESSION_COOKIE));
  // A disabled account has no access, whatever session it still had.
  const resolved = session ? await resolveAccess(deps.db, session.user.id) : undefined;
  if (!resolved) return err({ status: 401, code: 'unauthorized', message: 'sign in first' });
  return ok(resolved.user);
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
