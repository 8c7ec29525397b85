/**
 * Hosts as the API shows them: the host row, its agent's facts, presence, and container counts.
 * @module
 */
import type { Host } from '@unity/shared';
import { eq, isNull, sql } from 'drizzle-orm';
import type { AgentHub } from '../agents/agent-hub.js';
import type { Db } from '../db/client.js';
import { agents, containers, hosts } from '../db/schema.js';

async function containerCounts(db: Db, hostId?: string) {
  const rows = await db
    .select({
      hostId: containers.hostId,
      total: sql<number>`count(*)::int`.mapWith(Number),
      running: sql<number>`(count(*) filter (where ${containers.state} = 'running'))::int`.mapWith(Number),
    })
    .from(containers)
    .where(
      hostId
        ? sql`${containers.removedAt} is null and ${containers.hostId} = ${hostId}`
        : isNull(containers.removedAt),
    )
    .groupBy(containers.hostId);
  return new Map(rows.map((r) => [r.hostId, r]));
}

export async function listHosts(db: Db, presence: AgentHub, hostId?: string): Promise<Host[]> {
  const base = db.select().from(hosts).innerJoin(agents, eq(agents.id, hosts.id));
  const rows = await (hostId ? base.where(eq(hosts.id, hostId)) : base.orderBy(hosts.name));
  const counts = await containerCounts(db, hostId);
  return rows.map(({ hosts: h, agents: a }) => ({
    id: h.id,
    name: h.name,
    online: presence.isOnline(h.id),
    lastSeenAt: a.lastSeenAt?.getTime() ?? null,
    os: a.os,
    kernel: a.kernel,
    arch: a.arch,
    cpus: a.cpus,
    memoryTotalBytes: a.memoryBytes,
    agentVersion: a.agentVersion,
    cpuPercent: h.cpuPercent,
    memoryUsedBytes: h.memoryUsedBytes,
    load1: h.load1,
    uptimeSec: h.uptimeSec,
    containersRunning: counts.get(h.id)?.running ?? 0,
    containersTotal: counts.get(h.id)?.total ?? 0,
    labels: h.labels,
  }));
}
