/**
 * Schemas both the container items and the inventory item build on: which engine an object came
 * from, and a published port. In a file of their own so those item files do not import each other.
 * @module
 */
import { z } from 'zod';

export const EngineKindSchema = z.enum(['docker', 'podman']);

/** Which container engine an object came from; several may run side by side on one host. */
export const EngineRefSchema = z.object({
  /** Stable per host: the engine kind plus its socket path, e.g. `podman:/run/podman/podman.sock`. */
  id: z.string().min(1).max(512),
  kind: EngineKindSchema,
  version: z.string().max(64).optional(),
});

export const PortMappingSchema = z.object({
  privatePort: z.int().min(0).max(65535),
  publicPort: z.int().min(0).max(65535).optional(),
  ip: z.string().max(64).optional(),
  protocol: z.string().max(8),
});
