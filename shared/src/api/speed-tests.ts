/**
 * `/api/hosts/:id/speed-tests`: the host's speed tests against the hub (newest first), running
 * one now, and the schedule.
 * @module
 */
import { z } from 'zod';
import { SpeedTestPhaseSchema } from '../protocol/speed-test.js';

/** Shortest schedule interval: a test saturates the link for a while, so not too often. */
export const SPEEDTEST_MIN_INTERVAL_MINUTES = 15;
export const SPEEDTEST_MAX_INTERVAL_MINUTES = 7 * 24 * 60;

export const SpeedTestStateSchema = z.enum(['running', 'ok', 'failed']);
export const SpeedTestTriggerSchema = z.enum(['manual', 'schedule']);

export const SpeedTestSchema = z.object({
  id: z.uuid(),
  hostId: z.uuid(),
  /** When it started (ISO 8601). */
  time: z.string(),
  finishedAt: z.string().nullable(),
  state: SpeedTestStateSchema,
  trigger: SpeedTestTriggerSchema,
  /** Who asked (username) for a manual test. */
  requestedBy: z.string().nullable(),
  /** While running: what it measures now and how far along the whole test is. */
  phase: z.nullable(SpeedTestPhaseSchema),
  percent: z.number().nullable(),
  downloadMbps: z.number().nullable(),
  uploadMbps: z.number().nullable(),
  latencyMs: z.number().nullable(),
  jitterMs: z.number().nullable(),
  streams: z.int(),
  durationMs: z.int(),
  /** Why it failed, for people. */
  error: z.string().nullable(),
});

export const SpeedTestScheduleSchema = z.object({
  /** null: no scheduled tests (the default). */
  intervalMinutes: z.int().min(SPEEDTEST_MIN_INTERVAL_MINUTES).max(SPEEDTEST_MAX_INTERVAL_MINUTES).nullable(),
});

export const SpeedTestListSchema = z.object({
  items: z.array(SpeedTestSchema),
  schedule: SpeedTestScheduleSchema.extend({ nextRunAt: z.string().nullable() }),
});

export const SpeedTestListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** `POST /api/hosts/:id/speed-tests`: run now; both fields optional. */
export const RunSpeedTestRequestSchema = z.strictObject({
  durationSeconds: z.int().min(1).max(30).optional(),
  streams: z.int().min(1).max(8).optional(),
});

export type SpeedTest = z.infer<typeof SpeedTestSchema>;
export type SpeedTestState = z.infer<typeof SpeedTestStateSchema>;
export type SpeedTestTrigger = z.infer<typeof SpeedTestTriggerSchema>;
export type SpeedTestSchedule = z.infer<typeof SpeedTestScheduleSchema>;
export type SpeedTestList = z.infer<typeof SpeedTestListSchema>;
export type RunSpeedTestRequest = z.infer<typeof RunSpeedTestRequestSchema>;
