/**
 * The batched writer: stores one agent batch and the agent's seq high-water mark in ONE
 * transaction. The hwm is advanced first (`… WHERE last_seq < seq`), which both locks the agent
 * row and makes a replayed or concurrently delivered seq a no-op: nothing is stored twice.
 * @module
 */
import type { BatchFrame, ContainerStatsItem, ContainersItem, GapItem, HostMetricsItem } from '@unity/shared';
import { assertNever } from '@unity/shared';
import { and, eq, isNull, lt, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { agents, containerSamples, containers, hostSamples, hosts } from '../db/schema.js';
import { storeContainerHealth, storeEngineEvents } from '../events/store.js';
import { storeInventoryItem } from '../inventory/store.js';
import type { Logger } from '../log.js';
import { storeLogLines } from '../logs/log-store.js';
import { saveScan } from '../scans/scan-store.js';
import { chunks, containerRow, containerSampleRow, hostSampleRow } from './rows.js';

export type StoreOutcome = {
  stored: boolean;
  /** Hub ids of the containers that got new events (for the live bus). */
  eventContainers?: string[];
};

/** Stores a batch for `agentId` (= its host id); `stored: false` when its seq was already stored. */
export async function storeBatch(
  db: Db,
  agentId: string,
  batch: BatchFrame,
  log: Logger,
): Promise<StoreOutcome> {
  return db.transaction(async (tx) => {
    const advanced = await tx
      .update(agents)
      .set({ lastSeq: batch.seq, lastSeenAt: new Date() })
      .where(and(eq(agents.id, agentId), lt(agents.lastSeq, batch.seq)))
      .returning({ id: agents.id });
    if (advanced.length === 0) return { stored: false };

    const hostMetrics: HostMetricsItem[] = [];
    const stats: ContainerStatsItem[] = [];
    const eventContainers = new Set<string>();
    for (const item of batch.items) {
      switch (item.kind) {
        case 'host_metrics':
          hostMetrics.push(item);
          break;
        case 'containers':
          await storeInventory(tx, agentId, item);
          break;
        case 'container_stats':
          stats.push(item);
          break;
        case 'gap':
          await recordGap(tx, agentId, item, log);
          break;
        case 'engine_events':
          for (const id of await storeEngineEvents(tx, agentId, batch.seq, item)) eventContainers.add(id);
          break;
        case 'container_health':
          await storeContainerHealth(tx, agentId, item);
          break;
        case 'inventory':
          await storeInventoryItem(tx, agentId, item);
          break;
        case 'log_lines':
          await storeLogLines(tx, agentId, batch.seq, item);
          break;
        case 'image_scan':
          await saveScan(tx, agentId, item.scan);
          break;
        default:
          assertNever(item);
      }
    }
    await storeHostMetrics(tx, agentId, batch.seq, hostMetrics);
    await storeContainerStats(tx, agentId, batch.seq, stats);
    return eventContainers.size > 0
      ? { stored: true, eventContainers: [...eventContainers] }
      : { stored: true };
  });
}

async function storeHostMetrics(
  tx: Db,
  hostId: string,
  seq: number,
  items: HostMetricsItem[],
): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((i) => hostSampleRow(hostId, seq, i));
  for (const part of chunks(rows)) await tx.insert(hostSamples).values(part).onConflictDoNothing();
  const latest = items.reduce((a, b) => (b.ts > a.ts ? b : a));
  const row = hostSampleRow(hostId, seq, latest);
  await tx
    .update(hosts)
    .set({
      sampledAt: row.ts,
      cpuPercent: row.cpuPercent,
      memoryUsedBytes: row.memoryUsedBytes,
      load1: row.load1,
      uptimeSec: row.uptimeSec,
      latest: {
        cpu: latest.cpu,
        memory: latest.memory,
        load: latest.load,
        disks: latest.disks,
        net: latest.net,
      },
    })
    .where(and(eq(hosts.id, hostId), or(isNull(hosts.sampledAt), lt(hosts.sampledAt, row.ts))));
}

/** A full inventory of one engine: upsert what it lists, mark the rest of that engine removed. */
async function storeInventory(tx: Db, hostId: string, item: ContainersItem): Promise<void> {
  const rows = item.containers.map((c) => containerRow(hostId, item.engine, c, item.ts));
  for (const part of chunks(rows)) {
    await tx
      .insert(containers)
      .values(part)
      .onConflictDoUpdate({
        target: containers.id,
        set: {
          engineKind: sql`excluded.engine_kind`,
          name: sql`excluded.name`,
          image: sql`excluded.image`,
          state: sql`excluded.state`,
          status: sql`excluded.status`,
          labels: sql`excluded.labels`,
          ports: sql`excluded.ports`,
          composeProject: sql`excluded.compose_project`,
          composeService: sql`excluded.compose_service`,
          createdAt: sql`excluded.created_at`,
          updatedAt: sql`excluded.updated_at`,
          removedAt: null,
        },
      });
  }
  await tx
    .update(containers)
    .set({ removedAt: new Date(item.ts), updatedAt: new Date(item.ts) })
    .where(
      and(
        eq(containers.hostId, hostId),
        eq(containers.engineId, item.engine.id),
        isNull(containers.removedAt),
        notInArray(
          containers.id,
          rows.map((r) => r.id),
        ),
      ),
    );
}

async function storeContainerStats(
  tx: Db,
  hostId: string,
  seq: number,
  items: ContainerStatsItem[],
): Promise<void> {
  const rows = items.flatMap((i) => i.stats.map((s) => containerSampleRow(hostId, i.engineId, seq, i.ts, s)));
  if (rows.length === 0) return;
  for (const part of chunks(rows)) await tx.insert(containerSamples).values(part).onConflictDoNothing();
  // One update row per container (its newest sample): UPDATE … FROM picks arbitrarily among duplicates.
  const newest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const seen = newest.get(r.containerId);
    if (!seen || seen.ts < r.ts) newest.set(r.containerId, r);
  }
  for (const part of chunks([...newest.values()])) {
    const values = sql.join(
      part.map(
        (r) =>
          sql`(${r.containerId}::text, ${r.ts.toISOString()}::timestamptz, ${r.cpuPercent}::float8, ${r.memoryBytes}::float8, ${r.memoryLimitBytes}::float8)`,
      ),
      sql`, `,
    );
    // Latest wins per container; an older sample never overwrites a newer one.
    await tx.execute(sql`
      update containers c set stats_at = v.ts, cpu_percent = v.cpu, memory_bytes = v.mem, memory_limit_bytes = v.lim
      from (values ${values}) as v(id, ts, cpu, mem, lim)
      where c.id = v.id and (c.stats_at is null or c.stats_at < v.ts)`);
  }
}

async function recordGap(tx: Db, agentId: string, gap: GapItem, log: Logger): Promise<void> {
  log.warn(
    { agentId, fromSeq: gap.fromSeq, toSeq: gap.toSeq, droppedItems: gap.droppedItems },
    'agent reported a gap: its outbox overflowed and dropped batches',
  );
  await tx
    .update(agents)
    .set({
      gapCount: sql`${agents.gapCount} + 1`,
      droppedItems: sql`${agents.droppedItems} + ${gap.droppedItems}`,
    })
    .where(eq(agents.id, agentId));
}
