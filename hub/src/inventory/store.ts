/**
 * Stores an `inventory` item: it is the full truth for its engine, so that engine's images,
 * volumes, networks and pods on this host are replaced as a whole (deleted, then inserted) inside
 * the batch's transaction. Inventories are sent only when they change, so this is rare and small.
 * @module
 */
import type { InventoryItem } from '@unity/shared';
import { and, eq } from 'drizzle-orm';
import { containerKey } from '../containers/container-id.js';
import type { Db } from '../db/client.js';
import { images, networks, pods, volumes } from '../db/schema.js';
import { chunks } from '../ingest/rows.js';

const msDate = (ms: number | undefined) => (ms ? new Date(ms) : null);

/** Pure: the rows one inventory item becomes. */
export function inventoryRows(hostId: string, item: InventoryItem) {
  const { engine } = item;
  const common = (key: string) => ({
    id: containerKey(hostId, engine.id, key),
    hostId,
    engineId: engine.id,
    engineKind: engine.kind,
    updatedAt: new Date(item.ts),
  });
  return {
    images: item.images.map((i) => ({
      ...common(`image:${i.id}`),
      imageId: i.id,
      tags: i.tags,
      sizeBytes: Math.round(i.sizeBytes),
      createdAt: msDate(i.createdAt),
      dangling: i.dangling,
      containers: i.containers,
    })),
    volumes: item.volumes.map((v) => ({
      ...common(`volume:${v.name}`),
      name: v.name,
      driver: v.driver,
      mountpoint: v.mountpoint,
      sizeBytes: v.sizeBytes ?? null,
      createdAt: msDate(v.createdAt),
      labels: v.labels,
      containers: v.containers,
    })),
    networks: item.networks.map((n) => ({
      ...common(`network:${n.id}`),
      networkId: n.id,
      name: n.name,
      driver: n.driver,
      scope: n.scope ?? null,
      internal: n.internal,
      containers: n.containers,
    })),
    pods: (item.pods ?? []).map((p) => ({
      ...common(`pod:${p.id}`),
      podId: p.id,
      name: p.name,
      status: p.status,
      infraId: p.infraId ?? null,
      createdAt: msDate(p.createdAt),
      labels: p.labels,
      containers: p.containers,
    })),
  };
}

export async function storeInventoryItem(tx: Db, hostId: string, item: InventoryItem): Promise<void> {
  const rows = inventoryRows(hostId, item);
  const engineId = item.engine.id;
  for (const table of [images, volumes, networks, pods])
    await tx.delete(table).where(and(eq(table.hostId, hostId), eq(table.engineId, engineId)));
  // Duplicate keys (an engine listing one object twice) would fail the whole batch: keep the first.
  for (const part of chunks(rows.images)) await tx.insert(images).values(part).onConflictDoNothing();
  for (const part of chunks(rows.volumes)) await tx.insert(volumes).values(part).onConflictDoNothing();
  for (const part of chunks(rows.networks)) await tx.insert(networks).values(part).onConflictDoNothing();
  for (const part of chunks(rows.pods)) await tx.insert(pods).values(part).onConflictDoNothing();
}
