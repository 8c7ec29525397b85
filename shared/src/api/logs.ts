/**
 * The logs API's shapes: a container's lines (`GET /api/containers/:id/logs`, live from the
 * agent or from shipped lines), the search over shipped lines (`GET /api/logs/search`), and the
 * messages of the follow WebSocket.
 * @module
 */
import { z } from 'zod';
import { LogLevelSchema, LogLineSchema } from '../protocol/logs.js';

/** `live`: read from the engine just now; `stored`: shipped lines kept by the hub. */
export const LogSourceSchema = z.enum(['live', 'stored']);

const timeBound = z.union([z.iso.datetime({ offset: true }), z.coerce.number().int().nonnegative()]);
const levelList = z
  .string()
  .max(64)
  .transform((s) => s.split(',').filter(Boolean))
  .pipe(z.array(LogLevelSchema).max(6));

export const ContainerLogsQuerySchema = z.object({
  tail: z.coerce.number().int().min(0).max(5000).default(200),
  since: timeBound.optional(),
  until: timeBound.optional(),
  /** Comma-separated levels, e.g. `warn,error`. */
  level: levelList.optional(),
  q: z.string().min(1).max(256).optional(),
  stream: z.enum(['stdout', 'stderr', 'all']).default('all'),
  /** `stored` reads shipped lines even while the agent is online. */
  source: z.enum(['auto', 'stored']).default('auto'),
});

export const ContainerLogsSchema = z.object({
  source: LogSourceSchema,
  items: z.array(LogLineSchema),
  /** Why the lines are not live (the agent is offline, say), when they could have been. */
  reason: z.string().optional(),
});

export const LogSearchQuerySchema = z.object({
  q: z.string().min(1).max(256).optional(),
  host: z.uuid().optional(),
  container: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits')
    .optional(),
  level: levelList.optional(),
  from: timeBound.optional(),
  to: timeBound.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const LogSearchHitSchema = z.object({
  ...LogLineSchema.shape,
  hostId: z.uuid(),
  containerId: z.string(),
  containerName: z.string().nullable(),
});

export const LogSearchResultSchema = z.object({ items: z.array(LogSearchHitSchema) });

/** Messages of `/api/containers/:id/logs/follow` (server → browser). */
export const LogFollowMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('lines'), items: z.array(LogLineSchema) }),
  z.object({ type: z.literal('end'), reason: z.string() }),
]);

export const LogShipSettingSchema = z.object({ ship: z.boolean() });

export type LogSource = z.infer<typeof LogSourceSchema>;
export type ContainerLogsQuery = z.infer<typeof ContainerLogsQuerySchema>;
export type ContainerLogs = z.infer<typeof ContainerLogsSchema>;
export type LogSearchQuery = z.infer<typeof LogSearchQuerySchema>;
export type LogSearchHit = z.infer<typeof LogSearchHitSchema>;
export type LogSearchResult = z.infer<typeof LogSearchResultSchema>;
export type LogFollowMessage = z.infer<typeof LogFollowMessageSchema>;
export type LogShipSetting = z.infer<typeof LogShipSettingSchema>;
