/**
 * Containers as the API shows them; removed ones are not listed.
 * @module
 */
import type { Container, ContainerState, HealthStatus, PortMapping } from '@unity/shared';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { containerHealth, containers } from '../db/schema.js';
import { statusText } from './status-text.js';

type Row = typeof containers.$inferSelect;
type HealthRow = typeof containerHealth.$inferSelect;

export function toContainer(r: Row, h: HealthRow | null = null, now = Date.now()): Container {
  const health = (h?.status as HealthStatus | undefined) ?? null;
  const facts = {
    state: r.state as ContainerState,
    startedAt: h?.startedAt?.getTime() ?? null,
    finishedAt: h?.finishedAt?.getTime() ?? null,
    exitCode: h?.exitCode ?? null,
    health,
  };
  return {
    id: r.id,
    hostId: r.hostId,
    engineId: r.engineId,
    engineKind: r.engineKind,
    containerId: r.containerId,
    name: r.name,
    image: r.image,
    state: r.state as ContainerState,
    // As of now, not as of the listing the agent last sent (status-text.ts).
    status: statusText(facts, now) ?? r.status,
    labels: r.labels,
    ports: r.ports as PortMapping[],
    composeProject: r.composeProject,
    composeService: r.composeService,
    createdAt: r.createdAt?.getTime() ?? null,
    updatedAt: r.updatedAt.getTime(),
    cpuPercent: r.cpuPercent,
    memoryBytes: r.memoryBytes,
    memoryLimitBytes: r.memoryLimitBytes,
    health,
    restartCount: h?.restartCount ?? null,
    exitCode: h?.exitCode ?? null,
    oomKilled: h?.oomKilled ?? null,
  };
}

/** Containers with their latest health (issue 3), when one was reported. */
const withHealth = (db: Db) =>
  db
    .select({ c: containers, h: containerHealth })
    .from(containers)
    .leftJoin(containerHealth, eq(containerHealth.containerId, containers.id));

export async function listContainers(db: Db, hostId?: string): Promise<Container[]> {
  const where = hostId
    ? and(isNull(containers.removedAt), eq(containers.hostId, hostId))
    : isNull(containers.removedAt);
  const rows = await withHealth(db).where(where).orderBy(asc(containers.name));
  return rows.map((r) => toContainer(r.c, r.h));
}

export async function findContainer(db: Db, id: string): Promise<Container | undefined> {
  const [row] = await withHealth(db).where(and(eq(containers.id, id), isNull(containers.removedAt)));
  return row ? toContainer(row.c, row.h) : undefined;
}
