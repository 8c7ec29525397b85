/**
 * API shapes of the inventory pages: `GET /api/stacks`, `/api/images`, `/api/volumes`,
 * `/api/networks` and `/api/pods`, each `{ items: [...] }`, with their query filters. Every object
 * names the host and the engine it lives on, since Docker and Podman may run side by side.
 * @module
 */
import { z } from 'zod';
import { EngineKindSchema, PortMappingSchema } from '../protocol/engine-ref.js';
import { ContainerStateSchema } from '../protocol/items.js';
import { listOf } from './schemas.js';

const onEngine = {
  /** Hub-assigned, stable: derived from host, engine and the engine's own id or name. */
  id: z.string(),
  hostId: z.string(),
  engineId: z.string(),
  engineKind: EngineKindSchema,
  /** Epoch ms of the inventory this object was last seen in. */
  updatedAt: z.number(),
};

export const StackContainerSchema = z.object({
  /** The container's hub id, as in `/api/containers/:id`. */
  id: z.string(),
  name: z.string(),
  service: z.string().nullable(),
  state: ContainerStateSchema,
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  /** The systemd unit (Quadlet, `podman generate systemd`) that manages it, from `PODMAN_SYSTEMD_UNIT`. */
  systemdUnit: z.string().nullable(),
});

export const StackServiceSchema = z.object({ name: z.string(), running: z.number(), total: z.number() });

/** A Compose project on one engine of one host, derived from its containers' labels. */
export const StackSchema = z.object({
  id: z.string(),
  name: z.string(),
  hostId: z.string(),
  engineId: z.string(),
  engineKind: EngineKindSchema,
  services: z.array(StackServiceSchema),
  containers: z.array(StackContainerSchema),
  running: z.number(),
  total: z.number(),
});

export const ImageSchema = z.object({
  ...onEngine,
  imageId: z.string(),
  tags: z.array(z.string()),
  sizeBytes: z.number(),
  createdAt: z.number().nullable(),
  dangling: z.boolean(),
  /** Engine ids of the containers (running or not) created from it. */
  containers: z.array(z.string()),
  /** No container uses it: it could be removed. */
  unused: z.boolean(),
});

export const VolumeSchema = z.object({
  ...onEngine,
  name: z.string(),
  driver: z.string(),
  mountpoint: z.string(),
  /** Null where the engine does not report sizes. */
  sizeBytes: z.number().nullable(),
  createdAt: z.number().nullable(),
  labels: z.record(z.string(), z.string()),
  containers: z.array(z.string()),
  /** Attached to no container. */
  orphaned: z.boolean(),
});

export const NetworkContainerSchema = z.object({
  containerId: z.string(),
  name: z.string(),
  ipv4: z.string().nullable(),
  ports: z.array(PortMappingSchema),
});

export const NetworkSchema = z.object({
  ...onEngine,
  networkId: z.string(),
  name: z.string(),
  driver: z.string(),
  scope: z.string().nullable(),
  internal: z.boolean(),
  containers: z.array(NetworkContainerSchema),
  /** No container is attached. */
  unused: z.boolean(),
});

export const PodContainerViewSchema = z.object({
  containerId: z.string(),
  name: z.string(),
  status: z.string(),
  /** The pod's infra (pause) container, which holds its namespaces. */
  infra: z.boolean(),
});

export const PodSchema = z.object({
  ...onEngine,
  podId: z.string(),
  name: z.string(),
  status: z.string(),
  infraId: z.string().nullable(),
  createdAt: z.number().nullable(),
  labels: z.record(z.string(), z.string()),
  containers: z.array(PodContainerViewSchema),
});

const flag = z.enum(['true', 'false'], 'must be true or false').transform((v) => v === 'true');

/** `?host=<uuid>&engine=docker|podman`, shared by every inventory list. */
export const InventoryQuerySchema = z.object({
  host: z.uuid('must be a host id (uuid)').optional(),
  engine: z.optional(EngineKindSchema),
});
export const ImageQuerySchema = InventoryQuerySchema.extend({ unused: flag.optional() });
export const VolumeQuerySchema = InventoryQuerySchema.extend({ orphaned: flag.optional() });
export const NetworkQuerySchema = InventoryQuerySchema.extend({ unused: flag.optional() });
export const StackQuerySchema = InventoryQuerySchema.extend({ name: z.string().min(1).max(256).optional() });

export const StackListSchema = listOf(StackSchema);
export const ImageListSchema = listOf(ImageSchema);
export const VolumeListSchema = listOf(VolumeSchema);
export const NetworkListSchema = listOf(NetworkSchema);
export const PodListSchema = listOf(PodSchema);

export type StackContainer = z.infer<typeof StackContainerSchema>;
export type StackService = z.infer<typeof StackServiceSchema>;
export type Stack = z.infer<typeof StackSchema>;
export type Image = z.infer<typeof ImageSchema>;
export type Volume = z.infer<typeof VolumeSchema>;
export type NetworkContainer = z.infer<typeof NetworkContainerSchema>;
export type Network = z.infer<typeof NetworkSchema>;
export type PodContainerView = z.infer<typeof PodContainerViewSchema>;
export type Pod = z.infer<typeof PodSchema>;
export type InventoryQuery = z.infer<typeof InventoryQuerySchema>;
