/**
 * `logs.tail` and `logs.follow`: a container's log lines, streamed to the hub in chunks (JSON
 * arrays of `{time, stream, line, level}`, see line-batcher.ts). The tail filtered by level or
 * text reads up to SCAN_LINES lines and keeps the last `tail` that match; the follow starts with
 * the last `tail` lines and goes on until the hub cancels it.
 * @module
 */
import {
  type CommandError,
  err,
  type LogLine,
  type LogTailArgs,
  LogTailArgsSchema,
  type Result,
} from '@unity/shared';
import type { CommandHandler } from '../commands/dispatcher.js';
import type { EngineClient } from '../engine/engine-client.js';
import { LineBatcher } from './line-batcher.js';
import { lineFilter, readLogs } from './log-reader.js';

/** How far back a filtered tail looks for matching lines. */
export const SCAN_LINES = 100_000;

/** The engine client for an engine id, without a request timeout (a follow idles for hours). */
export type EngineLookup = (engineId: string) => EngineClient | undefined;

const noEngine = (): Result<never, CommandError> =>
  err({ code: 'not_found', message: 'this agent has no such container engine (yet)' });

export function logsTailCommand(engineFor: EngineLookup): CommandHandler<LogTailArgs> {
  return {
    args: LogTailArgsSchema,
    mutates: false,
    run: async (args, { signal, emit }) => {
      const docker = engineFor(args.engineId);
      if (!docker) return noEngine();
      const filtered = lineFilter(args) !== undefined;
      // Keeps the last `tail` matching lines of what is read.
      let kept: LogLine[] = [];
      const read = await readLogs(docker, args, {
        follow: false,
        signal,
        ...(filtered ? { tail: SCAN_LINES } : {}),
        onLines: (lines) => {
          if (args.tail === 0) return;
          kept.push(...lines);
          if (kept.length > args.tail * 2) kept = kept.slice(-args.tail);
        },
      });
      if (!read.ok) return read;
      kept = args.tail === 0 ? [] : kept.slice(-args.tail);
      const batcher = new LineBatcher({ send: emit });
      await batcher.push(kept);
      await batcher.flush();
      return { ok: true, value: { lines: kept.length } };
    },
  };
}

export function logsFollowCommand(engineFor: EngineLookup): CommandHandler<LogTailArgs> {
  return {
    args: LogTailArgsSchema,
    mutates: false,
    run: async (args, { signal, emit }) => {
      const docker = engineFor(args.engineId);
      if (!docker) return noEngine();
      const batcher = new LineBatcher({ send: emit });
      try {
        const read = await readLogs(docker, args, {
          follow: true,
          // A follow from `since` starts there, whatever `tail` says: the client asked for every
          // line from that moment, also those written before the follow reached the engine.
          ...(args.since !== undefined ? { tail: 'all' as const } : {}),
          signal,
          onLines: (l) => batcher.push(l),
        });
        await batcher.flush();
        return read;
      } finally {
        batcher.discard();
      }
    },
  };
}
