/**
 * Reads a container's logs from its engine (`GET /containers/{id}/logs`, always as a stream):
 * the container is inspected first (an unknown id is `not_found`; a TTY container's answer is
 * raw, not multiplexed), then the answer is decoded into lines and handed over in order,
 * filtered by level and text. A follow stops when `signal` aborts (the stream is destroyed).
 * @module
 */
import type { CommandError, LogLine, LogTailArgs, Result } from '@unity/shared';
import { err, ok } from '@unity/shared';
import { type EngineClient, engineStatus } from '../engine/engine-client.js';
import { engineSeconds, LogDecoder, normalizeTime } from './log-decoder.js';

/** The inspect before a read is quick; the read itself may idle for hours (a follow). */
const INSPECT_TIMEOUT_MS = 10_000;

export type ReadOptions = {
  follow: boolean;
  signal: AbortSignal;
  /** Receives each decoded group of lines; the next read waits until it resolves. */
  onLines: (lines: LogLine[]) => void | Promise<void>;
  /** Overrides `args.tail` (the tail command reads more when it filters). */
  tail?: number | 'all';
};

/** A time bound of the arguments (RFC 3339 or epoch ms) → the engine's seconds. */
export function toEngineTime(bound: string | number): string {
  if (typeof bound === 'number') return (bound / 1000).toFixed(3);
  const normal = normalizeTime(bound);
  return normal ? engineSeconds(normal) : String(Math.floor(Date.parse(bound) / 1000));
}

/**
 * The stream, level and text filters of the arguments as one predicate (undefined: keep all).
 * The stream is filtered here, not by the engine: Podman counts `tail` over both streams.
 */
export function lineFilter(
  args: Pick<LogTailArgs, 'levels' | 'q' | 'stdout' | 'stderr'>,
): ((l: LogLine) => boolean) | undefined {
  const levels = args.levels && args.levels.length > 0 ? new Set<string>(args.levels) : undefined;
  const q = args.q?.toLowerCase();
  const stream = args.stdout && !args.stderr ? 'stdout' : !args.stdout && args.stderr ? 'stderr' : undefined;
  if (!levels && !q && !stream) return undefined;
  return (l) =>
    (!stream || l.stream === stream) &&
    (!levels || (l.level !== null && levels.has(l.level))) &&
    (!q || l.line.toLowerCase().includes(q));
}

export async function readLogs(
  client: EngineClient,
  args: LogTailArgs,
  options: ReadOptions,
): Promise<Result<{ lines: number }, CommandError>> {
  const path = `/containers/${encodeURIComponent(args.containerId)}`;
  let tty = false;
  try {
    const info = await client.json<{ Config?: { Tty?: boolean } }>(`${path}/json`, {
      signal: options.signal,
      timeoutMs: INSPECT_TIMEOUT_MS,
    });
    tty = info.Config?.Tty === true;
  } catch (error) {
    if (engineStatus(error) === 404)
      return err({ code: 'not_found', message: 'no such container on this engine' });
    throw error;
  }
  const decoder = new LogDecoder({ tty });
  const keep = lineFilter(args);
  let count = 0;
  const hand = async (lines: LogLine[]) => {
    const kept = keep ? lines.filter(keep) : lines;
    if (kept.length === 0) return;
    count += kept.length;
    await options.onLines(kept);
  };
  const query = {
    follow: options.follow,
    stdout: true,
    stderr: true,
    timestamps: true,
    tail: options.tail ?? args.tail,
    ...(args.since !== undefined ? { since: toEngineTime(args.since) } : {}),
    ...(args.until !== undefined ? { until: toEngineTime(args.until) } : {}),
  };
  // Aborting `signal` destroys the stream, which ends the loop with an error.
  const stream = await client.stream(`${path}/logs`, { query, signal: options.signal });
  for await (const chunk of stream) await hand(decoder.push(chunk as Buffer));
  await hand(decoder.end());
  return ok({ lines: count });
}
