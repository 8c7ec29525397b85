/**
 * Container actions and the audit log: the actions a user may take on a container, the optional
 * request body, the agent command's arguments and the audit entries the hub keeps of every
 * attempt. Shared by the agent (`container.action`), the hub's routes and the UI.
 * @module
 */
import * as z from 'zod/mini';

export const ContainerActionSchema = z.enum([
  'start',
  'stop',
  'restart',
  'pause',
  'unpause',
  'kill',
  'remove',
]);
export type ContainerAction = z.infer<typeof ContainerActionSchema>;

/** Actions that end or lose work: the UI asks for confirmation before sending them. */
export const DESTRUCTIVE_ACTIONS: ReadonlySet<ContainerAction> = new Set(['stop', 'kill', 'remove']);

/** A signal name as `docker kill --signal` takes it (`SIGTERM`, `TERM`, `9`). */
const SignalSchema = z
  .string()
  .check(z.regex(/^(SIG)?[A-Z0-9+-]{1,12}$/, 'must be a signal name like SIGTERM'));

/** `POST /api/containers/:id/actions/:action` body; every field is optional. */
export const ContainerActionBodySchema = z.strictObject({
  /** kill only. */
  signal: z.optional(SignalSchema),
  /** remove only: remove a running container too. */
  force: z.optional(z.boolean()),
  /** stop/restart: seconds to wait before killing. */
  timeoutSec: z.optional(z.int().check(z.gte(0), z.lte(300))),
});
export type ContainerActionBody = z.infer<typeof ContainerActionBodySchema>;

/** Arguments of the agent's `container.action` command. */
export const ContainerActionArgsSchema = z.extend(ContainerActionBodySchema, {
  /** The engine's id from the inventory (`podman:/run/...`). */
  engineId: z.string().check(z.minLength(1), z.maxLength(512)),
  /** The engine's full container id. */
  containerId: z.string().check(z.regex(/^[0-9a-f]{12,64}$/, 'must be the engine container id')),
  action: ContainerActionSchema,
});
export type ContainerActionArgs = z.infer<typeof ContainerActionArgsSchema>;

export const ContainerActionResultSchema = z.object({
  ok: z.literal(true),
  action: ContainerActionSchema,
  containerId: z.string(),
});
export type ContainerActionResult = z.infer<typeof ContainerActionResultSchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.number(),
  userId: z.nullable(z.string()),
  username: z.string(),
  ip: z.nullable(z.string()),
  /** e.g. `container.restart`, `image.scan`. */
  action: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  /** A readable name of the object at the time (container name). */
  objectName: z.nullable(z.string()),
  /** `ok`, or the error code the attempt ended with (`forbidden`, `read_only`, …). */
  outcome: z.string(),
  message: z.nullable(z.string()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditListSchema = z.object({
  items: z.array(AuditEntrySchema),
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: z.nullable(z.number()),
});

export const AuditQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 100),
  /** Entries strictly older than this (ms since epoch). */
  before: z.optional(z.coerce.number().check(z.int(), z.positive())),
});
