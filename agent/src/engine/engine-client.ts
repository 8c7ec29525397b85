/**
 * The agent's HTTP client for a container engine: the Docker-compatible API and Podman's libpod
 * API, spoken over the engine's unix socket or tcp port: GETs answered whole by `get-pool.ts`
 * (HTTP/1.1 by hand over kept connections, what every tick asks), streams and calls that change
 * something with `node:http`. It replaces dockerode and undici, which together cost the agent
 * about 60 MiB of resident memory for the dozen calls it makes (see docs/architecture.md, "Agent
 * footprint").
 *
 * JSON calls get a deadline; streams (`/events`, a log follow) get one only until the answer's
 * headers arrive, because an idle stream is normal. A status outside 2xx is an EngineError
 * carrying the engine's status and its own `{"message": ...}` text.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { AgentError } from '../errors.js';
import { http } from '../util/node-http.js';
import { GetPool, type GetTarget } from './get-pool.js';

const { Agent, request } = http;

export type Query = Record<string, string | number | boolean | undefined>;

export type CallOptions = {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Query;
  signal?: AbortSignal;
  /** Overrides the client's deadline for this call; 0 waits forever. */
  timeoutMs?: number;
};

/** The engine answered with a status outside 2xx, or could not be reached (`status` undefined). */
export class EngineError extends AgentError {
  readonly status: number | undefined;

  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super('engine', message, options);
    this.status = status;
  }
}

/** The HTTP status of an engine failure; undefined for anything else. */
export const engineStatus = (error: unknown): number | undefined =>
  error instanceof EngineError ? error.status : undefined;

/**
 * Idle connections are kept this long, past the sampling interval (10 s by default), so each
 * tick's calls reuse the last tick's connection instead of connecting again: a connect and a close
 * per tick showed in the agent's CPU profile (issue 3's figure). Also past the periodic inventory
 * refresh (5 minutes by default), whose four calls run side by side on connections of their own.
 * An engine that closed an idle connection meanwhile costs a GET one more attempt; calls that
 * change something (POST, DELETE) never go out on a kept connection, so they are never sent
 * twice nor fail for a stale one.
 */
export const FREE_SOCKET_MS = 6 * 60_000;

type Sent = { res: IncomingMessage; done: () => void };

/** `unix:///path` or `tcp://host:port` → where node:http connects. */
function target(endpoint: string): GetTarget {
  if (endpoint.startsWith('unix://')) return { socketPath: endpoint.slice('unix://'.length) };
  const url = new URL(endpoint.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port) || 2375 };
}

function pathWithQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The whole body; plain listeners, which cost a fraction of an async iterator's promises. */
function readBody(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    res.once('error', reject);
    // Destroyed without an error (aborted by the peer): no 'end' will come.
    res.once('close', () => {
      if (!res.complete) reject(res.errored ?? new Error('the engine closed the connection mid-answer'));
    });
  });
}

/** The engine's own words: `{"message": "..."}` (Docker, Podman) or the body text. */
function failure(status: number, body: Buffer | string, path: string): EngineError {
  const text = body.toString().trim();
  let message = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return new EngineError((message || `${path} answered ${status}`).slice(0, 1024), status);
}

export class EngineClient {
  readonly endpoint: string;
  readonly #target: GetTarget;
  readonly #timeoutMs: number;
  /** GETs answered whole (JSON, `/_ping`): what a tick asks (see get-pool.ts). */
  readonly #gets: GetPool;
  /** Streams: a GET whose answer is read as it comes. */
  readonly #agent = new Agent({ keepAlive: true, timeout: FREE_SOCKET_MS });
  /** For calls other than GET: a fresh connection each (see FREE_SOCKET_MS). */
  readonly #freshAgent = new Agent({ keepAlive: false });

  /** `timeoutMs`: the deadline of each call (0: none), unless a call names its own. */
  constructor(endpoint: string, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}) {
    this.endpoint = endpoint;
    this.#target = target(endpoint);
    this.#timeoutMs = timeoutMs;
    this.#gets = new GetPool(this.#target, FREE_SOCKET_MS);
  }

  /** A call answered with JSON (`null` for an empty body, e.g. 204). */
  async json<T>(path: string, options: CallOptions = {}): Promise<T> {
    const text = await this.#text(path, options);
    return (text.length === 0 ? null : JSON.parse(text)) as T;
  }

  /** A call whose answer body does not matter (`/_ping`, actions): resolves on 2xx. */
  async call(path: string, options: CallOptions = {}): Promise<void> {
    await this.#text(path, options);
  }

  /**
   * A streaming answer (events, logs): the response itself, once its status is 2xx. Aborting
   * `signal` destroys it; the deadline covers only the wait for headers.
   */
  async stream(path: string, options: CallOptions = {}): Promise<IncomingMessage> {
    const { res, done } = await this.#send(path, options, true);
    if ((res.statusCode ?? 0) >= 300) {
      try {
        throw failure(res.statusCode ?? 0, await readBody(res), path);
      } finally {
        done();
      }
    }
    res.once('close', done);
    return res;
  }

  /** Closes every connection, those of calls in flight too. */
  close(): void {
    this.#gets.close();
    this.#agent.destroy();
    this.#freshAgent.destroy();
  }

  /** The text of a 2xx answer: a GET from the kept connections, anything else by `node:http`. */
  async #text(path: string, options: CallOptions): Promise<string> {
    if ((options.method ?? 'GET') !== 'GET') return (await this.#body(path, options)).toString('utf8');
    const full = pathWithQuery(path, options.query);
    const call = {
      timeoutMs: options.timeoutMs ?? this.#timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    let answer = await this.#gets.get(full, call);
    // The engine had closed the kept connection (a restart, its own idle timeout): a GET changes
    // nothing, so it goes out once more on a fresh one.
    if (!answer.ok && answer.error.kind === 'stale')
      answer = await this.#gets.get(full, { ...call, fresh: true });
    if (!answer.ok) {
      const { message, cause } = answer.error;
      throw new EngineError(`${full}: ${message}`, undefined, cause === undefined ? undefined : { cause });
    }
    if (answer.value.status >= 300) throw failure(answer.value.status, answer.value.text, path);
    return answer.value.text;
  }

  /** The whole answer body of a 2xx answer. */
  async #body(path: string, options: CallOptions): Promise<Buffer> {
    const { res, done } = await this.#send(path, options, false);
    try {
      const body = await readBody(res).catch((error: unknown) => {
        throw error instanceof EngineError
          ? error
          : new EngineError(`${path}: ${(error as Error).message}`, undefined, { cause: error });
      });
      if ((res.statusCode ?? 0) >= 300) throw failure(res.statusCode ?? 0, body, path);
      return body;
    } finally {
      done();
    }
  }

  /**
   * Sends one request. A GET that fails because the engine had closed the kept-alive socket it
   * went out on is sent once more on a fresh one, as Node's documentation advises.
   */
  async #send(path: string, options: CallOptions, streaming: boolean): Promise<Sent> {
    const sent = await this.#once(path, options, streaming);
    if (sent !== 'stale') return sent;
    if ((options.method ?? 'GET') !== 'GET')
      throw new EngineError(`${path}: the engine closed the connection`);
    const again = await this.#once(path, options, streaming);
    if (again === 'stale') throw new EngineError(`${path}: the engine closed the connection`);
    return again;
  }

  /** One attempt; `'stale'` when a reused keep-alive socket turned out closed. */
  #once(path: string, options: CallOptions, streaming: boolean): Promise<Sent | 'stale'> {
    const full = pathWithQuery(path, options.query);
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const signal = options.signal;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new EngineError(`${full}: aborted`));
        return;
      }
      const req = request({
        ...this.#target,
        agent: (options.method ?? 'GET') === 'GET' ? this.#agent : this.#freshAgent,
        method: options.method ?? 'GET',
        path: full,
        // Engines ignore the host of a unix socket request, but HTTP/1.1 requires the header.
        headers: { host: 'engine' },
      });
      let res: IncomingMessage | undefined;
      let timer: NodeJS.Timeout | undefined;
      // Once the answer has begun, failures surface as errors of the response body.
      const fail = (error: EngineError) => (res ? res.destroy(error) : req.destroy(error));
      const abort = () => fail(new EngineError(`${full}: aborted`));
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
      };
      signal?.addEventListener('abort', abort, { once: true });
      if (timeoutMs > 0)
        timer = setTimeout(
          () => fail(new EngineError(`${full}: no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      req.once('error', (error: NodeJS.ErrnoException) => {
        if (res) return; // reported through the response
        done();
        if (error instanceof EngineError) reject(error);
        else if (req.reusedSocket && error.code === 'ECONNRESET') resolve('stale');
        else reject(new EngineError(`${full}: ${error.message}`, undefined, { cause: error }));
      });
      req.once('response', (answer) => {
        res = answer;
        // A stream lives on past its deadline; a JSON answer must arrive in full before it.
        if (streaming) clearTimeout(timer);
        resolve({ res: answer, done });
      });
      req.end();
    });
  }
}
