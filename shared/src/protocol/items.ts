/**
 * What an agent reports inside a `batch`: one discriminated union of items, keyed by `kind`.
 * Each item carries the time it was sampled (`ts`, epoch milliseconds on the agent's clock).
 * @module
 */
import * as z from 'zod/mini';
import { ContainerHealthItemSchema, EngineEventsItemSchema } from './container-events.js';
import { EngineKindSchema, EngineRefSchema, PortMappingSchema } from './engine-ref.js';
import { ImageScanItemSchema } from './image-scan-item.js';
import { InventoryItemSchema } from './inventory.js';
import { K8sDeltaItemSchema, K8sSnapshotItemSchema, K8sUsageItemSchema } from './kubernetes.js';
import { LogLinesItemSchema } from './logs.js';
import { ProbeResultItemSchema } from './probe-result.js';

export { EngineKindSchema, EngineRefSchema, PortMappingSchema };

const nonNeg = z.number().check(z.nonnegative());
const ts = z.int().check(z.positive());
const shortText = z.string().check(z.maxLength(512));

export const CpuSchema = z.object({
  /** Busy share of all cores, 0–100. */
  total: z.number().check(z.gte(0), z.lte(100)),
  perCore: z.array(z.number().check(z.gte(0), z.lte(100))).check(z.maxLength(1024)),
});

export const MemorySchema = z.object({
  totalBytes: nonNeg,
  usedBytes: nonNeg,
  availableBytes: nonNeg,
  swapTotalBytes: nonNeg,
  swapUsedBytes: nonNeg,
});

export const DiskUsageSchema = z.object({
  mount: shortText,
  fs: shortText,
  totalBytes: nonNeg,
  usedBytes: nonNeg,
});

export const NetRateSchema = z.object({
  iface: z.string().check(z.maxLength(64)),
  rxBytesPerSec: nonNeg,
  txBytesPerSec: nonNeg,
});

/** Host sample from /proc. Rates are per second over the interval since the previous sample. */
export const HostMetricsItemSchema = z.object({
  kind: z.literal('host_metrics'),
  ts,
  cpu: CpuSchema,
  load: z.tuple([nonNeg, nonNeg, nonNeg]),
  memory: MemorySchema,
  disks: z.array(DiskUsageSchema).check(z.maxLength(256)),
  diskIo: z.object({ readBytesPerSec: nonNeg, writeBytesPerSec: nonNeg }),
  net: z.array(NetRateSchema).check(z.maxLength(256)),
  uptimeSec: nonNeg,
});

export const ContainerStateSchema = z.enum([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
  'unknown',
]);

export const ContainerInfoSchema = z.object({
  /** The engine's full container id. */
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  name: z.string().check(z.minLength(1), z.maxLength(256)),
  image: shortText,
  state: ContainerStateSchema,
  /** The engine's human status line, e.g. "Up 3 minutes". */
  status: shortText,
  createdAt: z.optional(ts),
  labels: z.record(z.string().check(z.maxLength(256)), z.string().check(z.maxLength(4096))),
  ports: z.array(PortMappingSchema).check(z.maxLength(512)),
  composeProject: z.optional(z.string().check(z.maxLength(256))),
  composeService: z.optional(z.string().check(z.maxLength(256))),
});

/**
 * A full inventory of one engine. The hub treats it as the truth: containers it no longer
 * lists are marked removed.
 */
export const ContainersItemSchema = z.object({
  kind: z.literal('containers'),
  ts,
  engine: EngineRefSchema,
  containers: z.array(ContainerInfoSchema).check(z.maxLength(10_000)),
});

export const ContainerStatSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  cpuPercent: nonNeg,
  memoryBytes: nonNeg,
  memoryLimitBytes: nonNeg,
  netRxBytesPerSec: nonNeg,
  netTxBytesPerSec: nonNeg,
  blockReadBytesPerSec: nonNeg,
  blockWriteBytesPerSec: nonNeg,
  pids: z.int().check(z.nonnegative()),
});

export const ContainerStatsItemSchema = z.object({
  kind: z.literal('container_stats'),
  ts,
  engineId: z.string().check(z.minLength(1), z.maxLength(512)),
  stats: z.array(ContainerStatSchema).check(z.maxLength(10_000)),
});

/** The agent's outbox overflowed and dropped batches `fromSeq..toSeq`; the gap is reported, not hidden. */
export const GapItemSchema = z.object({
  kind: z.literal('gap'),
  ts,
  fromSeq: z.int().check(z.positive()),
  toSeq: z.int().check(z.positive()),
  droppedItems: z.int().check(z.nonnegative()),
});

export const BatchItemSchema = z.discriminatedUnion('kind', [
  HostMetricsItemSchema,
  ContainersItemSchema,
  ContainerStatsItemSchema,
  GapItemSchema,
  EngineEventsItemSchema,
  ContainerHealthItemSchema,
  InventoryItemSchema,
  LogLinesItemSchema,
  ImageScanItemSchema,
  ProbeResultItemSchema,
  K8sSnapshotItemSchema,
  K8sDeltaItemSchema,
  K8sUsageItemSchema,
]);

export type HostMetricsItem = z.infer<typeof HostMetricsItemSchema>;
export type EngineRef = z.infer<typeof EngineRefSchema>;
export type EngineKind = z.infer<typeof EngineKindSchema>;
export type ContainerState = z.infer<typeof ContainerStateSchema>;
export type PortMapping = z.infer<typeof PortMappingSchema>;
export type ContainerInfo = z.infer<typeof ContainerInfoSchema>;
export type ContainersItem = z.infer<typeof ContainersItemSchema>;
export type ContainerStat = z.infer<typeof ContainerStatSchema>;
export type ContainerStatsItem = z.infer<typeof ContainerStatsItemSchema>;
export type GapItem = z.infer<typeof GapItemSchema>;
export type BatchItem = z.infer<typeof BatchItemSchema>;
