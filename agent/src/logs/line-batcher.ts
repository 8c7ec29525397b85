/**
 * Groups log lines into chunks for the command channel: a chunk (a JSON array of lines) goes out
 * when it reaches `maxBytes` or `maxDelayMs` after its first line, whichever comes first, so a
 * busy container gets few large frames and a quiet one still shows each line within the delay.
 * Chunks are sent one at a time; `push` waits while one is being sent, which is how the hub's
 * credit (and so a slow browser) slows the reading of the engine's answer.
 * @module
 */
import type { LogLine } from '@unity/shared';

export type LineBatcherOptions = {
  send: (chunk: string) => Promise<void>;
  maxBytes?: number;
  maxDelayMs?: number;
};

export const DEFAULT_CHUNK_BYTES = 64 * 1024;
export const DEFAULT_CHUNK_DELAY_MS = 100;

export class LineBatcher {
  readonly #send: (chunk: string) => Promise<void>;
  readonly #maxBytes: number;
  readonly #maxDelayMs: number;
  #parts: string[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();
  #failure: unknown;
  #sent = 0;

  constructor(options: LineBatcherOptions) {
    this.#send = options.send;
    this.#maxBytes = options.maxBytes ?? DEFAULT_CHUNK_BYTES;
    this.#maxDelayMs = options.maxDelayMs ?? DEFAULT_CHUNK_DELAY_MS;
  }

  /** Lines handed to `send` so far. */
  get sentLines(): number {
    return this.#sent;
  }

  /** Adds lines; resolves once they are queued (waiting while a full chunk is being sent). */
  async push(lines: readonly LogLine[]): Promise<void> {
    for (const line of lines) {
      if (this.#failure !== undefined) throw this.#failure;
      const text = JSON.stringify(line);
      this.#parts.push(text);
      this.#bytes += text.length + 1;
      if (this.#bytes >= this.#maxBytes) await this.flush();
      else this.#timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.#maxDelayMs);
    }
  }

  /** Sends what is queued; resolves after it (and every chunk before it) was sent. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#parts.length > 0) {
      const chunk = `[${this.#parts.join(',')}]`;
      const count = this.#parts.length;
      this.#parts = [];
      this.#bytes = 0;
      this.#sending = this.#sending.then(async () => {
        if (this.#failure !== undefined) throw this.#failure;
        try {
          await this.#send(chunk);
          this.#sent += count;
        } catch (error) {
          this.#failure = error;
          throw error;
        }
      });
    }
    return this.#sending;
  }

  /** Drops anything queued (the command was cancelled). */
  discard(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#parts = [];
    this.#bytes = 0;
  }
}
