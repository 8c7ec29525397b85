/**
 * The batched writer: stores agent batches and each agent's seq high-water mark in ONE
 * transaction. The hwms are advanced first (`… WHERE last_seq < seq`), which both locks the
 * agent rows and makes a replayed or concurrently delivered seq a no-op: nothing is stored twice.
 *
 * Several agents' batches share the transaction (group commit, see group-commit.ts), and every
 * table gets ONE statement per transaction whatever the number of batches: the rows travel as a
 * single JSON parameter unpacked by `json_to_recordset`, so the statement text is constant (the
 * server plans it once per connection) and the hub builds no query per row. The same SQL runs on
 * PGlite and PostgreSQL.
 * @module
 */
import type { BatchFrame, ProbeResultItem } from '@unity/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/client.js';
import { storeContainerHealth, storeEngineEvents } from '../events/store.js';
import { storeInventoryItem } from '../inventory/store.js';
import { storeK8sDelta, storeK8sSnapshot, storeK8sUsage } from '../k8s/store.js';
import type { Logger } from '../log.js';
import { storeLogLines } from '../logs/log-store.js';
import { storeProbeResults } from '../probes/result-store.js';
import { storeScrapedSeries } from '../probes/scrape-store.js';
import { saveScan } from '../scans/scan-store.js';
import { type GroupRows, groupRows } from './rows.js';

export type StoreOutcome = {
  stored: boolean;
  /** Hub ids of the containers that got new events (for the live bus). */
  eventContainers?: string[];
};

/**
 * `pipeline`: send the independent sample statements without waiting for each answer (postgres.js
 * pipelines them on the transaction's connection): one round trip instead of four, which under
 * CPU contention is most of a small group's latency. Off for PGlite, which has no round trips.
 */
export type WriteOptions = { pipeline?: boolean };

/** One agent's batch; `agentId` is also its host id. */
export type PendingBatch = { agentId: string; batch: BatchFrame };

/** Stores a batch for `agentId`; `stored: false` when its seq was already stored. */
export async function storeBatch(
  db: Db,
  agentId: string,
  batch: BatchFrame,
  log: Logger,
): Promise<StoreOutcome> {
  const [outcome] = await storeBatches(db, [{ agentId, batch }], log);
  return outcome as StoreOutcome;
}

/**
 * Stores batches of DISTINCT agents in one transaction (all or nothing), one outcome per batch
 * in order. Two batches of one agent would race for its hwm row; the caller keeps them apart.
 */
export async function storeBatches(
  db: Db,
  pending: PendingBatch[],
  log: Logger,
  options: WriteOptions = {},
): Promise<StoreOutcome[]> {
  if (pending.length === 0) return [];
  return db.transaction(async (tx) => {
    const hwm = JSON.stringify(pending.map((p) => ({ id: p.agentId, seq: p.batch.seq })));
    const advanced = new Set(
      rowsOf<{ id: string }>(
        await tx.execute(sql`
          update agents a set last_seq = v.seq, last_seen_at = now()
          from json_to_recordset(${hwm}::json) as v(id uuid, seq bigint)
          where a.id = v.id and a.last_seq < v.seq
          returning a.id::text as id`),
      ).map((r) => r.id),
    );
    const fresh = pending.filter((p) => advanced.has(p.agentId));
    if (fresh.length > 0) await writeRows(tx, groupRows(fresh), log, options);
    const events = new Map<string, string[]>();
    for (const p of fresh) {
      const touched = await writeOtherItems(tx, p);
      if (touched.length > 0) events.set(p.agentId, touched);
    }
    return pending.map((p): StoreOutcome => {
      if (!advanced.has(p.agentId)) return { stored: false };
      const eventContainers = events.get(p.agentId);
      return eventContainers ? { stored: true, eventContainers } : { stored: true };
    });
  });
}

/** Inventory first and awaited: the latest-stats update only touches containers that exist. */
async function writeRows(tx: Db, rows: GroupRows, log: Logger, options: WriteOptions): Promise<void> {
  if (rows.containers.length > 0) {
    await tx.execute(sql`
      insert into containers (id, host_id, engine_id, engine_kind, container_id, name, image, state, status,
        labels, ports, compose_project, compose_service, created_at, updated_at, removed_at)
      select v.id, v.host_id, v.engine_id, v.engine_kind, v.container_id, v.name, v.image, v.state, v.status,
        v.labels, v.ports, v.compose_project, v.compose_service, v.created_at, v.updated_at, null
      from json_to_recordset(${JSON.stringify(rows.containers)}::json) as v(id text, host_id uuid,
        engine_id text, engine_kind text, container_id text, name text, image text, state text, status text,
        labels jsonb, ports jsonb, compose_project text, compose_service text, created_at timestamptz,
        updated_at timestamptz)
      on conflict (id) do update set engine_kind = excluded.engine_kind, name = excluded.name,
        image = excluded.image, state = excluded.state, status = excluded.status, labels = excluded.labels,
        ports = excluded.ports, compose_project = excluded.compose_project,
        compose_service = excluded.compose_service, created_at = excluded.created_at,
        updated_at = excluded.updated_at, removed_at = null`);
    // A full inventory is the truth for its engine: whatever it no longer lists is removed.
    await tx.execute(sql`
      update containers c set removed_at = v.ts, updated_at = v.ts
      from json_to_recordset(${JSON.stringify(rows.inventories)}::json) as v(host_id uuid, engine_id text,
        ts timestamptz, ids jsonb)
      where c.host_id = v.host_id and c.engine_id = v.engine_id and c.removed_at is null
        and not v.ids @> to_jsonb(c.id)`);
  }
  // From here on the statements touch different tables or columns: any order is right.
  const statements: SQL[] = [];
  if (rows.hostSamples.length > 0) {
    statements.push(sql`
      insert into host_samples (host_id, ts, seq, cpu_percent, memory_used_bytes, memory_total_bytes,
        swap_used_bytes, load1, load5, load15, net_rx_bytes_per_sec, net_tx_bytes_per_sec,
        disk_read_bytes_per_sec, disk_write_bytes_per_sec, uptime_sec)
      select * from json_to_recordset(${JSON.stringify(rows.hostSamples)}::json) as v(h uuid, t timestamptz,
        q bigint, cpu float8, mu float8, mt float8, su float8, l1 float8, l5 float8, l15 float8, rx float8,
        tx float8, dr float8, dw float8, up float8)
      on conflict do nothing`);
    // Latest wins per host; an older sample never overwrites a newer one.
    statements.push(sql`
      update hosts h set sampled_at = v.ts, cpu_percent = v.cpu, memory_used_bytes = v.mem, load1 = v.load1,
        uptime_sec = v.up, latest = v.latest
      from json_to_recordset(${JSON.stringify(rows.hostLatest)}::json) as v(id uuid, ts timestamptz,
        cpu float8, mem float8, load1 float8, up float8, latest jsonb)
      where h.id = v.id and (h.sampled_at is null or h.sampled_at < v.ts)`);
  }
  if (rows.containerSamples.length > 0) {
    statements.push(sql`
      insert into container_samples (container_id, ts, seq, cpu_percent, memory_bytes, memory_limit_bytes,
        net_rx_bytes_per_sec, net_tx_bytes_per_sec, block_read_bytes_per_sec, block_write_bytes_per_sec, pids)
      select * from json_to_recordset(${JSON.stringify(rows.containerSamples)}::json) as v(c text,
        t timestamptz, q bigint, cpu float8, mem float8, lim float8, rx float8, tx float8, br float8,
        bw float8, p int)
      on conflict do nothing`);
    // One row per container (its newest sample): UPDATE … FROM picks arbitrarily among duplicates.
    statements.push(sql`
      update containers c set stats_at = v.t, cpu_percent = v.cpu, memory_bytes = v.mem,
        memory_limit_bytes = v.lim
      from json_to_recordset(${JSON.stringify(rows.containerLatest)}::json) as v(c text, t timestamptz,
        cpu float8, mem float8, lim float8)
      where c.id = v.c and (c.stats_at is null or c.stats_at < v.t)`);
  }
  for (const gap of rows.gaps) {
    log.warn(gap, 'agent reported a gap: its outbox overflowed and dropped batches');
  }
  if (rows.gaps.length > 0) {
    statements.push(sql`
      update agents a set gap_count = a.gap_count + v.n, dropped_items = a.dropped_items + v.dropped
      from (select g.id, count(*)::int as n, sum(g.dropped)::bigint as dropped
        from json_to_recordset(${JSON.stringify(rows.gaps.map((g) => ({ id: g.agentId, dropped: g.droppedItems })))}::json)
          as g(id uuid, dropped bigint) group by g.id) as v
      where a.id = v.id`);
  }
  if (!options.pipeline) {
    for (const statement of statements) await tx.execute(statement);
    return;
  }
  // Every answer is awaited (no unhandled rejection); the first failure fails the transaction.
  const settled = await Promise.allSettled(statements.map((statement) => tx.execute(statement)));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The item kinds that are rare next to samples (events, health, inventories, shipped logs,
 * scans), each stored by its own module, after the containers they may refer to. Returns the
 * hub ids of the containers that got new events.
 */
async function writeOtherItems(tx: Db, { agentId, batch }: PendingBatch): Promise<string[]> {
  const eventContainers = new Set<string>();
  const probeResults: ProbeResultItem[] = [];
  for (const item of batch.items) {
    switch (item.kind) {
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
      case 'probe_result':
        probeResults.push(item);
        break;
      case 'k8s_snapshot':
        await storeK8sSnapshot(tx, agentId, item);
        break;
      case 'k8s_delta':
        await storeK8sDelta(tx, agentId, item);
        break;
      case 'k8s_usage':
        await storeK8sUsage(tx, agentId, item);
        break;
      default:
        // Samples, container listings and gaps: written by writeRows for the whole group.
        break;
    }
  }
  // One statement for all of a batch's probe results (an agent with many probes sends many).
  await storeProbeResults(tx, agentId, batch.seq, probeResults);
  // Prometheus scrape results carry their selected series (generic series store).
  await storeScrapedSeries(tx, agentId, probeResults);
  return [...eventContainers];
}
