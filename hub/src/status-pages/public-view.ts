/**
 * What the public sees of a status page, built from the page and nothing else: its items under
 * their display names (a probe's target never appears), their states and 90-day bars, the
 * overall status, recent incidents and active or upcoming maintenance. Shared by the HTML page
 * and `status.json`.
 * @module
 */
import {
  assertNever,
  type Incident,
  type OverallStatus,
  type Probe,
  type PublicItem,
  type PublicItemState,
  type PublicMaintenance,
  type PublicStatus,
  type StatusPage,
} from '@unity/shared';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { containerHealth, containers, probes as probesTable } from '../db/schema.js';
import { activeAgentCount, recentRuns, statusOf } from '../probes/probe-status.js';
import { toProbe } from '../probes/probe-store.js';
import { bucketDays, DayHistory, overallUptime } from './daily-uptime.js';
import { listIncidents, listMaintenance } from './incident-store.js';

/** Resolved incidents stay on the page this long. */
const RESOLVED_SHOWN_MS = 7 * 86_400_000;

type ContainerRow = {
  id: string;
  name: string;
  state: string;
  status: string;
  /** The last inspection's health status; null before the first one. */
  health: string | null;
  removedAt: Date | null;
};

/**
 * A container's state from the engine's word for it: running (and not unhealthy) is up. Health
 * comes from the last inspection (the agent checks containers with a health check every tick);
 * before there is one, from the engine's status line, which says "(unhealthy)" too.
 */
export function containerState(
  c: Pick<ContainerRow, 'state' | 'status' | 'health' | 'removedAt'>,
): PublicItemState {
  if (c.removedAt) return 'down';
  if (c.state === 'paused') return 'paused';
  if (c.state !== 'running') return 'down';
  const unhealthy = c.health !== null ? c.health === 'unhealthy' : /\(unhealthy\)/.test(c.status);
  return unhealthy ? 'down' : 'up';
}

/**
 * Pure: the banner. Items paused or without data are left out; none down is operational, all
 * down a major outage, some a partial one. An open incident the owner marked critical (or
 * major) says at least a major (or partial) outage, whatever the probes say.
 */
export function overallStatus(items: Pick<PublicItem, 'state'>[], incidents: Incident[]): OverallStatus {
  const counted = items.filter((i) => i.state === 'up' || i.state === 'down' || i.state === 'maintenance');
  const down = counted.filter((i) => i.state === 'down').length;
  const open = incidents.filter((i) => i.resolvedAt === null);
  if (down > 0 && down === counted.length) return 'major_outage';
  if (open.some((i) => i.severity === 'critical')) return 'major_outage';
  if (down > 0 || open.some((i) => i.severity === 'major')) return 'partial_outage';
  if (counted.length === 0 && items.length > 0) return 'no_data';
  return 'operational';
}

export async function publicStatusOf(
  db: Db,
  page: StatusPage,
  now: number,
  history: DayHistory = new DayHistory(),
): Promise<PublicStatus> {
  const probeIds = page.items.filter((i) => i.kind === 'probe').map((i) => i.id);
  const containerIds = page.items.filter((i) => i.kind === 'container').map((i) => i.id);
  const [probeRows, containerRows, incidents, notices] = await Promise.all([
    probeIds.length > 0 ? db.select().from(probesTable).where(inArray(probesTable.id, probeIds)) : [],
    containerIds.length > 0
      ? db
          .select({
            id: containers.id,
            name: containers.name,
            state: containers.state,
            status: containers.status,
            health: containerHealth.status,
            removedAt: containers.removedAt,
          })
          .from(containers)
          .leftJoin(containerHealth, eq(containerHealth.containerId, containers.id))
          .where(inArray(containers.id, containerIds))
      : [],
    listIncidents(db, page.id, { limit: 20, resolvedSince: new Date(now - RESOLVED_SHOWN_MS) }),
    listMaintenance(db, page.id, new Date(now)),
  ]);
  const probes = new Map<string, Probe>(probeRows.map((r) => [r.id, toProbe(r)]));
  const list = [...probes.values()];
  const [runs, counts] = await Promise.all([
    list.length > 0 ? recentRuns(db, list, now, await activeAgentCount(db)) : [],
    history.counts(db, list, now),
  ]);
  const containerById = new Map(containerRows.map((c) => [c.id, c]));

  const items: PublicItem[] = [];
  const maintenance: PublicMaintenance[] = notices.map((n) => ({
    title: n.title,
    message: n.message,
    start: n.start,
    end: n.end,
    active: Date.parse(n.start) <= now,
  }));
  for (const item of page.items) {
    switch (item.kind) {
      case 'probe': {
        // A probe deleted after it was chosen just drops off the page.
        const probe = probes.get(item.id);
        if (!probe) break;
        const name = item.displayName ?? probe.name;
        const dayCounts = counts.get(probe.id) ?? [];
        items.push({
          name,
          kind: 'probe',
          state: statusOf(probe, runs, now).state,
          uptimePercent: overallUptime(dayCounts),
          days: bucketDays(dayCounts, now),
        });
        for (const w of probe.maintenance)
          if (Date.parse(w.end) > now)
            maintenance.push({
              title: `Maintenance: ${name}`,
              message: w.note ?? '',
              start: w.start,
              end: w.end,
              active: Date.parse(w.start) <= now,
            });
        break;
      }
      case 'container': {
        const container = containerById.get(item.id);
        if (!container) break;
        items.push({
          name: item.displayName ?? container.name,
          kind: 'container',
          state: containerState(container),
          uptimePercent: null,
          days: [],
        });
        break;
      }
      default:
        assertNever(item);
    }
  }
  maintenance.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return {
    title: page.title,
    description: page.description,
    theme: page.theme,
    status: overallStatus(items, incidents),
    generatedAt: new Date(now).toISOString(),
    items,
    incidents: incidents.map(({ id: _id, updates, ...rest }) => ({
      ...rest,
      updates: updates.map(({ id: _u, ...u }) => u),
    })),
    maintenance: maintenance.slice(0, 50),
  };
}
