/**
 * Schemas both the container items and the inventory item build on: which engine an object came
 * from, and a published port. In a file of their own so those item files do not import each other.
 * @module
 */
import * as z from 'zod/mini';

export const EngineKindSchema = z.enum(['docker', 'podman']);

/** Which container engine an object came from; several may run side by side on one host. */
export const EngineRefSchema = z.object({
  /** Stable per host: the engine kind plus its socket path, e.g. `podman:/run/podman/podman.sock`. */
  id: z.string().check(z.minLength(1), z.maxLength(512)),
  kind: EngineKindSchema,
  version: z.optional(z.string().check(z.maxLength(64))),
});

export const PortMappingSchema = z.object({
  privatePort: z.int().check(z.gte(0), z.lte(65535)),
  publicPort: z.optional(z.int().check(z.gte(0), z.lte(65535))),
  ip: z.optional(z.string().check(z.maxLength(64))),
  protocol: z.string().check(z.maxLength(8)),
});
