/**
 * Container stats arithmetic: a snapshot of the counters in one Docker-compatible stats answer,
 * and the per-second figures between two snapshots of the same container taken by this agent
 * (never the engine's own `precpu_stats`, which a one-shot answer leaves empty).
 * @module
 */
import type { ContainerStat } from '@unity/shared';

/** The parts of `GET /containers/{id}/stats` the agent reads; every field may be missing. */
export type RawStats = {
  read?: string;
  pids_stats?: { current?: number };
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null };
};

export type StatSnapshot = {
  atMs: number;
  cpuTotalNs: number;
  systemCpuNs: number | undefined;
  onlineCpus: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
};

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/**
 * Reads the counters; `fallbackMs` is the agent's clock when the answer carries no usable time.
 * `systemCpu: false` ignores `system_cpu_usage`: Podman (4.x on cgroup v1, seen here) fills it
 * with the host's busy time only, not its total time, which inflates the share several-fold on
 * an idle host; the wall-clock formula is right for it.
 */
export function snapshot(raw: RawStats, fallbackMs: number, { systemCpu = true } = {}): StatSnapshot {
  const read = raw.read ? Date.parse(raw.read) : Number.NaN;
  const cpu = raw.cpu_stats ?? {};
  const mem = raw.memory_stats ?? {};
  // As `docker stats` does: page cache that can be reclaimed is not the container's memory.
  const cache = mem.stats?.inactive_file ?? mem.stats?.total_inactive_file ?? mem.stats?.cache ?? 0;
  const usage = num(mem.usage);
  let netRx = 0;
  let netTx = 0;
  for (const n of Object.values(raw.networks ?? {})) {
    netRx += num(n.rx_bytes);
    netTx += num(n.tx_bytes);
  }
  let blockRead = 0;
  let blockWrite = 0;
  for (const entry of raw.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op?.toLowerCase();
    if (op === 'read') blockRead += num(entry.value);
    else if (op === 'write') blockWrite += num(entry.value);
  }
  return {
    // Podman and Docker stamp each answer; years before 2000 mean "unset" (Go's zero time).
    atMs: Number.isFinite(read) && read > 946_684_800_000 ? read : fallbackMs,
    cpuTotalNs: num(cpu.cpu_usage?.total_usage),
    systemCpuNs:
      systemCpu && cpu.system_cpu_usage && cpu.system_cpu_usage > 0 ? cpu.system_cpu_usage : undefined,
    onlineCpus: num(cpu.online_cpus) || cpu.cpu_usage?.percpu_usage?.length || 1,
    memoryBytes: cache > 0 && cache < usage ? usage - cache : usage,
    memoryLimitBytes: num(mem.limit),
    netRx,
    netTx,
    blockRead,
    blockWrite,
    pids: Math.floor(num(raw.pids_stats?.current)),
  };
}

/**
 * One entry of Podman's bulk `GET /libpod/containers/stats?stream=false` (every running
 * container in one answer). `SystemNano` is the wall-clock time of the reading, in ns.
 */
export type RawLibpodStats = {
  ContainerID?: string;
  PerCPU?: number[] | null;
  CPUNano?: number;
  SystemNano?: number;
  MemUsage?: number;
  MemLimit?: number;
  NetInput?: number;
  NetOutput?: number;
  BlockInput?: number;
  BlockOutput?: number;
  PIDs?: number;
};

/**
 * The same counters from a libpod entry. Podman fills the compatible answer from these very
 * fields, so the figures match `snapshot` of that answer (CPU by wall-clock time, as there).
 */
export function libpodSnapshot(raw: RawLibpodStats, fallbackMs: number): StatSnapshot {
  const atMs = num(raw.SystemNano) / 1e6;
  return {
    atMs: atMs > 946_684_800_000 ? atMs : fallbackMs,
    cpuTotalNs: num(raw.CPUNano),
    systemCpuNs: undefined,
    onlineCpus: raw.PerCPU?.length || 1,
    memoryBytes: num(raw.MemUsage),
    memoryLimitBytes: num(raw.MemLimit),
    netRx: num(raw.NetInput),
    netTx: num(raw.NetOutput),
    blockRead: num(raw.BlockInput),
    blockWrite: num(raw.BlockOutput),
    pids: Math.floor(num(raw.PIDs)),
  };
}

/** CPU % (100 = one full core, as `docker stats`); 0 on the first snapshot or a counter reset. */
export function cpuPercent(prev: StatSnapshot | undefined, next: StatSnapshot): number {
  if (!prev) return 0;
  const cpuDelta = next.cpuTotalNs - prev.cpuTotalNs;
  if (cpuDelta <= 0) return 0;
  let percent: number;
  if (
    prev.systemCpuNs !== undefined &&
    next.systemCpuNs !== undefined &&
    next.systemCpuNs > prev.systemCpuNs
  ) {
    percent = (cpuDelta / (next.systemCpuNs - prev.systemCpuNs)) * next.onlineCpus * 100;
  } else {
    // No (usable) system counter, as on Podman: the wall-clock time is the whole machine's time
    // per CPU, so the share of `online` CPUs is cpuDelta / (wallNs × online) × online.
    const wallNs = (next.atMs - prev.atMs) * 1e6;
    if (wallNs <= 0) return 0;
    percent = (cpuDelta / wallNs) * 100;
  }
  return Math.round(Math.min(percent, next.onlineCpus * 100) * 100) / 100;
}

/** Bytes per second between two counter readings; 0 when the counter went back (a restart). */
export function ratePerSec(prev: number | undefined, next: number, seconds: number): number {
  if (prev === undefined || seconds <= 0 || next < prev) return 0;
  return Math.round(((next - prev) / seconds) * 100) / 100;
}

/** The stat the agent reports for one container from two consecutive snapshots. */
export function containerStat(id: string, prev: StatSnapshot | undefined, next: StatSnapshot): ContainerStat {
  const seconds = prev ? (next.atMs - prev.atMs) / 1000 : 0;
  return {
    id,
    cpuPercent: cpuPercent(prev, next),
    memoryBytes: next.memoryBytes,
    memoryLimitBytes: next.memoryLimitBytes,
    netRxBytesPerSec: ratePerSec(prev?.netRx, next.netRx, seconds),
    netTxBytesPerSec: ratePerSec(prev?.netTx, next.netTx, seconds),
    blockReadBytesPerSec: ratePerSec(prev?.blockRead, next.blockRead, seconds),
    blockWriteBytesPerSec: ratePerSec(prev?.blockWrite, next.blockWrite, seconds),
    pids: next.pids,
  };
}
