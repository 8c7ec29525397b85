/**
 * Follows one engine's `/events` stream for as long as the agent runs. When the stream ends (the
 * engine restarted, the socket went away) it reconnects with backoff, resuming `since` just
 * before the newest event it saw, so lifecycle events that happened meanwhile are replayed;
 * the cursor drops the ones already taken. Each reconnect is reported so the caller can take a
 * fresh inventory too (anything the engine does not replay, e.g. state it does not log).
 * @module
 */
import type { EngineEvent } from '@unity/shared';
import { backoffDelay } from '@unity/shared';
import type { Logger } from 'pino';
import { EngineClient } from '../engine/engine-client.js';
import { errorMessage } from '../errors.js';
import { EventCursor, type RawEngineEvent, toEngineEvent } from './engine-events.js';

export type EventFollowerOptions = {
  endpoint: string;
  log: Logger;
  /** New events, in stream order, never one already delivered. */
  onEvents: (events: EngineEvent[]) => void;
  /** The stream was reopened after a break: state may have changed unseen. */
  onResync: () => void;
  now?: () => number;
  backoff?: { baseMs: number; maxMs: number };
};

export class EventFollower {
  readonly #o: EventFollowerOptions;
  readonly #cursor = new EventCursor();
  readonly #client: EngineClient;
  readonly #startedMs: number;
  #abort = new AbortController();
  #stopped = false;
  #loop: Promise<void> | undefined;
  #connected = false;

  constructor(options: EventFollowerOptions) {
    this.#o = options;
    // No deadline: an idle event stream is normal, and some engines send nothing, headers
    // included, until the first event.
    this.#client = new EngineClient(options.endpoint, { timeoutMs: 0 });
    this.#startedMs = (options.now ?? Date.now)();
  }

  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    await this.#loop;
    this.#client.close();
  }

  async #run(): Promise<void> {
    const backoff = this.#o.backoff ?? { baseMs: 500, maxMs: 4_000 };
    let attempt = 0;
    let broken = false;
    while (!this.#stopped) {
      try {
        this.#abort = new AbortController();
        const since = this.#cursor.resumeSince(this.#startedMs);
        const stream = await this.#client.stream('/events', { query: { since }, signal: this.#abort.signal });
        this.#connected = true;
        if (broken) {
          this.#o.log.info({ since }, 'event stream reconnected; resyncing');
          this.#o.onResync();
        }
        attempt = 0;
        await this.#read(stream);
      } catch (error) {
        if (!this.#stopped && !broken)
          this.#o.log.warn({ err: errorMessage(error) }, 'event stream failed; will reconnect');
      }
      this.#connected = false;
      if (this.#stopped) break;
      if (!broken) this.#o.log.warn('event stream ended; will reconnect');
      broken = true;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt++, backoff)));
    }
  }

  /** Reads newline-delimited JSON until the stream ends; resolves then (never rejects). */
  #read(stream: NodeJS.ReadableStream): Promise<void> {
    return new Promise((resolve) => {
      let pending = '';
      stream.on('data', (chunk: Buffer | string) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        const fresh: EngineEvent[] = [];
        for (const line of lines) {
          const event = parseLine(line);
          if (event && this.#cursor.accept(event)) fresh.push(event);
        }
        if (fresh.length > 0) this.#o.onEvents(fresh);
      });
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
    });
  }
}

/** One event line; undefined for a blank or malformed one. */
export function parseLine(line: string): EngineEvent | undefined {
  if (line.trim() === '') return undefined;
  try {
    const raw = JSON.parse(line) as RawEngineEvent;
    // JSON.parse rounds timeNano (past 2^53); keep the digits the engine sent, they key the event.
    const nano = /"timeNano":\s*(\d{1,20})/.exec(line)?.[1];
    return toEngineEvent(nano ? { ...raw, timeNano: nano } : raw);
  } catch {
    return undefined;
  }
}
