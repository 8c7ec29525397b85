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
import * as z from 'zod/mini';
import { EngineRefSchema, PortMappingSchema } from './engine-ref.js';

const ts = z.int().check(z.positive());
const id = z.string().check(z.minLength(1), z.maxLength(128));
const name = z.string().check(z.maxLength(256));
const labels = z.record(z.string().check(z.maxLength(256)), z.string().check(z.maxLength(4096)));
/** Container ids (the engine's) that use an object. */
const users = z.array(id).check(z.maxLength(10_000));

export const ImageInfoSchema = z.object({
  /** The engine's image id, e.g. `sha256:…`. */
  id,
  /** `repo:tag` names; empty for a dangling image. */
  tags: z.array(z.string().check(z.maxLength(512))).check(z.maxLength(256)),
  sizeBytes: z.number().check(z.nonnegative()),
  createdAt: z.optional(ts),
  /** No tag left (`<none>:<none>`): superseded by a newer build of the same name. */
  dangling: z.boolean(),
  containers: users,
});

export const VolumeInfoSchema = z.object({
  name,
  driver: z.string().check(z.maxLength(128)),
  mountpoint: z.string().check(z.maxLength(4096)),
  /** Only where the engine reports it (`/system/df`); absent, not 0, when unknown. */
  sizeBytes: z.optional(z.number().check(z.nonnegative())),
  createdAt: z.optional(ts),
  labels,
  containers: users,
});

export const NetworkAttachmentSchema = z.object({
  id,
  name,
  ipv4: z.optional(z.string().check(z.maxLength(64))),
  ports: z.array(PortMappingSchema).check(z.maxLength(512)),
});

export const NetworkInfoSchema = z.object({
  id,
  name,
  driver: z.string().check(z.maxLength(128)),
  scope: z.optional(z.string().check(z.maxLength(64))),
  internal: z.boolean(),
  containers: z.array(NetworkAttachmentSchema).check(z.maxLength(10_000)),
});

export const PodContainerSchema = z.object({ id, name, status: z.string().check(z.maxLength(64)) });

/** A Podman pod from the libpod API (`/libpod/pods/json`). */
export const PodInfoSchema = z.object({
  id,
  name,
  /** Podman's pod status: Running, Degraded, Exited, Created, Stopped, Paused, Dead. */
  status: z.string().check(z.maxLength(64)),
  infraId: z.optional(z.string().check(z.maxLength(128))),
  createdAt: z.optional(ts),
  labels,
  containers: z.array(PodContainerSchema).check(z.maxLength(1024)),
});

export const InventoryItemSchema = z.object({
  kind: z.literal('inventory'),
  ts,
  engine: EngineRefSchema,
  images: z.array(ImageInfoSchema).check(z.maxLength(10_000)),
  volumes: z.array(VolumeInfoSchema).check(z.maxLength(10_000)),
  networks: z.array(NetworkInfoSchema).check(z.maxLength(2_000)),
  /** Absent for Docker, which has no pods. */
  pods: z.optional(z.array(PodInfoSchema).check(z.maxLength(2_000))),
});

export type ImageInfo = z.infer<typeof ImageInfoSchema>;
export type VolumeInfo = z.infer<typeof VolumeInfoSchema>;
export type NetworkAttachment = z.infer<typeof NetworkAttachmentSchema>;
export type NetworkInfo = z.infer<typeof NetworkInfoSchema>;
export type PodContainer = z.infer<typeof PodContainerSchema>;
export type PodInfo = z.infer<typeof PodInfoSchema>;
export type InventoryItem = z.infer<typeof InventoryItemSchema>;
