/**
 * The `inventory` batch item: one engine's images, volumes, networks and (Podman only) pods.
 * Inventories change slowly, so the agent collects them less often than stats and sends one only
 * when it differs from the last one sent. Like `containers`, an inventory is the full truth for
 * its engine: the hub drops every object of that engine the item no longer lists.
 *
 * "Which containers use it" is computed on the agent from the same container listing, so the hub
 * derives `unused` / `orphaned` without joining against a container table that moves every tick.
 * @module
 */
import { z } from 'zod';
import { EngineRefSchema, PortMappingSchema } from './engine-ref.js';

const ts = z.int().positive();
const id = z.string().min(1).max(128);
const name = z.string().max(256);
const labels = z.record(z.string().max(256), z.string().max(4096));
/** Container ids (the engine's) that use an object. */
const users = z.array(id).max(10_000);

export const ImageInfoSchema = z.object({
  /** The engine's image id, e.g. `sha256:…`. */
  id,
  /** `repo:tag` names; empty for a dangling image. */
  tags: z.array(z.string().max(512)).max(256),
  sizeBytes: z.number().nonnegative(),
  createdAt: ts.optional(),
  /** No tag left (`<none>:<none>`): superseded by a newer build of the same name. */
  dangling: z.boolean(),
  containers: users,
});

export const VolumeInfoSchema = z.object({
  name,
  driver: z.string().max(128),
  mountpoint: z.string().max(4096),
  /** Only where the engine reports it (`/system/df`); absent, not 0, when unknown. */
  sizeBytes: z.number().nonnegative().optional(),
  createdAt: ts.optional(),
  labels,
  containers: users,
});

export const NetworkAttachmentSchema = z.object({
  id,
  name,
  ipv4: z.string().max(64).optional(),
  ports: z.array(PortMappingSchema).max(512),
});

export const NetworkInfoSchema = z.object({
  id,
  name,
  driver: z.string().max(128),
  scope: z.string().max(64).optional(),
  internal: z.boolean(),
  containers: z.array(NetworkAttachmentSchema).max(10_000),
});

export const PodContainerSchema = z.object({ id, name, status: z.string().max(64) });

/** A Podman pod from the libpod API (`/libpod/pods/json`). */
export const PodInfoSchema = z.object({
  id,
  name,
  /** Podman's pod status: Running, Degraded, Exited, Created, Stopped, Paused, Dead. */
  status: z.string().max(64),
  infraId: z.string().max(128).optional(),
  createdAt: ts.optional(),
  labels,
  containers: z.array(PodContainerSchema).max(1024),
});

export const InventoryItemSchema = z.object({
  kind: z.literal('inventory'),
  ts,
  engine: EngineRefSchema,
  images: z.array(ImageInfoSchema).max(10_000),
  volumes: z.array(VolumeInfoSchema).max(10_000),
  networks: z.array(NetworkInfoSchema).max(2_000),
  /** Absent for Docker, which has no pods. */
  pods: z.array(PodInfoSchema).max(2_000).optional(),
});

export type ImageInfo = z.infer<typeof ImageInfoSchema>;
export type VolumeInfo = z.infer<typeof VolumeInfoSchema>;
export type NetworkAttachment = z.infer<typeof NetworkAttachmentSchema>;
export type NetworkInfo = z.infer<typeof NetworkInfoSchema>;
export type PodContainer = z.infer<typeof PodContainerSchema>;
export type PodInfo = z.infer<typeof PodInfoSchema>;
export type InventoryItem = z.infer<typeof InventoryItemSchema>;
