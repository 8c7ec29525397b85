/**
 * Inventory objects as the API shows them, with the flags a user acts on: `unused` images and
 * networks, `orphaned` volumes. Stacks are grouped from the containers list (see groupStacks).
 * @module
 */
import {
  groupStacks,
  type Image,
  type InventoryQuery,
  type Network,
  type Pod,
  type Stack,
  type Volume,
} from '@unity/shared';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { listContainers } from '../containers/container-views.js';
import type { Db } from '../db/client.js';
import { images, networks, pods, volumes } from '../db/schema.js';

type Table = typeof images | typeof volumes | typeof networks | typeof pods;

function whereOf(table: Table, q: InventoryQuery): SQL | undefined {
  const conditions = [
    ...(q.host ? [eq(table.hostId, q.host)] : []),
    ...(q.engine ? [eq(table.engineKind, q.engine)] : []),
  ];
  return conditions.length > 0 ? and(...conditions) : undefined;
}

const common = (r: {
  id: string;
  hostId: string;
  engineId: string;
  engineKind: 'docker' | 'podman';
  updatedAt: Date;
}) => ({
  id: r.id,
  hostId: r.hostId,
  engineId: r.engineId,
  engineKind: r.engineKind,
  updatedAt: r.updatedAt.getTime(),
});

export async function listStacks(
  db: Db,
  q: InventoryQuery & { name?: string | undefined },
): Promise<Stack[]> {
  const stacks = groupStacks(await listContainers(db, q.host));
  return stacks.filter((s) => (!q.engine || s.engineKind === q.engine) && (!q.name || s.name === q.name));
}

export async function listImages(
  db: Db,
  q: InventoryQuery & { unused?: boolean | undefined },
): Promise<Image[]> {
  const rows = await db.select().from(images).where(whereOf(images, q)).orderBy(asc(images.imageId));
  return rows
    .map((r) => ({
      ...common(r),
      imageId: r.imageId,
      tags: r.tags,
      sizeBytes: r.sizeBytes,
      createdAt: r.createdAt?.getTime() ?? null,
      dangling: r.dangling,
      containers: r.containers,
      unused: r.containers.length === 0,
    }))
    .filter((i) => q.unused === undefined || i.unused === q.unused);
}

export async function listVolumes(
  db: Db,
  q: InventoryQuery & { orphaned?: boolean | undefined },
): Promise<Volume[]> {
  const rows = await db.select().from(volumes).where(whereOf(volumes, q)).orderBy(asc(volumes.name));
  return rows
    .map((r) => ({
      ...common(r),
      name: r.name,
      driver: r.driver,
      mountpoint: r.mountpoint,
      sizeBytes: r.sizeBytes,
      createdAt: r.createdAt?.getTime() ?? null,
      labels: r.labels,
      containers: r.containers,
      orphaned: r.containers.length === 0,
    }))
    .filter((v) => q.orphaned === undefined || v.orphaned === q.orphaned);
}

export async function listNetworks(
  db: Db,
  q: InventoryQuery & { unused?: boolean | undefined },
): Promise<Network[]> {
  const rows = await db.select().from(networks).where(whereOf(networks, q)).orderBy(asc(networks.name));
  return rows
    .map((r) => ({
      ...common(r),
      networkId: r.networkId,
      name: r.name,
      driver: r.driver,
      scope: r.scope,
      internal: r.internal,
      containers: r.containers.map((c) => ({
        containerId: c.id,
        name: c.name,
        ipv4: c.ipv4 ?? null,
        ports: c.ports,
      })),
      unused: r.containers.length === 0,
    }))
    .filter((n) => q.unused === undefined || n.unused === q.unused);
}

export async function listPods(db: Db, q: InventoryQuery): Promise<Pod[]> {
  const rows = await db.select().from(pods).where(whereOf(pods, q)).orderBy(asc(pods.name));
  return rows.map((r) => ({
    ...common(r),
    podId: r.podId,
    name: r.name,
    status: r.status,
    infraId: r.infraId,
    createdAt: r.createdAt?.getTime() ?? null,
    labels: r.labels,
    containers: r.containers.map((c) => ({
      containerId: c.id,
      name: c.name,
      status: c.status,
      infra: c.id === r.infraId,
    })),
  }));
}
