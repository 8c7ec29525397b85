/**
 * Storing `engine_events` and `container_health` items, inside the batch writer's transaction.
 * Events are inserted with ON CONFLICT DO NOTHING on their identity, so the agent's replay after
 * an engine reconnect (or a batch delivered again under a new seq) adds nothing. Health keeps the
 * latest state per container and appends a history row only when the status or the restart
 * count changed, so the history stays small while a loop or a flapping check stays visible.
 * @module
 */
import type { ContainerHealthItem, EngineEventsItem } from '@unity/shared';
import { inArray, sql } from 'drizzle-orm';
import { containerKey } from '../containers/container-id.js';
import type { Db } from '../db/client.js';
import { containerEvents, containerHealth, containerHealthHistory } from '../db/schema.js';
import { chunks } from '../ingest/rows.js';

/** Stores the events; returns the hub ids of the containers that got new ones. */
export async function storeEngineEvents(
  tx: Db,
  hostId: string,
  seq: number,
  item: EngineEventsItem,
): Promise<Set<string>> {
  const rows = item.events.map((e) => ({
    hostId,
    engineId: item.engineId,
    containerId: e.type === 'container' && e.actorId ? containerKey(hostId, item.engineId, e.actorId) : null,
    actorId: e.actorId,
    type: e.type,
    action: e.action,
    time: new Date(e.time),
    timeNano: e.timeNano,
    attributes: e.attributes,
    seq,
  }));
  const touched = new Set<string>();
  for (const part of chunks(rows)) {
    const inserted = await tx
      .insert(containerEvents)
      .values(part)
      .onConflictDoNothing()
      .returning({ containerId: containerEvents.containerId });
    for (const r of inserted) if (r.containerId) touched.add(r.containerId);
  }
  return touched;
}

type HealthRow = typeof containerHealth.$inferInsert;

/** Upserts the latest health per container and records changes of status or restart count. */
export async function storeContainerHealth(tx: Db, hostId: string, item: ContainerHealthItem): Promise<void> {
  if (item.containers.length === 0) return;
  const checkedAt = new Date(item.ts);
  const rows: HealthRow[] = item.containers.map((h) => ({
    containerId: containerKey(hostId, item.engineId, h.id),
    hostId,
    status: h.status,
    failingStreak: h.failingStreak,
    restartCount: h.restartCount,
    exitCode: h.exitCode,
    oomKilled: h.oomKilled,
    startedAt: h.startedAt ? new Date(h.startedAt) : null,
    finishedAt: h.finishedAt ? new Date(h.finishedAt) : null,
    log: h.log,
    checkedAt,
  }));
  const current = new Map(
    (
      await tx
        .select()
        .from(containerHealth)
        .where(
          inArray(
            containerHealth.containerId,
            rows.map((r) => r.containerId),
          ),
        )
    ).map((r) => [r.containerId, r]),
  );
  // An item older than what is stored (batches may arrive out of order) changes nothing.
  const fresh = rows.filter((r) => {
    const seen = current.get(r.containerId);
    return !seen || seen.checkedAt < checkedAt;
  });
  if (fresh.length === 0) return;
  const changed = fresh.filter((r) => {
    const seen = current.get(r.containerId);
    return !seen || seen.status !== r.status || seen.restartCount !== r.restartCount;
  });
  for (const part of chunks(changed)) {
    await tx.insert(containerHealthHistory).values(
      part.map((r) => ({
        containerId: r.containerId,
        hostId,
        ts: checkedAt,
        status: r.status,
        failingStreak: r.failingStreak,
        restartCount: r.restartCount,
        exitCode: r.exitCode,
        oomKilled: r.oomKilled,
      })),
    );
  }
  for (const part of chunks(fresh)) {
    await tx
      .insert(containerHealth)
      .values(part)
      .onConflictDoUpdate({
        target: containerHealth.containerId,
        set: {
          status: sql`excluded.status`,
          failingStreak: sql`excluded.failing_streak`,
          restartCount: sql`excluded.restart_count`,
          exitCode: sql`excluded.exit_code`,
          oomKilled: sql`excluded.oom_killed`,
          startedAt: sql`excluded.started_at`,
          finishedAt: sql`excluded.finished_at`,
          log: sql`excluded.log`,
          checkedAt: sql`excluded.checked_at`,
        },
      });
  }
}
