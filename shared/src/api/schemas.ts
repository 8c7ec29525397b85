/**
 * The hub's HTTP API shapes, shared by the hub (which validates what it sends in tests) and the
 * UI's typed client. Errors are always `{ "error": { "code", "message" } }`.
 * @module
 */
import { z } from 'zod';
import { HealthStatusSchema } from '../protocol/container-events.js';
import { ContainerStateSchema, EngineKindSchema, PortMappingSchema } from '../protocol/items.js';
import { PermissionSchema } from './identity.js';

export const ApiErrorCodeSchema = z.enum([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'internal',
  /** The host's agent runs with --read-only and refuses actions (409). */
  'read_only',
  /** The host's agent is not connected (503). */
  'agent_offline',
  /** The agent did not answer in time (504). */
  'timeout',
  /** The agent cannot do this (no Trivy on the host; an older agent) (501). */
  'unsupported',
  /** The agent tried and failed (502). */
  'agent_error',
  /** A role of this account requires a second factor it has not enrolled yet (403). */
  'second_factor_enrolment_required',
]);
export const ApiErrorSchema = z.object({
  error: z.object({ code: ApiErrorCodeSchema, message: z.string() }),
});

/** Every list endpoint answers `{ items, next? }`; `next` is an opaque cursor when there is more. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next: z.string().optional() });

// ---- auth ----

export const LoginRequestSchema = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
  /** Remember me: a persistent cookie and the longer absolute timeout; otherwise a browser-session cookie. */
  remember: z.boolean().optional(),
});

/** First-admin setup through the one-time URL the hub prints when it has no users. */
export const SetupRequestSchema = z.object({
  token: z.string().min(16).max(256),
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});

export const MeSchema = z.object({
  id: z.string(),
  username: z.string(),
  /** The user's unscoped built-in role; null when access comes only from bindings and groups. */
  role: z.enum(['admin', 'editor', 'viewer']).nullable(),
  /**
   * Everything the user may do somewhere (some grants may be limited to hosts by a scope), on
   * the answers of sign-in and `GET /api/auth/me`; absent inside the hub's request context.
   */
  permissions: z.array(PermissionSchema).optional(),
});

/** `GET /api/auth/status` (public): tells the sign-in page whether first-admin setup is pending. */
export const AuthStatusSchema = z.object({ setupRequired: z.boolean() });

// ---- hosts and containers ----

export const HostSchema = z.object({
  id: z.string(),
  name: z.string(),
  online: z.boolean(),
  /** Epoch ms of the last frame from its agent, or null if never connected. */
  lastSeenAt: z.number().nullable(),
  os: z.string(),
  kernel: z.string(),
  arch: z.string(),
  cpus: z.number(),
  memoryTotalBytes: z.number(),
  agentVersion: z.string().nullable(),
  /** Latest sample, or null before the first one. */
  cpuPercent: z.number().nullable(),
  memoryUsedBytes: z.number().nullable(),
  load1: z.number().nullable(),
  uptimeSec: z.number().nullable(),
  containersRunning: z.number(),
  containersTotal: z.number(),
  /** Set by admins (`PUT /api/hosts/:id/labels`); role binding scopes select hosts by them. */
  labels: z.record(z.string(), z.string()).default({}),
});

export const ContainerSchema = z.object({
  /** Hub-assigned, stable: derived from host, engine and the engine's container id. */
  id: z.string(),
  hostId: z.string(),
  engineId: z.string(),
  engineKind: EngineKindSchema,
  containerId: z.string(),
  name: z.string(),
  image: z.string(),
  state: ContainerStateSchema,
  status: z.string(),
  labels: z.record(z.string(), z.string()),
  ports: z.array(PortMappingSchema),
  composeProject: z.string().nullable(),
  composeService: z.string().nullable(),
  createdAt: z.number().nullable(),
  updatedAt: z.number(),
  /** Latest stats sample, or null before the first one. */
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  memoryLimitBytes: z.number().nullable(),
  /** Latest inspection (issue 3), or null before the first one. */
  health: z.nullable(HealthStatusSchema),
  restartCount: z.number().nullable(),
  exitCode: z.number().nullable(),
  oomKilled: z.boolean().nullable(),
});

export const HostListSchema = listOf(HostSchema);
export const ContainerListSchema = listOf(ContainerSchema);

/** `?from&to&points&format`: epoch ms; defaults to the last hour and 120 points. */
export const SeriesQuerySchema = z.object({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  points: z.coerce.number().int().min(1).max(2000).optional(),
  /** `csv` answers the same points as a CSV download (export); JSON by default. */
  format: z.enum(['json', 'csv'], 'must be json or csv').optional(),
});

export const ResolutionSchema = z.enum(['raw', '1m', '5m', '1h']);

export const HostPointSchema = z.object({
  t: z.number(),
  cpuPercent: z.number(),
  cpuPercentMax: z.number(),
  /** Min/max bands: the lowest and highest sample in the point's bucket (added with rollups). */
  cpuPercentMin: z.number(),
  memoryUsedBytes: z.number(),
  memoryUsedBytesMin: z.number(),
  memoryUsedBytesMax: z.number(),
  load1: z.number(),
  netRxBytesPerSec: z.number(),
  netTxBytesPerSec: z.number(),
  diskReadBytesPerSec: z.number(),
  diskWriteBytesPerSec: z.number(),
});

export const ContainerPointSchema = z.object({
  t: z.number(),
  cpuPercent: z.number(),
  cpuPercentMax: z.number(),
  cpuPercentMin: z.number(),
  memoryBytes: z.number(),
  memoryBytesMax: z.number(),
  memoryBytesMin: z.number(),
  netRxBytesPerSec: z.number(),
  netTxBytesPerSec: z.number(),
  blockReadBytesPerSec: z.number(),
  blockWriteBytesPerSec: z.number(),
  pids: z.number(),
});

export const HostSeriesSchema = z.object({ resolution: ResolutionSchema, points: z.array(HostPointSchema) });
export const ContainerSeriesSchema = z.object({
  resolution: ResolutionSchema,
  points: z.array(ContainerPointSchema),
});

// ---- hub status ----

/** `GET /api/status`: which database the hub runs on and what the operator should know. */
export const HubStatusSchema = z.object({
  database: z.enum(['pglite', 'postgres']),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});

// ---- enrollment tokens ----

export const CreateEnrollmentTokenSchema = z.object({
  /** Lifetime in seconds; default one hour, at most 30 days. */
  ttlSec: z
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(3600),
  /** How many agents may enroll with it; default 1. */
  maxUses: z.int().min(1).max(10_000).default(1),
  note: z.string().max(200).optional(),
});

export const EnrollmentTokenSchema = z.object({
  id: z.string(),
  /** Shown once, at creation. */
  token: z.string(),
  expiresAt: z.number(),
  maxUses: z.number(),
  /** The one line to paste on a host. */
  installCommand: z.string(),
});

export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;
export type ApiError = z.infer<typeof ApiErrorSchema>;
export type LoginRequest = z.infer<typeof LoginRequestSchema>;
export type SetupRequest = z.infer<typeof SetupRequestSchema>;
export type Me = z.infer<typeof MeSchema>;
export type AuthStatus = z.infer<typeof AuthStatusSchema>;
export type Host = z.infer<typeof HostSchema>;
export type Container = z.infer<typeof ContainerSchema>;
export type SeriesQuery = z.infer<typeof SeriesQuerySchema>;
export type Resolution = z.infer<typeof ResolutionSchema>;
export type HostPoint = z.infer<typeof HostPointSchema>;
export type ContainerPoint = z.infer<typeof ContainerPointSchema>;
export type HostSeries = z.infer<typeof HostSeriesSchema>;
export type ContainerSeries = z.infer<typeof ContainerSeriesSchema>;
export type HubStatus = z.infer<typeof HubStatusSchema>;
export type CreateEnrollmentToken = z.input<typeof CreateEnrollmentTokenSchema>;
export type EnrollmentToken = z.infer<typeof EnrollmentTokenSchema>;
