/**
 * Container actions and the audit log: the actions a user may take on a container, the optional
 * request body, the agent command's arguments and the audit entries the hub keeps of every
 * attempt. Shared by the agent (`container.action`), the hub's routes and the UI.
 * @module
 */
import { z } from 'zod';

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
const SignalSchema = z.string().regex(/^(SIG)?[A-Z0-9+-]{1,12}$/, 'must be a signal name like SIGTERM');

/** `POST /api/containers/:id/actions/:action` body; every field is optional. */
export const ContainerActionBodySchema = z
  .object({
    /** kill only. */
    signal: SignalSchema.optional(),
    /** remove only: remove a running container too. */
    force: z.boolean().optional(),
    /** stop/restart: seconds to wait before killing. */
    timeoutSec: z.int().min(0).max(300).optional(),
  })
  .strict();
export type ContainerActionBody = z.infer<typeof ContainerActionBodySchema>;

/** Arguments of the agent's `container.action` command. */
export const ContainerActionArgsSchema = ContainerActionBodySchema.extend({
  /** The engine's id from the inventory (`podman:/run/...`). */
  engineId: z.string().min(1).max(512),
  /** The engine's full container id. */
  containerId: z.string().regex(/^[0-9a-f]{12,64}$/, 'must be the engine container id'),
  action: ContainerActionSchema,
}).strict();
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
  userId: z.string().nullable(),
  username: z.string(),
  ip: z.string().nullable(),
  /** e.g. `container.restart`, `image.scan`. */
  action: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  /** A readable name of the object at the time (container name). */
  objectName: z.string().nullable(),
  /** `ok`, or the error code the attempt ended with (`forbidden`, `read_only`, …). */
  outcome: z.string(),
  message: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditListSchema = z.object({
  items: z.array(AuditEntrySchema),
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: z.number().nullable(),
});

export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Entries strictly older than this (ms since epoch). */
  before: z.coerce.number().int().positive().optional(),
});
