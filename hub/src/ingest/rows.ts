/**
 * Pure builders from agent batches to the rows the writer sends, so the writer only sequences
 * statements. Rows are plain JSON-ready objects whose keys are the column aliases of the
 * writer's `json_to_recordset(…) as v(…)`; timestamps are ISO strings, built once per item.
 * @module
 */
import type { BatchFrame, ContainerInfo, EngineRef, HostMetricsItem } from '@unity/shared';
import { assertNever } from '@unity/shared';
import { containerKey } from '../containers/container-id.js';

export type HostSampleRow = {
  h: string;
  t: string;
  q: number;
  cpu: number;
  mu: number;
  mt: number;
  su: number;
  l1: number;
  l5: number;
  l15: number;
  rx: number;
  tx: number;
  dr: number;
  dw: number;
  up: number;
};
export type HostLatestRow = {
  id: string;
  ts: string;
  cpu: number;
  mem: number;
  load1: number;
  up: number;
  latest: Pick<HostMetricsItem, 'cpu' | 'memory' | 'load' | 'disks' | 'net'>;
};
export type ContainerRow = {
  id: string;
  host_id: string;
  engine_id: string;
  engine_kind: EngineRef['kind'];
  container_id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  labels: Record<string, string>;
  ports: ContainerInfo['ports'];
  compose_project: string | null;
  compose_service: string | null;
  created_at: string | null;
  updated_at: string;
};
/** One full inventory: the engine's containers not in `ids` are marked removed at `ts`. */
export type InventoryRow = { host_id: string; engine_id: string; ts: string; ids: string[] };
export type ContainerSampleRow = {
  c: string;
  t: string;
  q: number;
  cpu: number;
  mem: number;
  lim: number;
  rx: number;
  tx: number;
  br: number;
  bw: number;
  p: number;
};
export type ContainerLatestRow = Pick<ContainerSampleRow, 'c' | 't' | 'cpu' | 'mem' | 'lim'>;
export type GapRow = { agentId: string; fromSeq: number; toSeq: number; droppedItems: number };

export type GroupRows = {
  containers: ContainerRow[];
  inventories: InventoryRow[];
  hostSamples: HostSampleRow[];
  hostLatest: HostLatestRow[];
  containerSamples: ContainerSampleRow[];
  containerLatest: ContainerLatestRow[];
  gaps: GapRow[];
};

/** Loopback traffic is the host talking to itself; counting it would double every proxied byte. */
const countsAsTraffic = (iface: string) => iface !== 'lo';

/** Throws a RangeError on a time no Date can hold, which fails (and rolls back) the batch. */
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Container ids are sha256-derived and every sample needs one: the hub sees the same few per
 * agent every interval, so they are remembered (bounded, dropped wholesale when full).
 */
const keyCache = new Map<string, string>();
const KEY_CACHE_MAX = 200_000;
function cachedKey(hostId: string, engineId: string, containerId: string): string {
  const k = `${hostId}\n${engineId}\n${containerId}`;
  let v = keyCache.get(k);
  if (v === undefined) {
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    v = containerKey(hostId, engineId, containerId);
    keyCache.set(k, v);
  }
  return v;
}

export function hostSampleRow(hostId: string, seq: number, item: HostMetricsItem): HostSampleRow {
  let rx = 0;
  let tx = 0;
  for (const n of item.net) {
    if (!countsAsTraffic(n.iface)) continue;
    rx += n.rxBytesPerSec;
    tx += n.txBytesPerSec;
  }
  return {
    h: hostId,
    t: iso(item.ts),
    q: seq,
    cpu: item.cpu.total,
    mu: item.memory.usedBytes,
    mt: item.memory.totalBytes,
    su: item.memory.swapUsedBytes,
    l1: item.load[0],
    l5: item.load[1],
    l15: item.load[2],
    rx,
    tx,
    dr: item.diskIo.readBytesPerSec,
    dw: item.diskIo.writeBytesPerSec,
    up: item.uptimeSec,
  };
}

export function containerRow(hostId: string, engine: EngineRef, c: ContainerInfo, ts: string): ContainerRow {
  return {
    id: cachedKey(hostId, engine.id, c.id),
    host_id: hostId,
    engine_id: engine.id,
    engine_kind: engine.kind,
    container_id: c.id,
    name: c.name,
    image: c.image,
    state: c.state,
    status: c.status,
    labels: c.labels,
    ports: c.ports,
    compose_project: c.composeProject ?? null,
    compose_service: c.composeService ?? null,
    created_at: c.createdAt ? iso(c.createdAt) : null,
    updated_at: ts,
  };
}

/** Rows for batches of distinct agents, in item order (a later inventory or sample wins). */
export function groupRows(batches: { agentId: string; batch: BatchFrame }[]): GroupRows {
  const out: GroupRows = {
    containers: [],
    inventories: [],
    hostSamples: [],
    hostLatest: [],
    containerSamples: [],
    containerLatest: [],
    gaps: [],
  };
  // Keyed by container id / (host, engine) / host: one row each, as UPDATE … FROM and
  // INSERT … ON CONFLICT DO UPDATE need; the newest (or, for inventories, the last) wins.
  const containers = new Map<string, ContainerRow>();
  const inventories = new Map<string, InventoryRow>();
  const hostLatest = new Map<string, HostLatestRow>();
  const containerLatest = new Map<string, ContainerLatestRow>();
  for (const { agentId, batch } of batches) {
    const seq = batch.seq;
    for (const item of batch.items) {
      switch (item.kind) {
        case 'host_metrics': {
          const row = hostSampleRow(agentId, seq, item);
          out.hostSamples.push(row);
          const seen = hostLatest.get(agentId);
          if (!seen || seen.ts < row.t)
            hostLatest.set(agentId, {
              id: agentId,
              ts: row.t,
              cpu: row.cpu,
              mem: row.mu,
              load1: row.l1,
              up: row.up,
              latest: {
                cpu: item.cpu,
                memory: item.memory,
                load: item.load,
                disks: item.disks,
                net: item.net,
              },
            });
          break;
        }
        case 'containers': {
          const ts = iso(item.ts);
          const ids: string[] = [];
          for (const c of item.containers) {
            const row = containerRow(agentId, item.engine, c, ts);
            containers.set(row.id, row);
            ids.push(row.id);
          }
          inventories.set(`${agentId}\n${item.engine.id}`, {
            host_id: agentId,
            engine_id: item.engine.id,
            ts,
            ids,
          });
          break;
        }
        case 'container_stats': {
          const t = iso(item.ts);
          for (const s of item.stats) {
            const row: ContainerSampleRow = {
              c: cachedKey(agentId, item.engineId, s.id),
              t,
              q: seq,
              cpu: s.cpuPercent,
              mem: s.memoryBytes,
              lim: s.memoryLimitBytes,
              rx: s.netRxBytesPerSec,
              tx: s.netTxBytesPerSec,
              br: s.blockReadBytesPerSec,
              bw: s.blockWriteBytesPerSec,
              p: s.pids,
            };
            out.containerSamples.push(row);
            const seen = containerLatest.get(row.c);
            if (!seen || seen.t < t)
              containerLatest.set(row.c, { c: row.c, t, cpu: row.cpu, mem: row.mem, lim: row.lim });
          }
          break;
        }
        case 'gap':
          out.gaps.push({
            agentId,
            fromSeq: item.fromSeq,
            toSeq: item.toSeq,
            droppedItems: item.droppedItems,
          });
          break;
        case 'engine_events':
        case 'container_health':
        case 'inventory':
        case 'log_lines':
        case 'image_scan':
        case 'probe_result':
        case 'k8s_snapshot':
        case 'k8s_delta':
        case 'k8s_usage':
          // Stored item by item by their own modules (writer.ts, writeOtherItems).
          break;
        default:
          assertNever(item);
      }
    }
  }
  out.containers = [...containers.values()];
  out.inventories = [...inventories.values()];
  out.hostLatest = [...hostLatest.values()];
  out.containerLatest = [...containerLatest.values()];
  return out;
}

/** Splits rows so one statement stays far below PostgreSQL's 65535 bind parameters. */
export function chunks<T>(rows: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
