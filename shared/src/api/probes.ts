/**
 * The probes API's shapes: `GET /api/probes` (each probe with its state), the results of one
 * probe (`GET /api/probes/:id/results`) and its uptime (`GET /api/probes/:id/uptime`).
 * @module
 */
import { z } from 'zod';

const timeBound = z.union([z.iso.datetime({ offset: true }), z.coerce.number().int().nonnegative()]);

/** A PATCH body: any fields of the spec; the merged probe is validated as a whole. */
export const ProbePatchSchema = z.record(z.string(), z.unknown());

export const ProbeResultsQuerySchema = z.object({
  from: timeBound.optional(),
  to: timeBound.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
  agent: z.uuid().optional(),
});

export const ProbeResultSchema = z.object({
  time: z.string(),
  agentId: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  status: z.number().nullable(),
  error: z.string().nullable(),
  certExpiresAt: z.string().nullable(),
  /** The result fell in a maintenance window: it neither alerts nor counts against uptime. */
  maintenance: z.boolean(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

/** `up`/`down` as the quorum of locations says; `pending` before any result; `maintenance` inside a window. */
export const ProbeStateSchema = z.enum(['up', 'down', 'pending', 'maintenance', 'paused']);

export const ProbeLocationSchema = z.object({
  agentId: z.string(),
  up: z.boolean(),
  lastTime: z.string(),
  lastError: z.string().nullable(),
});

export const ProbeStatusSchema = z.object({
  state: ProbeStateSchema,
  lastTime: z.string().nullable(),
  lastLatencyMs: z.number().nullable(),
  locations: z.array(ProbeLocationSchema),
});

export const UptimePeriodSchema = z.object({
  /** null when the period holds no counted result. */
  uptimePercent: z.number().nullable(),
  checks: z.number(),
  failures: z.number(),
});

export const ProbeUptimeSchema = z.object({
  periods: z.object({
    '24h': UptimePeriodSchema,
    '7d': UptimePeriodSchema,
    '30d': UptimePeriodSchema,
    '90d': UptimePeriodSchema,
  }),
  /** Over the last 24 h of successful runs. */
  latency: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }),
  certificateDaysLeft: z.number().nullable(),
  certificateExpiresAt: z.string().nullable(),
});

export type ProbeResultsQuery = z.infer<typeof ProbeResultsQuerySchema>;
export type ProbeResult = z.infer<typeof ProbeResultSchema>;
export type ProbeState = z.infer<typeof ProbeStateSchema>;
export type ProbeStatus = z.infer<typeof ProbeStatusSchema>;
export type ProbeUptime = z.infer<typeof ProbeUptimeSchema>;
