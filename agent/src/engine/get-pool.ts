/**
 * GET requests to a container engine over kept-alive connections, with HTTP/1.1 written and read
 * by hand: what the agent asks an engine on every tick (the stats of every container, the
 * listing) and on every inventory refresh.
 *
 * Why not `node:http`: at a 10 s interval every tick runs cold, and its cost follows how much
 * code it goes through (docs/architecture.md, "Agent footprint"). A `node:http` GET goes through
 * the agent pool, `ClientRequest` with its header bookkeeping, llhttp's callbacks, a readable
 * stream and its events, and reads into a fresh 64 KiB buffer each time, which the agent's
 * allocator settings give back to the kernel after the read (a map, a dozen page faults and an
 * unmap per answer). Here a read lands in one buffer kept for good (`onread`), and the answer is
 * parsed in place. Engines answer these GETs with a status line, a few headers and a body sized
 * by `Content-Length`, by chunks, or by closing the connection; nothing else is needed.
 *
 * Streams (events, log follows) and calls that change something stay on `node:http`.
 * @module
 */
import { connect, type Socket } from 'node:net';
import { err, ok, type Result } from '@unity/shared';

/** Where to connect: a unix socket path, or a TCP host and port. */
export type GetTarget = { socketPath: string } | { host: string; port: number };

/** A whole answer: its status and its body, decoded as UTF-8. */
export type GetAnswer = { status: number; text: string };

/** Why a GET got no answer; `stale` when a kept connection turned out closed before any byte. */
export type GetFailure = { kind: 'stale' | 'failed'; message: string; cause?: unknown };

/** Headers longer than this are not an engine's. */
const MAX_HEAD = 64 * 1024;
/** Answers longer than this are refused rather than held (a listing of 10,000 containers is ~6 MB). */
const MAX_BODY = 256 * 1024 * 1024;
/** Idle connections kept per target; more are closed when their answer is read. */
const MAX_IDLE = 8;
/** A body buffer larger than this is dropped after its answer rather than kept for the next. */
const KEEP_BODY_BUFFER = 128 * 1024;

/**
 * Every connection reads into this one buffer and the parser copies out what it keeps before the
 * next read, so no read allocates.
 */
let readBuffer: Buffer | undefined;
const sharedReadBuffer = (): Buffer => {
  readBuffer ??= Buffer.allocUnsafe(64 * 1024);
  return readBuffer;
};

type Pending = {
  settle: (result: Result<GetAnswer, GetFailure>) => void;
  /** On a reused connection: no byte of the answer yet, so a close means the engine had dropped it. */
  reused: boolean;
};

type BodyMode = { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

/** One connection and the parser of the answer it is reading. */
class Connection {
  readonly socket: Socket;
  idleSince = 0;
  #pending: Pending | undefined;
  #received = 0;
  /** Header bytes so far (latin1), until the blank line. */
  #head = '';
  #status = 0;
  #keepAlive = true;
  #mode: BodyMode | undefined;
  /** Chunked: bytes left in the current chunk; -1 while reading a size line. */
  #chunkLeft = -1;
  /** Chunked: the size line (or CRLF, or trailer line) read so far. */
  #line = '';
  /** Chunked: after the last chunk, reading trailers until a blank line. */
  #trailers = false;
  /** Chunked: the CRLF after a chunk's data is still to come. */
  #chunkEnd = false;
  #body: Buffer = Buffer.allocUnsafe(0);
  #bodyLength = 0;

  constructor(
    target: GetTarget,
    private readonly onDone: (connection: Connection, keep: boolean) => void,
  ) {
    const onread = {
      buffer: sharedReadBuffer,
      callback: (n: number, buf: Uint8Array) => {
        this.#onRead(buf as Buffer, n);
        return true;
      },
    };
    this.socket = connect(
      'socketPath' in target ? { path: target.socketPath, onread } : { ...target, onread },
    );
    this.socket.on('error', (error) => this.#fail('failed', error.message, error));
    this.socket.on('end', () => this.#onEnd());
    this.socket.on('close', () => this.#fail('failed', 'the engine closed the connection mid-answer'));
  }

  send(requestText: string, pending: Pending): void {
    this.#pending = pending;
    this.#received = 0;
    this.#head = '';
    this.#status = 0;
    this.#keepAlive = true;
    this.#mode = undefined;
    this.#bodyLength = 0;
    this.socket.write(requestText, 'latin1');
  }

  destroy(): void {
    this.socket.destroy();
  }

  #onRead(buf: Buffer, n: number): void {
    if (!this.#pending) {
      // Bytes nobody asked for: the connection is not in a state to reuse.
      this.socket.destroy();
      return;
    }
    this.#received += n;
    try {
      let at = 0;
      if (this.#mode === undefined) at = this.#readHead(buf, n);
      if (this.#mode !== undefined && at < n) this.#readBody(buf, at, n);
      this.#finishIfComplete();
    } catch (error) {
      this.socket.destroy();
      this.#fail('failed', (error as Error).message, error);
    }
  }

  /** Reads header bytes; returns where the body starts in `buf` (or `n` while headers go on). */
  #readHead(buf: Buffer, n: number): number {
    this.#head += buf.toString('latin1', 0, n);
    // 1xx answers (100 Continue) come before the real one: skip them.
    for (;;) {
      const end = this.#head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.#head.length > MAX_HEAD) throw new Error('the engine sent headers past 64 KiB');
        return n;
      }
      const head = this.#head.slice(0, end);
      const match = /^HTTP\/1\.([01]) (\d{3})/.exec(head);
      if (!match) throw new Error('the engine did not answer in HTTP/1.x');
      const status = Number(match[2]);
      if (status >= 100 && status < 200) {
        this.#head = this.#head.slice(end + 4);
        continue;
      }
      this.#status = status;
      this.#keepAlive = match[1] === '1';
      this.#mode = { kind: 'close' };
      for (const line of head.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line
          .slice(colon + 1)
          .trim()
          .toLowerCase();
        if (name === 'content-length' && this.#mode.kind !== 'chunked') {
          const length = Number(value);
          if (!Number.isSafeInteger(length) || length < 0) throw new Error(`bad Content-Length: ${value}`);
          this.#mode = { kind: 'length', left: length };
        } else if (name === 'transfer-encoding' && value.split(',').at(-1)?.trim() === 'chunked') {
          this.#mode = { kind: 'chunked' };
          this.#chunkLeft = -1;
          this.#line = '';
          this.#trailers = false;
          this.#chunkEnd = false;
        } else if (name === 'connection') {
          if (value.includes('close')) this.#keepAlive = false;
          else if (value.includes('keep-alive')) this.#keepAlive = true;
        }
      }
      // No body at all: 204, 304, or a HEAD-like answer with a length of zero.
      if (status === 204 || status === 304) this.#mode = { kind: 'length', left: 0 };
      if (this.#mode.kind === 'length') this.#reserve(this.#mode.left);
      if (this.#mode.kind === 'close') this.#keepAlive = false;
      // Where the body starts in this read: what follows the blank line came in this read (an
      // earlier read holding the blank line would have ended the head there).
      return n - (this.#head.length - (end + 4));
    }
  }

  #readBody(buf: Buffer, from: number, n: number): void {
    const mode = this.#mode as BodyMode;
    if (mode.kind === 'length') {
      const take = Math.min(mode.left, n - from);
      this.#append(buf, from, from + take);
      mode.left -= take;
      if (from + take < n) throw new Error('the engine sent more than its Content-Length');
      return;
    }
    if (mode.kind === 'close') {
      this.#append(buf, from, n);
      return;
    }
    let at = from;
    while (at < n) {
      if (this.#mode?.kind !== 'chunked') throw new Error('the engine sent bytes past the end of its answer');
      if (this.#chunkLeft > 0) {
        const take = Math.min(this.#chunkLeft, n - at);
        this.#append(buf, at, at + take);
        this.#chunkLeft -= take;
        at += take;
        if (this.#chunkLeft === 0) {
          this.#chunkEnd = true;
          this.#chunkLeft = -1;
        }
        continue;
      }
      // A line: a chunk's size, the CRLF after its data, or a trailer.
      const newline = buf.indexOf(0x0a, at);
      const end = newline < 0 || newline >= n ? n : newline + 1;
      this.#line += buf.toString('latin1', at, end);
      at = end;
      if (!this.#line.endsWith('\n')) {
        if (this.#line.length > 4096) throw new Error('the engine sent a chunk line past 4 KiB');
        continue;
      }
      const line = this.#line.trimEnd();
      this.#line = '';
      if (this.#chunkEnd) {
        if (line !== '') throw new Error('a chunk ran past its size');
        this.#chunkEnd = false;
      } else if (this.#trailers) {
        if (line === '') this.#mode = { kind: 'length', left: 0 }; // the answer is complete
      } else {
        const size = Number.parseInt(line.split(';')[0] ?? '', 16);
        if (!Number.isSafeInteger(size) || size < 0) throw new Error(`bad chunk size: ${line.slice(0, 40)}`);
        if (size === 0) this.#trailers = true;
        else {
          this.#reserve(this.#bodyLength + size);
          this.#chunkLeft = size;
        }
      }
    }
  }

  /** The body buffer holds at least `size` bytes (kept across answers on this connection). */
  #reserve(size: number): void {
    if (size > MAX_BODY) throw new Error(`the engine's answer is larger than ${MAX_BODY} bytes`);
    if (this.#body.length >= size) return;
    const grown = Buffer.allocUnsafe(Math.max(size, Math.min(MAX_BODY, this.#body.length * 2), 4096));
    this.#body.copy(grown, 0, 0, this.#bodyLength);
    this.#body = grown;
  }

  #append(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.#reserve(this.#bodyLength + (to - from));
    buf.copy(this.#body, this.#bodyLength, from, to);
    this.#bodyLength += to - from;
  }

  #finishIfComplete(): void {
    const mode = this.#mode;
    if (mode?.kind !== 'length' || mode.left > 0) return;
    this.#complete();
  }

  #complete(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    // Decoded here, as every caller wants text: the buffer is reused by the next answer.
    const text = this.#body.toString('utf8', 0, this.#bodyLength);
    this.#bodyLength = 0;
    if (this.#body.length > KEEP_BODY_BUFFER) this.#body = Buffer.allocUnsafe(0);
    pending.settle(ok({ status: this.#status, text }));
    this.onDone(this, this.#keepAlive);
  }

  #onEnd(): void {
    // A body sized by the connection's end is complete now.
    if (this.#pending && this.#mode?.kind === 'close') {
      this.#complete();
      return;
    }
    this.#fail('failed', 'the engine closed the connection mid-answer');
  }

  #fail(kind: GetFailure['kind'], message: string, cause?: unknown): void {
    const pending = this.#pending;
    this.#pending = undefined;
    this.onDone(this, false);
    if (!pending) return;
    const stale = pending.reused && this.#received === 0;
    pending.settle(err({ kind: stale ? 'stale' : kind, message, ...(cause ? { cause } : {}) }));
  }
}

/** Kept-alive connections to one engine, and the GETs sent on them. */
export class GetPool {
  readonly #target: GetTarget;
  readonly #idleMs: number;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();

  /** `idleMs`: an idle connection older than this is closed rather than reused. */
  constructor(target: GetTarget, idleMs: number) {
    this.#target = target;
    this.#idleMs = idleMs;
  }

  /**
   * Sends `GET path` and resolves with the whole answer, or why there is none (the signal, the
   * deadline, the connection). A connection whose answer was cut off is closed.
   */
  get(
    path: string,
    {
      signal,
      timeoutMs = 0,
      fresh = false,
    }: {
      signal?: AbortSignal;
      timeoutMs?: number;
      /** On a new connection, closing the idle ones: after one turned out dropped (an engine restart). */
      fresh?: boolean;
    } = {},
  ): Promise<Result<GetAnswer, GetFailure>> {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve(err({ kind: 'failed', message: 'aborted' }));
        return;
      }
      // What node:http refuses too: a space or control character would end the request line.
      if (!/^\/[\x21-\x7e]*$/.test(path)) {
        resolve(err({ kind: 'failed', message: 'the path must be printable ASCII without spaces' }));
        return;
      }
      const connection = this.#take(fresh);
      let timer: NodeJS.Timeout | undefined;
      const settle = (result: Result<GetAnswer, GetFailure>) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        resolve(result);
      };
      const abort = () => {
        connection.destroy();
        settle(err({ kind: 'failed', message: 'aborted' }));
      };
      signal?.addEventListener('abort', abort, { once: true });
      if (timeoutMs > 0)
        timer = setTimeout(() => {
          connection.destroy();
          settle(err({ kind: 'failed', message: `no answer within ${timeoutMs} ms` }));
        }, timeoutMs);
      connection.send(`GET ${path} HTTP/1.1\r\nHost: engine\r\n\r\n`, {
        reused: connection.idleSince > 0,
        settle,
      });
    });
  }

  /** Closes every connection, those of GETs in flight too. */
  close(): void {
    for (const connection of this.#all) connection.destroy();
    this.#all.clear();
    this.#idle.length = 0;
  }

  #take(fresh: boolean): Connection {
    const now = Date.now();
    for (let c = this.#idle.pop(); c; c = this.#idle.pop()) {
      if (!fresh && !c.socket.destroyed && now - c.idleSince < this.#idleMs) return c;
      c.destroy();
    }
    const connection = new Connection(this.#target, (done, keep) => this.#done(done, keep));
    this.#all.add(connection);
    return connection;
  }

  #done(connection: Connection, keep: boolean): void {
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
    if (keep && !connection.socket.destroyed && this.#idle.length < MAX_IDLE) {
      connection.idleSince = Date.now();
      this.#idle.push(connection);
      return;
    }
    this.#all.delete(connection);
    connection.destroy();
  }
}
