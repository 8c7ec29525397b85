/**
 * `GET /api/containers/:id/logs/follow` (WebSocket): a container's lines as they are written,
 * relayed from the agent's `logs.follow`. Authenticated at the upgrade by the session cookie
 * like `/api/live`; every role may read. Each agent chunk becomes one `{"type":"lines"}`
 * message; while the browser's socket has more than BACKLOG_BYTES unsent, the next chunk waits,
 * which holds back the agent's credit (a slow browser slows the agent, never the hub's memory).
 * Closing the socket cancels the agent's follow; the end of the follow (the container stopped,
 * the agent went away) is told with `{"type":"end"}` and a normal close.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ContainerLogsQuerySchema, describeIssues } from '@unity/shared';
import { type WebSocket, WebSocketServer } from 'ws';
import { can, resolveAccess } from '../auth/access.js';
import { hostVisible, visibleHostIds } from '../auth/host-scope.js';
import { errorBody } from '../http/errors.js';
import { authenticateLive } from '../live/live-socket.js';
import type { HubDeps } from '../types.js';
import { type ContainerRef, findContainerRef } from './container-ref.js';
import { commandArgs, type LogRequest, parseChunk } from './live-tail.js';

const PATH_RE = /^\/api\/containers\/([0-9a-f]{16})\/logs\/follow$/;
const BACKLOG_BYTES = 1024 * 1024;

export class LogFollowEndpoint {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  constructor(private readonly deps: HubDeps) {}

  matches(path: string): boolean {
    return PATH_RE.test(path);
  }

  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const user = await authenticateLive(this.deps, req);
    if (!user.ok) return refuseUpgrade(socket, user.error.status, user.error.code, user.error.message);
    const id = PATH_RE.exec(url.pathname)?.[1] ?? '';
    const query = ContainerLogsQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success)
      return refuseUpgrade(socket, 400, 'bad_request', `invalid query: ${describeIssues(query.error)}`);
    const ref = await findContainerRef(this.deps.db, id);
    if (!ref) return refuseUpgrade(socket, 404, 'not_found', 'container not found');
    const access = await resolveAccess(this.deps.db, user.value.id);
    if (!can(access?.access, 'logs:read'))
      return refuseUpgrade(socket, 403, 'forbidden', 'this needs the logs:read permission');
    // Held on other hosts only: "not found", like the other routes, so existence does not leak.
    const visible = await visibleHostIds(this.deps.db, access?.access, 'logs:read');
    if (!hostVisible(visible, ref.hostId))
      return refuseUpgrade(socket, 404, 'not_found', 'container not found');
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#follow(ws, ref, query.data));
  }

  #follow(ws: WebSocket, ref: ContainerRef, request: LogRequest): void {
    const log = this.deps.log.child({ module: 'log-follow', container: ref.id });
    const controller = new AbortController();
    ws.on('close', () => controller.abort());
    ws.on('error', () => ws.terminate());
    const onChunk = async (chunk: string) => {
      // Validated before it is relayed; re-serialising 20k lines/s is avoided by splicing the text.
      parseChunk(chunk);
      while (ws.readyState === ws.OPEN && ws.bufferedAmount > BACKLOG_BYTES) await sleep(5);
      if (ws.readyState !== ws.OPEN) throw new Error('the browser went away');
      ws.send(`{"type":"lines","items":${chunk}}`);
    };
    this.deps.agents.commands
      .run(ref.hostId, 'logs.follow', commandArgs(ref, request) as Record<string, unknown>, {
        timeoutMs: 0,
        signal: controller.signal,
        onChunk,
      })
      .then((result) => {
        if (ws.readyState !== ws.OPEN) return;
        const reason = result.ok ? 'the log ended (the container stopped)' : result.error.message;
        ws.send(JSON.stringify({ type: 'end', reason }));
        ws.close(1000, 'end');
      })
      .catch((error: unknown) => {
        log.warn({ err: error }, 'log follow failed');
        ws.close(1011, 'internal error');
      });
  }

  close(): void {
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' } as const;

/** An HTTP error instead of the upgrade (http/upgrade.ts does the same; importing it would be a cycle). */
function refuseUpgrade(
  socket: Duplex,
  status: keyof typeof STATUS_TEXT,
  code: 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found',
  message: string,
): void {
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}
