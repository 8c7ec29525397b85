/**
 * Pure builders from batch items to table rows, so the writer only sequences statements.
 * @module
 */
import type { ContainerInfo, ContainerStat, EngineRef, HostMetricsItem } from '@unity/shared';
import { containerKey } from '../containers/container-id.js';
import type { containerSamples, containers, hostSamples } from '../db/schema.js';

export type HostSampleRow = typeof hostSamples.$inferInsert;
export type ContainerRow = typeof containers.$inferInsert;
export type ContainerSampleRow = typeof containerSamples.$inferInsert;

/** Loopback traffic is the host talking to itself; counting it would double every proxied byte. */
const countsAsTraffic = (iface: string) => iface !== 'lo';

export function hostSampleRow(hostId: string, seq: number, item: HostMetricsItem): HostSampleRow {
  const net = item.net.filter((n) => countsAsTraffic(n.iface));
  return {
    hostId,
    ts: new Date(item.ts),
    seq,
    cpuPercent: item.cpu.total,
    memoryUsedBytes: item.memory.usedBytes,
    memoryTotalBytes: item.memory.totalBytes,
    swapUsedBytes: item.memory.swapUsedBytes,
    load1: item.load[0],
    load5: item.load[1],
    load15: item.load[2],
    netRxBytesPerSec: net.reduce((s, n) => s + n.rxBytesPerSec, 0),
    netTxBytesPerSec: net.reduce((s, n) => s + n.txBytesPerSec, 0),
    diskReadBytesPerSec: item.diskIo.readBytesPerSec,
    diskWriteBytesPerSec: item.diskIo.writeBytesPerSec,
    uptimeSec: item.uptimeSec,
  };
}

export function containerRow(hostId: string, engine: EngineRef, c: ContainerInfo, ts: number): ContainerRow {
  return {
    id: containerKey(hostId, engine.id, c.id),
    hostId,
    engineId: engine.id,
    engineKind: engine.kind,
    containerId: c.id,
    name: c.name,
    image: c.image,
    state: c.state,
    status: c.status,
    labels: c.labels,
    ports: c.ports,
    composeProject: c.composeProject ?? null,
    composeService: c.composeService ?? null,
    createdAt: c.createdAt ? new Date(c.createdAt) : null,
    updatedAt: new Date(ts),
    removedAt: null,
  };
}

export function containerSampleRow(
  hostId: string,
  engineId: string,
  seq: number,
  ts: number,
  s: ContainerStat,
): ContainerSampleRow {
  return {
    containerId: containerKey(hostId, engineId, s.id),
    ts: new Date(ts),
    seq,
    cpuPercent: s.cpuPercent,
    memoryBytes: s.memoryBytes,
    memoryLimitBytes: s.memoryLimitBytes,
    netRxBytesPerSec: s.netRxBytesPerSec,
    netTxBytesPerSec: s.netTxBytesPerSec,
    blockReadBytesPerSec: s.blockReadBytesPerSec,
    blockWriteBytesPerSec: s.blockWriteBytesPerSec,
    pids: s.pids,
  };
}

/** Splits rows so one statement stays far below PostgreSQL's 65535 bind parameters. */
export function chunks<T>(rows: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
