/**
 * One WebSocket to the hub that keeps itself up: reconnects with jittered exponential backoff
 * (reset after a connection that stayed up long enough), and a watchdog that pings and
 * terminates a socket that stopped answering (a half-open TCP connection never closes by itself).
 * What is said over the socket belongs to the caller's hooks.
 * @module
 */
import { backoffDelay, MAX_FRAME_BYTES } from '@unity/shared';
import type { Logger } from 'pino';
import WebSocket from 'ws';

export type Socket = {
  /** Sends one text frame; resolves once it is written (rejects if the socket closed). */
  send(text: string): Promise<void>;
  close(code: number, reason: string): void;
  readonly isOpen: boolean;
};

export type ConnectionHooks = {
  /** Headers for the next attempt (a fresh token every time). */
  prepare(): Promise<Record<string, string>>;
  onOpen(socket: Socket): void;
  onMessage(text: string, socket: Socket): void;
  onClose(): void;
};

export type ConnectionOptions = {
  url: string;
  hooks: ConnectionHooks;
  log: Logger;
  baseDelayMs?: number;
  maxDelayMs?: number;
  stableAfterMs?: number;
  pingIntervalMs?: number;
  deadAfterMs?: number;
  random?: () => number;
};

/** Close codes a hub uses on purpose; their reasons are worth a log line of their own. */
const CLOSE_MEANINGS: Record<number, string> = {
  1008: 'policy violation (unauthorized or revoked?)',
  1009: 'frame too large',
  1011: 'hub internal error',
  1012: 'hub restarting',
};

export class Connection {
  readonly #o: Required<Omit<ConnectionOptions, 'random'>> & { random: () => number };
  #ws: WebSocket | undefined;
  #attempt = 0;
  #stopped = true;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ConnectionOptions) {
    this.#o = {
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      stableAfterMs: 30_000,
      pingIntervalMs: 15_000,
      deadAfterMs: 30_000,
      random: Math.random,
      ...options,
    };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#connect();
  }

  /** Closes for good (no reconnect); resolves when the socket is closed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1001, 'agent stopping');
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000).unref();
    });
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const delay = backoffDelay(this.#attempt++, {
      baseMs: this.#o.baseDelayMs,
      maxMs: this.#o.maxDelayMs,
      random: this.#o.random,
    });
    this.#o.log.debug({ delayMs: delay, attempt: this.#attempt }, 'reconnecting after a delay');
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    let headers: Record<string, string>;
    try {
      headers = await this.#o.hooks.prepare();
    } catch (error) {
      this.#o.log.error({ err: (error as Error).message }, 'cannot prepare the connection');
      this.#scheduleReconnect();
      return;
    }
    const ws = new WebSocket(this.#o.url, {
      headers,
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: 15_000,
      // The hub offers no compression; not asking for it spares the zlib set-up.
      perMessageDeflate: false,
      // An all-zero mask, which ws then skips applying: without its optional native add-on, ws
      // XORs every byte of every batch in JavaScript (a 30-100 KB frame per tick with 100
      // containers; `_mask` stood out in the agent's CPU profile, issue 3's figure). Masking
      // keeps a browser page's script from steering the bytes a proxy sees; the agent is no
      // browser and writes its own frames.
      generateMask: (mask: Buffer) => {
        // By index: Buffer#fill runs its argument checks in JavaScript, on every frame.
        mask[0] = mask[1] = mask[2] = mask[3] = 0;
      },
    });
    this.#ws = ws;
    let openedAt = 0;
    let lastSeen = Date.now();
    let watchdog: NodeJS.Timeout | undefined;
    const socket: Socket = {
      send: (text) =>
        new Promise((resolve, reject) => {
          if (ws.readyState !== WebSocket.OPEN) return reject(new Error('socket is not open'));
          // As bytes of the text's exact size, in a text frame. Handed a string, Node's socket
          // write reserves three bytes per character for its UTF-8 (~75 KB for a tick's 25 KB
          // batch), which the unit's MALLOC_MMAP_THRESHOLD_ maps, faults in and unmaps on every
          // tick (strace; issue 3's CPU figure).
          ws.send(Buffer.from(text), { binary: false }, (error) => (error ? reject(error) : resolve()));
        }),
      close: (code, reason) => ws.close(code, reason),
      get isOpen() {
        return ws.readyState === WebSocket.OPEN;
      },
    };
    ws.on('unexpected-response', (_req, res) => {
      this.#o.log.error({ status: res.statusCode }, `hub refused the connection: HTTP ${res.statusCode}`);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      openedAt = Date.now();
      lastSeen = openedAt;
      this.#o.log.info({ url: this.#o.url }, 'connected to the hub');
      watchdog = setInterval(() => {
        if (Date.now() - lastSeen > this.#o.deadAfterMs) {
          this.#o.log.warn('no answer from the hub; dropping the connection');
          ws.terminate();
          return;
        }
        // The hub pings too, and acks every batch: a ping is only worth its wake-ups when the
        // hub has been quiet for a whole interval.
        if (Date.now() - lastSeen >= this.#o.pingIntervalMs) ws.ping();
      }, this.#o.pingIntervalMs);
      this.#o.hooks.onOpen(socket);
    });
    ws.on('pong', () => {
      lastSeen = Date.now();
    });
    // (ws answers the hub's pings by itself; hearing one is still hearing the hub.)
    ws.on('ping', () => {
      lastSeen = Date.now();
    });
    ws.on('message', (data, isBinary) => {
      lastSeen = Date.now();
      if (isBinary) return this.#o.log.warn('ignoring a binary frame from the hub');
      this.#o.hooks.onMessage(Buffer.isBuffer(data) ? data.toString('utf8') : String(data), socket);
    });
    ws.on('error', (error) => {
      this.#o.log.warn({ err: error.message }, 'connection error');
    });
    ws.on('close', (code, reasonBuffer) => {
      clearInterval(watchdog);
      const reason = reasonBuffer.toString('utf8');
      if (openedAt) {
        const meaning = CLOSE_MEANINGS[code];
        const level = meaning ? 'error' : 'info';
        this.#o.log[level]({ code, reason, meaning }, 'connection closed');
        if (Date.now() - openedAt >= this.#o.stableAfterMs) this.#attempt = 0;
        this.#o.hooks.onClose();
      }
      if (this.#ws === ws) this.#ws = undefined;
      this.#scheduleReconnect();
    });
  }
}
