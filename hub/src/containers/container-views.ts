/**
 * Containers as the API shows them; removed ones are not listed.
 * @module
 */
import type { Container, ContainerState, PortMapping } from '@unity/shared';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { containers } from '../db/schema.js';

type Row = typeof containers.$inferSelect;

export function toContainer(r: Row): Container {
  return {
    id: r.id,
    hostId: r.hostId,
    engineId: r.engineId,
    engineKind: r.engineKind,
    containerId: r.containerId,
    name: r.name,
    image: r.image,
    state: r.state as ContainerState,
    status: r.status,
    labels: r.labels,
    ports: r.ports as PortMapping[],
    composeProject: r.composeProject,
    composeService: r.composeService,
    createdAt: r.createdAt?.getTime() ?? null,
    updatedAt: r.updatedAt.getTime(),
    cpuPercent: r.cpuPercent,
    memoryBytes: r.memoryBytes,
    memoryLimitBytes: r.memoryLimitBytes,
  };
}

export async function listContainers(db: Db, hostId?: string): Promise<Container[]> {
  const where = hostId
    ? and(isNull(containers.removedAt), eq(containers.hostId, hostId))
    : isNull(containers.removedAt);
  const rows = await db.select().from(containers).where(where).orderBy(asc(containers.name));
  return rows.map(toContainer);
}

export async function findContainer(db: Db, id: string): Promise<Container | undefined> {
  const [row] = await db
    .select()
    .from(containers)
    .where(and(eq(containers.id, id), isNull(containers.removedAt)));
  return row ? toContainer(row) : undefined;
}
