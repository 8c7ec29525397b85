/**
 * The schema check of the agent's own per-tick samples (`container_stats`, `host_metrics`) and
 * of its container listing (`containers`, every minute and on changes), written out by hand.
 * The scheduler checks every item before storing it (a batch the hub refuses would block the
 * outbox for good); zod's walk of a hundred container stats cost about as much as reading them
 * (issue 3's CPU figure: CPU per container sample), and of a hundred containers with their
 * labels about 2 ms. These kinds are built here from values the agent already sanitised, so the
 * check is plain comparisons. Everything else, and any item this check refuses, still goes
 * through BatchItemSchema (for its error message). sample-check.test.ts holds it to the
 * schema's verdicts.
 * @module
 */
import {
  type BatchItem,
  ContainerStateSchema,
  type ContainerStatsItem,
  type ContainersItem,
  EngineKindSchema,
  type HostMetricsItem,
} from '@unity/shared';

/** `z.number().nonnegative()`: finite and ≥ 0. */
const nonNeg = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** `z.number().min(0).max(100)`. */
const percent = (v: unknown): boolean => nonNeg(v) && (v as number) <= 100;
/** `z.int().positive()` (a safe integer). */
const ts = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0;
const text = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const record = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown, max: number): v is unknown[] => Array.isArray(v) && v.length <= max;
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);
/** `z.int().min(0).max(65535)`. */
const port = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 65535;
const STATES = new Set<unknown>(ContainerStateSchema.options);
const ENGINE_KINDS = new Set<unknown>(EngineKindSchema.options);

/**
 * Whether `item` passes BatchItemSchema, for the kinds above; `undefined` for any other kind
 * (the caller asks zod).
 */
export function checkSample(item: BatchItem): boolean | undefined {
  if (item.kind === 'container_stats') return statsOk(item);
  if (item.kind === 'host_metrics') return hostOk(item);
  if (item.kind === 'containers') return containersOk(item);
  return undefined;
}

function statsOk(item: ContainerStatsItem): boolean {
  if (!ts(item.ts) || !text(item.engineId, 1, 512) || !list(item.stats, 10_000)) return false;
  for (const s of item.stats) {
    if (
      !record(s) ||
      !text(s.id, 1, 128) ||
      !nonNeg(s.cpuPercent) ||
      !nonNeg(s.memoryBytes) ||
      !nonNeg(s.memoryLimitBytes) ||
      !nonNeg(s.netRxBytesPerSec) ||
      !nonNeg(s.netTxBytesPerSec) ||
      !nonNeg(s.blockReadBytesPerSec) ||
      !nonNeg(s.blockWriteBytesPerSec) ||
      !(Number.isSafeInteger(s.pids) && s.pids >= 0)
    )
      return false;
  }
  return true;
}

function hostOk(item: HostMetricsItem): boolean {
  const { cpu, load, memory: m, diskIo } = item;
  if (!ts(item.ts) || !nonNeg(item.uptimeSec)) return false;
  if (!record(cpu) || !percent(cpu.total) || !list(cpu.perCore, 1024) || !cpu.perCore.every(percent))
    return false;
  if (!Array.isArray(load) || load.length !== 3 || !load.every(nonNeg)) return false;
  if (
    !record(m) ||
    !nonNeg(m.totalBytes) ||
    !nonNeg(m.usedBytes) ||
    !nonNeg(m.availableBytes) ||
    !nonNeg(m.swapTotalBytes) ||
    !nonNeg(m.swapUsedBytes)
  )
    return false;
  if (!record(diskIo) || !nonNeg(diskIo.readBytesPerSec) || !nonNeg(diskIo.writeBytesPerSec)) return false;
  if (!list(item.disks, 256)) return false;
  for (const d of item.disks)
    if (
      !record(d) ||
      !text(d.mount, 0, 512) ||
      !text(d.fs, 0, 512) ||
      !nonNeg(d.totalBytes) ||
      !nonNeg(d.usedBytes)
    )
      return false;
  if (!list(item.net, 256)) return false;
  for (const n of item.net)
    if (!record(n) || !text(n.iface, 0, 64) || !nonNeg(n.rxBytesPerSec) || !nonNeg(n.txBytesPerSec))
      return false;
  return true;
}

function containersOk(item: ContainersItem): boolean {
  const { engine } = item;
  if (!ts(item.ts) || !record(engine) || !text(engine.id, 1, 512) || !ENGINE_KINDS.has(engine.kind))
    return false;
  if (!optional(engine.version, (v) => text(v, 0, 64)) || !list(item.containers, 10_000)) return false;
  for (const c of item.containers) {
    if (
      !record(c) ||
      !text(c.id, 1, 128) ||
      !text(c.name, 1, 256) ||
      !text(c.image, 0, 512) ||
      !STATES.has(c.state) ||
      !text(c.status, 0, 512) ||
      !optional(c.createdAt, ts) ||
      !optional(c.composeProject, (v) => text(v, 0, 256)) ||
      !optional(c.composeService, (v) => text(v, 0, 256)) ||
      !record(c.labels) ||
      !list(c.ports, 512)
    )
      return false;
    for (const [key, value] of Object.entries(c.labels))
      if (key.length > 256 || !text(value, 0, 4096)) return false;
    for (const p of c.ports)
      if (
        !record(p) ||
        !port(p.privatePort) ||
        !optional(p.publicPort, port) ||
        !optional(p.ip, (v) => text(v, 0, 64)) ||
        !text(p.protocol, 0, 8)
      )
        return false;
  }
  return true;
}
