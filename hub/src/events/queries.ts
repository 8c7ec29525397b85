/**
 * Reading the event timelines and health history back for the API.
 * @module
 */
import type {
  ContainerEventView,
  ContainerHealthView,
  EventsQuery,
  HealthCheckRun,
  HealthStatus,
} from '@unity/shared';
import { and, desc, eq, gte, inArray, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { containerEvents, containerHealth, containerHealthHistory, containers } from '../db/schema.js';

const DAY_MS = 86_400_000;
const HISTORY_LIMIT = 500;

type EventRow = typeof containerEvents.$inferSelect;

const toView = (r: EventRow): ContainerEventView => ({
  type: r.type as ContainerEventView['type'],
  action: r.action,
  time: r.time.getTime(),
  timeNano: r.timeNano,
  actorId: r.actorId,
  engineId: r.engineId,
  containerId: r.containerId,
  attributes: r.attributes,
});

/** The newest `limit` events matching `query` for one container or one host, oldest first. */
export async function listEvents(
  db: Db,
  scope: { containerId: string } | { hostId: string },
  query: EventsQuery,
  now = Date.now(),
): Promise<ContainerEventView[]> {
  const to = query.to ?? now;
  const from = query.from ?? to - DAY_MS;
  const where: SQL[] = [
    'containerId' in scope
      ? eq(containerEvents.containerId, scope.containerId)
      : eq(containerEvents.hostId, scope.hostId),
    gte(containerEvents.time, new Date(from)),
    lte(containerEvents.time, new Date(to)),
  ];
  if (query.type) where.push(eq(containerEvents.type, query.type));
  if (query.action) where.push(inArray(containerEvents.action, query.action.split(',')));
  const rows = await db
    .select()
    .from(containerEvents)
    .where(and(...where))
    // Same-millisecond events keep the engine's order: nanoseconds, then arrival.
    .orderBy(desc(containerEvents.time), desc(containerEvents.timeNano), desc(containerEvents.id))
    .limit(query.limit);
  return rows.reverse().map(toView);
}

/** True when the hub knows the container: listed now, removed, or only seen in events. */
export async function containerKnown(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ id: containers.id }).from(containers).where(eq(containers.id, id));
  if (row) return true;
  const [event] = await db
    .select({ id: containerEvents.id })
    .from(containerEvents)
    .where(eq(containerEvents.containerId, id))
    .limit(1);
  return event !== undefined;
}

/** Current health and the newest changes (oldest first). */
export async function containerHealthView(db: Db, id: string): Promise<ContainerHealthView> {
  const [current] = await db.select().from(containerHealth).where(eq(containerHealth.containerId, id));
  const history = await db
    .select()
    .from(containerHealthHistory)
    .where(eq(containerHealthHistory.containerId, id))
    .orderBy(desc(containerHealthHistory.ts), desc(containerHealthHistory.id))
    .limit(HISTORY_LIMIT);
  return {
    current: current
      ? {
          status: current.status as HealthStatus,
          failingStreak: current.failingStreak,
          restartCount: current.restartCount,
          exitCode: current.exitCode,
          oomKilled: current.oomKilled,
          startedAt: current.startedAt?.getTime() ?? null,
          finishedAt: current.finishedAt?.getTime() ?? null,
          log: current.log as HealthCheckRun[],
          checkedAt: current.checkedAt.getTime(),
        }
      : null,
    history: history.reverse().map((h) => ({
      ts: h.ts.getTime(),
      status: h.status as HealthStatus,
      failingStreak: h.failingStreak,
      restartCount: h.restartCount,
      exitCode: h.exitCode,
      oomKilled: h.oomKilled,
    })),
  };
}
