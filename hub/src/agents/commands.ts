/**
 * Commands to agents over their link: `run` sends a `cmd` frame and resolves with the agent's
 * `cmd_result`, or with an error when the agent is offline, disconnects, the time runs out or the
 * caller aborts (then the agent is told to `cancel`). Output of a streaming command goes to
 * `onChunk` one chunk at a time, in order; each chunk the consumer has finished with grants the
 * agent credit for one more, so a slow consumer (a browser on a slow link) slows the agent down.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { CmdResultFrame, CommandError, HubFrame, Result, StreamFrame } from '@unity/shared';
import type { WebSocket } from 'ws';
import type { Logger } from '../log.js';

export type RunOptions = {
  /** Whole-command limit; default 30 s. Pass 0 for none (a follow ended by `signal`). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Receives the chunks of a streaming command; the next waits until this one resolves. */
  onChunk?: (chunk: string) => void | Promise<void>;
};

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

type Pending = {
  agentId: string;
  ws: WebSocket;
  /** The chunks handed to `onChunk` so far, in order. */
  chain: Promise<void>;
  onChunk: RunOptions['onChunk'];
  settle: (result: Result<unknown, CommandError>) => void;
};

export class AgentCommands {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly deps: { socketOf: (agentId: string) => WebSocket | undefined; log: Logger }) {}

  get pendingCount(): number {
    return this.#pending.size;
  }

  run(
    agentId: string,
    kind: string,
    args: Record<string, unknown>,
    options: RunOptions = {},
  ): Promise<Result<unknown, CommandError>> {
    const ws = this.deps.socketOf(agentId);
    if (!ws) return Promise.resolve(fail('agent_offline', 'the agent of this host is not connected'));
    if (options.signal?.aborted) return Promise.resolve(fail('cancelled', 'cancelled before it started'));
    const id = randomUUID();
    return new Promise((resolve) => {
      const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.#send(ws, { type: 'cancel', id });
              settle(fail('timeout', `the agent did not answer within ${Math.round(timeoutMs / 1000)} s`));
            }, timeoutMs)
          : undefined;
      const onAbort = () => {
        this.#send(ws, { type: 'cancel', id });
        settle(fail('cancelled', 'the command was cancelled'));
      };
      const settle = (result: Result<unknown, CommandError>) => {
        if (!this.#pending.delete(id)) return;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, { agentId, ws, chain: Promise.resolve(), onChunk: options.onChunk, settle });
      this.#send(ws, { type: 'cmd', id, kind, args });
    });
  }

  /** A `stream` frame from `agentId`'s socket; one for another agent's command is ignored. */
  onStream(agentId: string, frame: StreamFrame): void {
    const pending = this.#pending.get(frame.id);
    if (!pending || pending.agentId !== agentId) return;
    const { onChunk } = pending;
    pending.chain = pending.chain
      .then(() => onChunk?.(frame.chunk))
      .then(
        () => this.#send(pending.ws, { type: 'credit', id: frame.id, chunks: 1 }),
        (error: unknown) => {
          // The consumer is gone (its browser socket closed): stop the agent's side too.
          this.deps.log.debug({ err: error, id: frame.id }, 'stream consumer failed; cancelling');
          this.#send(pending.ws, { type: 'cancel', id: frame.id });
          pending.settle(fail('cancelled', 'the reader of this stream went away'));
        },
      );
  }

  /** The final answer; settles after every chunk before it was consumed. */
  onResult(agentId: string, frame: CmdResultFrame): void {
    const pending = this.#pending.get(frame.id);
    if (!pending || pending.agentId !== agentId) return;
    const result: Result<unknown, CommandError> = frame.ok
      ? { ok: true, value: frame.result }
      : { ok: false, error: frame.error ?? { code: 'failed', message: 'the agent reported a failure' } };
    void pending.chain.then(() => pending.settle(result));
  }

  /** An agent socket closed: its commands can get no answer any more. */
  socketClosed(ws: WebSocket): void {
    for (const pending of [...this.#pending.values()]) {
      if (pending.ws === ws) pending.settle(fail('agent_disconnected', 'the agent disconnected'));
    }
  }

  #send(ws: WebSocket, frame: HubFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }
}

const fail = (code: CommandError['code'], message: string) =>
  ({ ok: false, error: { code, message } }) as const;
