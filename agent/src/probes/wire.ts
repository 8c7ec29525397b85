/**
 * A small promise API over one TCP socket for the hand-written database handshakes: read
 * exactly what a parser asks for, with the probe's signal closing everything.
 * @module
 */
import { connect, type Socket } from 'node:net';

export class Wire {
  #buffer = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  #error: Error | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#waiter?.();
    });
    const fail = (error: Error) => {
      this.#error ??= error;
      this.#waiter?.();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  static open(host: string, port: number, signal: AbortSignal): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, signal });
      socket.once('connect', () => resolve(new Wire(socket)));
      socket.on('error', reject);
    });
  }

  /** Waits for `n` bytes and takes them. */
  async read(n: number): Promise<Buffer> {
    while (this.#buffer.length < n) {
      if (this.#error) throw this.#error;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
      this.#waiter = undefined;
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  /** Waits for a line ending in CRLF and takes it (without the CRLF). */
  async line(): Promise<string> {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n');
      if (end >= 0) {
        const text = this.#buffer.subarray(0, end).toString('utf8');
        this.#buffer = this.#buffer.subarray(end + 2);
        return text;
      }
      if (this.#error) throw this.#error;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
      this.#waiter = undefined;
    }
  }

  write(data: Buffer | string): void {
    this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }
}
