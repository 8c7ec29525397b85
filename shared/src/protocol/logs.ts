/**
 * Container logs on the wire: one parsed line, the arguments of the agent's `logs.tail` /
 * `logs.follow` commands (their `stream` chunks are JSON arrays of lines), the `log_lines` batch
 * item that ships the lines of opted-in containers through the outbox, and the `logs.ship.set`
 * command that tells the agent which containers the hub's users chose to ship.
 * @module
 */
import { z } from 'zod';

export const LogStreamSchema = z.enum(['stdout', 'stderr']);
export const LogLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/** Longest line kept; longer ones are cut (a chunk must stay well under a frame). */
export const MAX_LOG_LINE_CHARS = 16 * 1024;

export const LogLineSchema = z.object({
  /** The engine's timestamp, RFC 3339 with 9 fractional digits (sortable as text). */
  time: z.string().min(20).max(40),
  stream: LogStreamSchema,
  line: z.string().max(MAX_LOG_LINE_CHARS),
  level: LogLevelSchema.nullable(),
});

/** One `stream` chunk of a logs command. */
export const LogChunkSchema = z.array(LogLineSchema).max(20_000);

/** A time bound: RFC 3339 or epoch milliseconds. */
const timeBound = z.union([z.iso.datetime({ offset: true }), z.coerce.number().int().nonnegative()]);

export const LogTailArgsSchema = z
  .object({
    /** The engine's container id (or name). */
    engineId: z.string().min(1).max(512),
    containerId: z.string().min(1).max(128),
    tail: z.int().min(0).max(5000).default(200),
    since: timeBound.optional(),
    until: timeBound.optional(),
    stdout: z.boolean().default(true),
    stderr: z.boolean().default(true),
    /** Only lines at these levels (lines without a level never match). */
    levels: z.array(LogLevelSchema).max(6).optional(),
    /** Only lines containing this text (case-insensitive). */
    q: z.string().min(1).max(256).optional(),
  })
  .strict();

export const LogFollowArgsSchema = LogTailArgsSchema;

export const ShipTargetSchema = z.object({
  engineId: z.string().min(1).max(512),
  containerId: z.string().min(1).max(128),
});

/** `logs.ship.set`: the full list of containers the hub wants shipped besides labelled ones. */
export const LogShipSetArgsSchema = z.object({ containers: z.array(ShipTargetSchema).max(10_000) }).strict();

/** Lines of one container shipped through the outbox (opt-in: label `unity.logs=ship` or the UI). */
export const LogLinesItemSchema = z.object({
  kind: z.literal('log_lines'),
  ts: z.int().positive(),
  engineId: z.string().min(1).max(512),
  containerId: z.string().min(1).max(128),
  lines: z.array(LogLineSchema).min(1).max(5000),
});

/** Opts a container into shipping (`unity.logs=ship`). */
export const SHIP_LABEL = 'unity.logs';
export const SHIP_LABEL_VALUE = 'ship';

export type LogStream = z.infer<typeof LogStreamSchema>;
export type LogLevel = z.infer<typeof LogLevelSchema>;
export type LogLine = z.infer<typeof LogLineSchema>;
export type LogTailArgs = z.infer<typeof LogTailArgsSchema>;
export type LogTailArgsInput = z.input<typeof LogTailArgsSchema>;
export type ShipTarget = z.infer<typeof ShipTargetSchema>;
export type LogShipSetArgs = z.infer<typeof LogShipSetArgsSchema>;
export type LogLinesItem = z.infer<typeof LogLinesItemSchema>;
