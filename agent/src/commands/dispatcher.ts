/**
 * Runs the hub's commands (`cmd` frames): looks up the handler for the kind, validates the
 * arguments with its schema, refuses mutating commands on a `--read-only` agent, and answers with
 * one `cmd_result`. A streaming handler emits chunks as `stream` frames, at most as many as the
 * hub has granted credit for, so a slow reader on the hub's side slows the handler down. Commands
 * run beside the link's frame handling, never blocking acks; a closed connection cancels them all.
 * @module
 */
import {
  type CancelFrame,
  type CmdFrame,
  type CommandError,
  type CreditFrame,
  describeIssues,
  INITIAL_STREAM_CREDIT,
  type Result,
} from '@unity/shared';
import type { Logger } from 'pino';
import type * as z from 'zod/mini';
import { errorMessage } from '../errors.js';

export type CommandContext = {
  /** Aborted when the hub cancels the command or the connection closes. */
  signal: AbortSignal;
  /** Sends one chunk of output; waits while the hub has granted no credit. Rejects once aborted. */
  emit(chunk: string): Promise<void>;
  log: Logger;
};

export type CommandHandler<A> = {
  args: z.ZodMiniType<A>;
  /** Changes something on the host (a container action): refused on a read-only agent. */
  mutates: boolean;
  run(args: A, ctx: CommandContext): Promise<Result<unknown, CommandError>>;
};

export type DispatcherOptions = {
  readOnly: boolean;
  log: Logger;
  /** Commands running at once, at most; more are refused with `busy`. */
  maxRunning?: number;
};

type Running = {
  controller: AbortController;
  credit: number;
  /** Wakes an `emit` waiting for credit. */
  wake?: () => void;
};

export class CommandDispatcher {
  readonly #o: DispatcherOptions;
  // biome-ignore lint/suspicious/noExplicitAny: handlers of different argument types share one map
  readonly #handlers = new Map<string, CommandHandler<any>>();
  readonly #running = new Map<string, Running>();

  constructor(options: DispatcherOptions) {
    this.#o = options;
  }

  register<A>(kind: string, handler: CommandHandler<A>): this {
    this.#handlers.set(kind, handler);
    return this;
  }

  get kinds(): string[] {
    return [...this.#handlers.keys()];
  }

  get runningCount(): number {
    return this.#running.size;
  }

  /** Starts `frame` and resolves once its `cmd_result` was handed to `send`. */
  async run(frame: CmdFrame, send: (text: string) => Promise<void>): Promise<void> {
    const result = await this.#execute(frame, send);
    const answer = result.ok
      ? { type: 'cmd_result', id: frame.id, ok: true, result: result.value }
      : { type: 'cmd_result', id: frame.id, ok: false, error: result.error };
    await send(JSON.stringify(answer)).catch(() => undefined);
  }

  cancel(frame: CancelFrame): void {
    this.#running.get(frame.id)?.controller.abort();
  }

  credit(frame: CreditFrame): void {
    const running = this.#running.get(frame.id);
    if (!running) return;
    running.credit += frame.chunks;
    running.wake?.();
  }

  /** The connection closed: nobody is left to read any answer. */
  cancelAll(): void {
    for (const running of this.#running.values()) running.controller.abort();
  }

  async #execute(
    frame: CmdFrame,
    send: (text: string) => Promise<void>,
  ): Promise<Result<unknown, CommandError>> {
    const fail = (code: CommandError['code'], message: string) =>
      ({ ok: false, error: { code, message } }) as const;
    const handler = this.#handlers.get(frame.kind);
    if (!handler) return fail('unsupported', `this agent does not support ${frame.kind.slice(0, 64)}`);
    if (handler.mutates && this.#o.readOnly) {
      return fail('read_only', 'this agent runs with --read-only and refuses actions');
    }
    const args = handler.args.safeParse(frame.args);
    if (!args.success) return fail('bad_args', `invalid arguments: ${describeIssues(args.error)}`);
    if (this.#running.has(frame.id)) return fail('bad_args', 'a command with this id is running');
    if (this.#running.size >= (this.#o.maxRunning ?? 32)) {
      return fail('busy', 'too many commands running on this agent; try again shortly');
    }
    const running: Running = { controller: new AbortController(), credit: INITIAL_STREAM_CREDIT };
    this.#running.set(frame.id, running);
    const { signal } = running.controller;
    const log = this.#o.log.child({ cmd: frame.kind, id: frame.id });
    signal.addEventListener('abort', () => running.wake?.(), { once: true });
    const emit = async (chunk: string) => {
      while (running.credit <= 0 && !signal.aborted) {
        await new Promise<void>((resolve) => {
          running.wake = resolve;
        });
        running.wake = undefined;
      }
      if (signal.aborted) throw new Error('command cancelled');
      running.credit--;
      await send(JSON.stringify({ type: 'stream', id: frame.id, chunk }));
    };
    try {
      const result = await handler.run(args.data, { signal, emit, log });
      if (signal.aborted) return fail('cancelled', 'the command was cancelled');
      return result;
    } catch (error) {
      if (signal.aborted) return fail('cancelled', 'the command was cancelled');
      log.warn({ err: errorMessage(error) }, 'command failed');
      return fail('failed', errorMessage(error).slice(0, 4096));
    } finally {
      this.#running.delete(frame.id);
    }
  }
}
