/**
 * HTTP(S) probe over node:http/https (the agent carries no HTTP client library): method,
 * headers, body, basic or bearer auth, up to `maxRedirects` redirects, expected status codes,
 * keyword or regex present/absent, response time, and for HTTPS the chain's earliest expiry,
 * validity and name match (or none of those checks with `ignoreTls`). The body is read up to
 * 1 MiB, enough for keywords and JSON conditions without letting a big download eat memory.
 *
 * Connections (issue 7's CPU figure: a fresh TCP connection per run was the largest cost of a
 * thousand probes, in connect, close and the garbage of a socket and parser each time): plain
 * HTTP probes share one keep-alive pool, so probes of one origin reuse a connection a recent run
 * left idle, and their response time is then the request's without the TCP handshake. HTTPS
 * probes keep a fresh connection every run, since the certificate facts are this run's
 * handshake's. A request that fails on a reused socket before any answer (the server closed it
 * while idle) is sent once more on a fresh connection, so a stale socket is never a failure.
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { HttpProbe } from '@unity/shared';
import { http } from '../util/node-http.js';
import { type ChainFacts, chainFacts, peekChain } from './tls-chain.js';
import { type Observation, since } from './types.js';

const httpRequest = http.request;

const MAX_BODY = 1024 * 1024;

/**
 * Idle sockets are closed after this long: below the 5 s keep-alive timeout of common servers
 * (Node, Apache), so the pool rarely writes into a socket the server is closing. Free sockets
 * are unref'd by the pool and never keep the process alive.
 */
const FREE_SOCKET_MS = 4_000;

/** The plain-HTTP pool shared by all probes (per origin inside, as node:http pools). */
const pool = new http.Agent({ keepAlive: true, timeout: FREE_SOCKET_MS });
const DAY = 86_400_000;

/** Extra trust for tests (a local CA); production uses the system store. */
export type HttpCheckOptions = { ca?: string[]; now?: () => number };

type Response = {
  res: IncomingMessage;
  body: string;
  url: URL;
  /** The server's address, read at the answer: a pooled socket has left `res` by the end. */
  ip: string | null;
  chain?: ChainFacts;
  tlsError?: string;
};

type Reusable = Error & { code?: string; reusedSocket?: boolean };

async function once(
  url: URL,
  probe: HttpProbe,
  signal: AbortSignal,
  options: HttpCheckOptions,
  method: string,
  body: string | undefined,
): Promise<Response> {
  try {
    return await send(url, probe, signal, options, method, body, true);
  } catch (error) {
    const e = error as Reusable;
    // A keep-alive socket the server closed while idle: try again on a fresh connection.
    if (e.reusedSocket && !signal.aborted && (e.code === 'ECONNRESET' || e.code === 'EPIPE'))
      return send(url, probe, signal, options, method, body, false);
    throw error;
  }
}

function send(
  url: URL,
  probe: HttpProbe,
  signal: AbortSignal,
  options: HttpCheckOptions,
  method: string,
  body: string | undefined,
  reuse: boolean,
): Promise<Response> {
  const headers: OutgoingHttpHeaders = { 'user-agent': 'unity-agent-probe', ...probe.headers };
  if (probe.auth?.type === 'basic')
    headers.authorization = `Basic ${Buffer.from(`${probe.auth.username}:${probe.auth.password}`).toString('base64')}`;
  else if (probe.auth?.type === 'bearer') headers.authorization = `Bearer ${probe.auth.token}`;
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  const https = url.protocol === 'https:';
  const request = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      headers,
      signal,
      // HTTPS: a fresh connection each run, so the certificate facts are this run's.
      agent: https || !reuse ? false : pool,
      ...(https ? { rejectUnauthorized: !probe.ignoreTls, ...(options.ca ? { ca: options.ca } : {}) } : {}),
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const chain = https ? chainFacts(res.socket as TLSSocket) : undefined;
      const tlsSocket = res.socket as TLSSocket;
      const tlsError =
        https && !tlsSocket.authorized ? String(tlsSocket.authorizationError ?? 'untrusted') : undefined;
      const ip = res.socket?.remoteAddress ?? null;
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_BODY) return;
        chunks.push(chunk);
        size += chunk.length;
      });
      res.once('end', () =>
        resolve({
          res,
          body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'),
          url,
          ip,
          ...(chain ? { chain } : {}),
          ...(tlsError ? { tlsError } : {}),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', (error: Reusable) => {
      if (req.reusedSocket) error.reusedSocket = true;
      reject(error);
    });
    req.end(body);
  });
}

export async function checkHttp(
  probe: HttpProbe,
  signal: AbortSignal,
  options: HttpCheckOptions = {},
): Promise<Observation> {
  const now = options.now ?? Date.now;
  const start = performance.now();
  let url = new URL(probe.url);
  let method: string = probe.method;
  let body = probe.body;
  let response: Response;
  let redirects = 0;
  try {
    for (;;) {
      response = await once(url, probe, signal, options, method, body);
      const { statusCode = 0, headers } = response.res;
      if (statusCode < 300 || statusCode >= 400 || !headers.location || probe.maxRedirects === 0) break;
      if (redirects >= probe.maxRedirects)
        return fail(`more than ${probe.maxRedirects} redirects`, since(start), { STATUS: statusCode });
      redirects++;
      url = new URL(headers.location, url);
      // RFC 9110 §15.4: after 303 (and by custom 301/302 for POST) the next request is a GET.
      if (statusCode === 303 || ((statusCode === 301 || statusCode === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const message = (error as Error).message;
    if (
      url.protocol === 'https:' &&
      /CERT|SELF_SIGNED|ERR_TLS|UNABLE_TO|HOSTNAME|ALTNAME/i.test(`${code} ${message}`)
    ) {
      const chain = await peekChain(url.hostname, Number(url.port || 443), undefined, signal);
      return {
        ok: false,
        error: `TLS: ${message}`,
        latencyMs: since(start),
        ...(chain
          ? { certExpiresAt: chain.expiresAt, details: { chain: chain.subjects, tlsValid: false } }
          : {}),
        context: { CONNECTED: true, ...(chain ? { CERTIFICATE_EXPIRATION: chain.expiresAt - now() } : {}) },
      };
    }
    throw error;
  }
  const latencyMs = since(start);
  const { res, chain, tlsError } = response;
  const status = res.statusCode ?? 0;
  const context = {
    STATUS: status,
    RESPONSE_TIME: latencyMs,
    BODY: response.body,
    HEADERS: res.headers,
    CONNECTED: true,
    IP: response.ip,
    ...(chain ? { CERTIFICATE_EXPIRATION: chain.expiresAt - now() } : {}),
  };
  const base: Observation = {
    ok: true,
    latencyMs,
    status,
    context,
    details: {
      ...(redirects > 0 ? { redirects, finalUrl: response.url.href } : {}),
      ...(chain ? { chain: chain.subjects, tlsValid: tlsError === undefined } : {}),
    },
    ...(chain ? { certExpiresAt: chain.expiresAt } : {}),
  };
  const problem = problemOf(probe, status, response.body, latencyMs, chain, now());
  return problem ? { ...base, ok: false, error: problem } : base;
}

function problemOf(
  probe: HttpProbe,
  status: number,
  body: string,
  latencyMs: number,
  chain: ChainFacts | undefined,
  now: number,
): string | undefined {
  const expected =
    probe.expectedStatus.length > 0 ? probe.expectedStatus.includes(status) : status >= 200 && status < 400;
  if (!expected)
    return `status ${status}, expected ${probe.expectedStatus.length > 0 ? probe.expectedStatus.join(' or ') : '2xx or 3xx'}`;
  if (probe.keyword) {
    const { text, regex, mode } = probe.keyword;
    const found = regex ? new RegExp(text).test(body) : body.includes(text);
    if (mode === 'present' && !found)
      return `${regex ? 'pattern' : 'keyword'} ${JSON.stringify(text)} not found`;
    if (mode === 'absent' && found) return `${regex ? 'pattern' : 'keyword'} ${JSON.stringify(text)} found`;
  }
  if (probe.maxResponseMs !== undefined && latencyMs > probe.maxResponseMs)
    return `response took ${Math.round(latencyMs)} ms, more than ${probe.maxResponseMs} ms`;
  if (chain && probe.certExpiryDays !== undefined && !probe.ignoreTls) {
    const days = (chain.expiresAt - now) / DAY;
    if (days < probe.certExpiryDays)
      return `certificate expires in ${Math.max(0, Math.floor(days * 10) / 10)} days (less than ${probe.certExpiryDays})`;
  }
  return undefined;
}

const fail = (error: string, latencyMs: number, context: Observation['context']): Observation => ({
  ok: false,
  error,
  latencyMs,
  context: { CONNECTED: true, ...context },
});
