/**
 * API shapes for container events and health (issue 3): the timelines of one container or one
 * host, and a container's current health with its history.
 * @module
 */
import { z } from 'zod';
import {
  EngineEventTypeSchema,
  HealthCheckRunSchema,
  HealthStatusSchema,
} from '../protocol/container-events.js';

/** `?from&to&type&action&limit`: epoch ms (default the last 24 h), newest `limit` events in time order. */
export const EventsQuerySchema = z
  .object({
    from: z.coerce.number().int().nonnegative().optional(),
    to: z.coerce.number().int().nonnegative().optional(),
    type: z.optional(EngineEventTypeSchema),
    /** One action or several separated by commas, e.g. `die,oom,restart`. */
    action: z
      .string()
      .regex(/^[\w.:-]+(,[\w.:-]+)*$/, 'must be action names separated by commas')
      .max(512)
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

export const ContainerEventViewSchema = z.object({
  type: EngineEventTypeSchema,
  action: z.string(),
  /** Epoch ms. */
  time: z.number(),
  timeNano: z.string(),
  actorId: z.string(),
  engineId: z.string(),
  /** The hub's container id, for container events; null otherwise. */
  containerId: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
});

export const ContainerEventListSchema = z.object({ items: z.array(ContainerEventViewSchema) });

export const HealthStateSchema = z.object({
  status: HealthStatusSchema,
  failingStreak: z.number(),
  restartCount: z.number(),
  exitCode: z.number(),
  oomKilled: z.boolean(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  log: z.array(HealthCheckRunSchema),
  /** Epoch ms of the inspection this state comes from. */
  checkedAt: z.number(),
});

export const HealthChangeSchema = z.object({
  ts: z.number(),
  status: HealthStatusSchema,
  failingStreak: z.number(),
  restartCount: z.number(),
  exitCode: z.number(),
  oomKilled: z.boolean(),
});

/** `GET /api/containers/:id/health`: current (null before the first inspection) and changes, oldest first. */
export const ContainerHealthViewSchema = z.object({
  current: HealthStateSchema.nullable(),
  history: z.array(HealthChangeSchema),
});

export type EventsQuery = z.infer<typeof EventsQuerySchema>;
export type ContainerEventView = z.infer<typeof ContainerEventViewSchema>;
export type ContainerEventList = z.infer<typeof ContainerEventListSchema>;
export type HealthState = z.infer<typeof HealthStateSchema>;
export type HealthChange = z.infer<typeof HealthChangeSchema>;
export type ContainerHealthView = z.infer<typeof ContainerHealthViewSchema>;
