/**
 * WebSocket upgrades on the node server's `upgrade` event: the agent link and the browsers' live
 * feed. Each is authenticated BEFORE the upgrade; a refusal is a plain HTTP error with the
 * usual JSON body, and the socket is closed without ever becoming a WebSocket.
 * @module
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CONNECT_PATH, LIVE_PATH, MAX_FRAME_BYTES } from '@unity/shared';
import { WebSocketServer } from 'ws';
import { type AgentSocketOptions, attachAgentSocket } from '../agents/agent-socket.js';
import { verifyConnectToken } from '../agents/connect-auth.js';
import { attachLiveSocket, authenticateLive } from '../live/live-socket.js';
import { LogFollowEndpoint } from '../logs/follow-socket.js';
import type { HubDeps } from '../types.js';
import { clientIpOfRequest } from './client-ip.js';
import { errorBody } from './errors.js';

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

/** Answers an upgrade request with an HTTP error and closes the connection. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  code: 'unauthorized' | 'forbidden' | 'not_found' | 'internal',
  message: string,
): void {
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}

export type UpgradeHandle = { close(): void };

/** Routes upgrades on `server`; returns a handle that closes both WebSocket servers. */
export function handleUpgrades(
  server: Server,
  deps: HubDeps,
  agentSocket?: AgentSocketOptions,
): UpgradeHandle {
  const log = deps.log.child({ module: 'upgrade' });
  // A frame over the limit makes ws close the socket with 1009 (Message Too Big).
  const agentWss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const liveWss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const logFollow = new LogFollowEndpoint(deps);

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === CONNECT_PATH) {
      if (!(await deps.ipPolicy.allowed('agent', clientIpOfRequest(req, deps.config)))) {
        return refuseUpgrade(socket, 403, 'forbidden', 'your address is not allowed here');
      }
      const claims = await verifyConnectToken(deps, req.headers.authorization);
      if (!claims.ok) {
        log.warn({ reason: claims.error, remote: req.socket.remoteAddress }, 'agent connection refused');
        return refuseUpgrade(socket, 401, 'unauthorized', claims.error);
      }
      agentWss.handleUpgrade(req, socket, head, (ws) =>
        attachAgentSocket(deps, ws, claims.value, agentSocket),
      );
      return;
    }
    if (path === LIVE_PATH) {
      const user = await authenticateLive(deps, req);
      if (!user.ok) return refuseUpgrade(socket, user.error.status, user.error.code, user.error.message);
      liveWss.handleUpgrade(req, socket, head, (ws) => attachLiveSocket(deps, ws, user.value));
      return;
    }
    if (logFollow.matches(path)) return logFollow.upgrade(req, socket, head);
    refuseUpgrade(socket, 404, 'not_found', 'no WebSocket endpoint at this path');
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((error: unknown) => {
      log.error({ err: error }, 'upgrade failed');
      refuseUpgrade(socket, 500, 'internal', 'internal error');
    });
  });

  return {
    close() {
      for (const ws of agentWss.clients) ws.terminate();
      for (const ws of liveWss.clients) ws.terminate();
      agentWss.close();
      liveWss.close();
      logFollow.close();
    },
  };
}
