/**
 * Batch items for what containers do, beside the periodic inventory: the engine's event stream
 * (`engine_events`) and the health and restart state read by inspecting a container
 * (`container_health`). Events carry a stable key so a replay after a reconnect, or a batch sent
 * twice, is stored once.
 * @module
 */
import * as z from 'zod/mini';

const ts = z.int().check(z.positive());
const engineId = z.string().check(z.minLength(1), z.maxLength(512));

/** The object kinds an engine reports events for; anything else is sent as `other`. */
export const EngineEventTypeSchema = z.enum(['container', 'image', 'volume', 'network', 'other']);

export const EngineEventSchema = z.object({
  type: EngineEventTypeSchema,
  /** The engine's verb: create, start, die, health_status, pull, … */
  action: z.string().check(z.minLength(1), z.maxLength(128)),
  /** The object's id (container id, image id or name, volume name, network id). */
  actorId: z.string().check(z.maxLength(256)),
  /** Epoch ms, for queries. */
  time: ts,
  /** Epoch nanoseconds as decimal digits (beyond 2^53): part of the event's identity. */
  timeNano: z.string().check(z.regex(/^\d{1,20}$/, 'must be decimal digits')),
  attributes: z.record(z.string().check(z.maxLength(256)), z.string().check(z.maxLength(1024))),
});

/** Events of one engine, in the order the engine sent them, each at most once per agent run. */
export const EngineEventsItemSchema = z.object({
  kind: z.literal('engine_events'),
  ts,
  engineId,
  events: z.array(EngineEventSchema).check(z.maxLength(5_000)),
});

export const HealthStatusSchema = z.enum(['starting', 'healthy', 'unhealthy', 'none']);

/** One health-check run, as the engine keeps it (the last few only). */
export const HealthCheckRunSchema = z.object({
  start: z.optional(z.int().check(z.nonnegative())),
  end: z.optional(z.int().check(z.nonnegative())),
  exitCode: z.int(),
  /** Trimmed to 1 KiB: the start of a check's output says what failed. */
  output: z.string().check(z.maxLength(1024)),
});

export const ContainerHealthSchema = z.object({
  /** The engine's container id. */
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  status: HealthStatusSchema,
  failingStreak: z.int().check(z.nonnegative()),
  log: z.array(HealthCheckRunSchema).check(z.maxLength(5)),
  restartCount: z.int().check(z.nonnegative()),
  exitCode: z.int(),
  oomKilled: z.boolean(),
  /** Epoch ms; absent when the engine reports its zero time (never started / never finished). */
  startedAt: z.optional(z.int().check(z.nonnegative())),
  finishedAt: z.optional(z.int().check(z.nonnegative())),
});

/** State read by inspecting containers, for those inspected this time (not a full inventory). */
export const ContainerHealthItemSchema = z.object({
  kind: z.literal('container_health'),
  ts,
  engineId,
  containers: z.array(ContainerHealthSchema).check(z.maxLength(10_000)),
});

export type EngineEventType = z.infer<typeof EngineEventTypeSchema>;
export type EngineEvent = z.infer<typeof EngineEventSchema>;
export type EngineEventsItem = z.infer<typeof EngineEventsItemSchema>;
export type HealthStatus = z.infer<typeof HealthStatusSchema>;
export type HealthCheckRun = z.infer<typeof HealthCheckRunSchema>;
export type ContainerHealth = z.infer<typeof ContainerHealthSchema>;
export type ContainerHealthItem = z.infer<typeof ContainerHealthItemSchema>;
