/**
 * The browsers' live feed (`GET /api/live`, WebSocket): the session cookie (or a trusted proxy's
 * header auth) is checked at the upgrade, the address must pass the UI's IP rules, and the Origin
 * must be this hub (a cross-site page must not read the feed). Each browser is sent the notices
 * of the hosts it may read (`hosts:read`, with its scopes), nothing about the others.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { err, type Me, ok, type Result } from '@unity/shared';
import type { WebSocket } from 'ws';
import { type Access, resolveAccess } from '../auth/access.js';
import { headerAuthOfRequest } from '../auth/header-auth.js';
import { hostVisible, visibleHostIds } from '../auth/host-scope.js';
import { mustEnrolSecondFactor } from '../auth/second-factor/service.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { HubError } from '../errors.js';
import { clientIpOfRequest } from '../http/client-ip.js';
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
  if (!(await deps.ipPolicy.allowed('ui', clientIpOfRequest(req, deps.config))))
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
  // As on the HTTP API (auth/second-factor/gate.ts): nothing before a required second factor.
  if (await mustEnrolSecondFactor(deps.db, resolved.user.id)) {
    return err({
      status: 403,
      code: 'forbidden',
      message: 'your role requires two-factor authentication first',
    });
  }
  return ok(resolved.user);
}

/** How long a scoped user's set of visible hosts is reused: a relabelled host shows within it. */
const SCOPE_REFRESH_MS = 30_000;

/**
 * Whether a notice about `hostId` may go to this user: unscoped users (the common case) pay
 * nothing per message; a scoped user's visible hosts are read at most every SCOPE_REFRESH_MS.
 */
export function liveHostFilter(
  deps: Pick<HubDeps, 'db'>,
  access: Access | undefined,
  clock: () => number = Date.now,
): (hostId: string) => Promise<boolean> {
  const grant = access?.get('hosts:read');
  if (grant === 'all') return async () => true;
  if (!grant) return async () => false;
  let visible: Promise<'all' | Set<string>> | undefined;
  let at = 0;
  return async (hostId) => {
    if (!visible || clock() - at > SCOPE_REFRESH_MS) {
      at = clock();
      visible = visibleHostIds(deps.db, access, 'hosts:read');
    }
    return hostVisible(await visible, hostId);
  };
}

export function attachLiveSocket(deps: HubDeps, ws: WebSocket, user: Me): void {
  // Subscribed at once (no notice lost while the access is read); sending waits for it.
  const filter = resolveAccess(deps.db, user.id).then((r) => liveHostFilter(deps, r?.access));
  // Notices stay in order: each waits for the scope check of the one before.
  let queue = Promise.resolve();
  const unsubscribe = deps.bus.subscribe((message) => {
    queue = queue
      .then(async () => {
        const mayRead = await filter;
        // A slow browser must not make the hub buffer without bound: skip updates while it lags.
        if (ws.bufferedAmount < 1_000_000 && (await mayRead(message.hostId)))
          ws.send(JSON.stringify(message));
      })
      .catch((error: unknown) => deps.log.warn({ module: 'live', err: error }, 'live notice not sent'));
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
