/**
 * Container logs on the wire: one parsed line, the arguments of the agent's `logs.tail` /
 * `logs.follow` commands (their `stream` chunks are JSON arrays of lines), the `log_lines` batch
 * item that ships the lines of opted-in containers through the outbox, and the `logs.ship.set`
 * command that tells the agent which containers the hub's users chose to ship.
 * @module
 */
import * as z from 'zod/mini';

export const LogStreamSchema = z.enum(['stdout', 'stderr']);
export const LogLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/** Longest line kept; longer ones are cut (a chunk must stay well under a frame). */
export const MAX_LOG_LINE_CHARS = 16 * 1024;

export const LogLineSchema = z.object({
  /** The engine's timestamp, RFC 3339 with 9 fractional digits (sortable as text). */
  time: z.string().check(z.minLength(20), z.maxLength(40)),
  stream: LogStreamSchema,
  line: z.string().check(z.maxLength(MAX_LOG_LINE_CHARS)),
  level: z.nullable(LogLevelSchema),
});

/** One `stream` chunk of a logs command. */
export const LogChunkSchema = z.array(LogLineSchema).check(z.maxLength(20_000));

/** A time bound: RFC 3339 or epoch milliseconds. */
const timeBound = z.union([
  z.iso.datetime({ offset: true }),
  z.coerce.number().check(z.int(), z.nonnegative()),
]);

export const LogTailArgsSchema = z.strictObject({
  /** The engine's container id (or name). */
  engineId: z.string().check(z.minLength(1), z.maxLength(512)),
  containerId: z.string().check(z.minLength(1), z.maxLength(128)),
  tail: z._default(z.int().check(z.gte(0), z.lte(5000)), 200),
  since: z.optional(timeBound),
  until: z.optional(timeBound),
  stdout: z._default(z.boolean(), true),
  stderr: z._default(z.boolean(), true),
  /** Only lines at these levels (lines without a level never match). */
  levels: z.optional(z.array(LogLevelSchema).check(z.maxLength(6))),
  /** Only lines containing this text (case-insensitive). */
  q: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
});

export const LogFollowArgsSchema = LogTailArgsSchema;

export const ShipTargetSchema = z.object({
  engineId: z.string().check(z.minLength(1), z.maxLength(512)),
  containerId: z.string().check(z.minLength(1), z.maxLength(128)),
});

/** `logs.ship.set`: the full list of containers the hub wants shipped besides labelled ones. */
export const LogShipSetArgsSchema = z.strictObject({
  containers: z.array(ShipTargetSchema).check(z.maxLength(10_000)),
});

/** Lines of one container shipped through the outbox (opt-in: label `unity.logs=ship` or the UI). */
export const LogLinesItemSchema = z.object({
  kind: z.literal('log_lines'),
  ts: z.int().check(z.positive()),
  engineId: z.string().check(z.minLength(1), z.maxLength(512)),
  containerId: z.string().check(z.minLength(1), z.maxLength(128)),
  lines: z.array(LogLineSchema).check(z.minLength(1), z.maxLength(5000)),
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
