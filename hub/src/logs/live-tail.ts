/**
 * A container's last lines read from its engine now, through the agent's `logs.tail` command
 * (streamed chunks, collected here). Errors are values: the route falls back to stored lines.
 * @module
 */
import {
  type CommandError,
  err,
  LogChunkSchema,
  type LogLevel,
  type LogLine,
  type LogTailArgsInput,
  ok,
  type Result,
} from '@unity/shared';
import type { AgentCommands } from '../agents/commands.js';
import type { ContainerRef } from './container-ref.js';

export type LogRequest = {
  tail: number;
  since?: string | number | undefined;
  until?: string | number | undefined;
  level?: LogLevel[] | undefined;
  q?: string | undefined;
  stream: 'stdout' | 'stderr' | 'all';
};

/** The agent command's arguments for a request about `ref`. */
export function commandArgs(ref: ContainerRef, r: LogRequest): LogTailArgsInput {
  return {
    engineId: ref.engineId,
    containerId: ref.containerId,
    tail: r.tail,
    stdout: r.stream !== 'stderr',
    stderr: r.stream !== 'stdout',
    ...(r.since !== undefined ? { since: r.since } : {}),
    ...(r.until !== undefined ? { until: r.until } : {}),
    ...(r.level && r.level.length > 0 ? { levels: r.level } : {}),
    ...(r.q ? { q: r.q } : {}),
  };
}

/** Parses one chunk of a logs command; a malformed one is the agent's fault and ends the read. */
export function parseChunk(chunk: string): LogLine[] {
  return LogChunkSchema.parse(JSON.parse(chunk));
}

export async function liveTail(
  commands: AgentCommands,
  ref: ContainerRef,
  request: LogRequest,
): Promise<Result<LogLine[], CommandError>> {
  const lines: LogLine[] = [];
  const result = await commands.run(
    ref.hostId,
    'logs.tail',
    commandArgs(ref, request) as Record<string, unknown>,
    {
      timeoutMs: 20_000,
      onChunk: (chunk) => {
        lines.push(...parseChunk(chunk));
      },
    },
  );
  return result.ok ? ok(lines) : err(result.error);
}
