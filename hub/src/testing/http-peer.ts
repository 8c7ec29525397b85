/**
 * A local HTTP server standing in for a provider's API in tests: it records every request and
 * answers from a queue of scripted replies (then a default), so a test can assert the exact
 * request a channel sent and make the provider fail, rate-limit or recover.
 * @module
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type PeerRequest = {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
};

export type PeerReply = { status: number; headers?: Record<string, string>; body?: string };

export type HttpPeer = {
  url: string;
  requests: PeerRequest[];
  /** Answered first, in order; then `fallback`. */
  replies: PeerReply[];
  fallback: PeerReply | ((req: PeerRequest) => PeerReply);
  json(index?: number): unknown;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export async function startPeer(
  fallback: HttpPeer['fallback'] = { status: 200, body: 'ok' },
): Promise<HttpPeer> {
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: PeerRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      peer.requests.push(request);
      const fb = peer.fallback;
      const reply = peer.replies.shift() ?? (typeof fb === 'function' ? fb(request) : fb);
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const peer: HttpPeer = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    replies: [],
    fallback,
    json: (index = peer.requests.length - 1) => JSON.parse(peer.requests[index]?.body ?? 'null'),
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (peer.requests.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`peer got ${peer.requests.length} of ${count} requests`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, Math.min(left, 200));
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return peer;
}
