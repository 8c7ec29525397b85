/**
 * Speed test rows and schedules in the database. At most one `running` row per host (a partial
 * unique index): `insertRunning` answers undefined when another is running, whichever replica
 * started it.
 * @module
 */
import type { SpeedTest, SpeedTestMeasurement, SpeedTestPhase, SpeedTestTrigger } from '@unity/shared';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { speedTestSchedules, speedTests } from '../db/schema.js';

type Row = typeof speedTests.$inferSelect;

export const toApi = (r: Row): SpeedTest => ({
  id: r.id,
  hostId: r.hostId,
  time: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  state: r.state,
  trigger: r.trigger,
  requestedBy: r.requestedBy,
  phase: r.state === 'running' ? r.phase : null,
  percent: r.state === 'running' ? r.percent : null,
  downloadMbps: r.downloadMbps,
  uploadMbps: r.uploadMbps,
  latencyMs: r.latencyMs,
  jitterMs: r.jitterMs,
  streams: r.streams,
  durationMs: r.durationMs,
  error: r.error,
});

/** Unique violation (SQLSTATE 23505), from postgres.js or PGlite, possibly wrapped by drizzle. */
const isUniqueViolation = (error: unknown): boolean => {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
};

export async function insertRunning(
  db: Db,
  test: {
    hostId: string;
    trigger: SpeedTestTrigger;
    requestedBy: string | null;
    streams: number;
    durationMs: number;
    at: Date;
  },
): Promise<SpeedTest | undefined> {
  try {
    const [row] = await db
      .insert(speedTests)
      .values({ ...test, startedAt: test.at, state: 'running', phase: 'starting', percent: 0 })
      .returning();
    return row ? toApi(row) : undefined;
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
}

export async function recordProgress(db: Db, id: string, phase: SpeedTestPhase, percent: number) {
  await db
    .update(speedTests)
    .set({ phase, percent })
    .where(and(eq(speedTests.id, id), eq(speedTests.state, 'running')));
}

export async function completeTest(
  db: Db,
  id: string,
  outcome: { ok: true; value: SpeedTestMeasurement } | { ok: false; error: string },
  at: Date,
): Promise<SpeedTest | undefined> {
  const fields = outcome.ok
    ? {
        state: 'ok' as const,
        downloadMbps: outcome.value.downloadMbps,
        uploadMbps: outcome.value.uploadMbps,
        latencyMs: outcome.value.latencyMs,
        jitterMs: outcome.value.jitterMs,
        downloadBytes: outcome.value.downloadBytes,
        uploadBytes: outcome.value.uploadBytes,
      }
    : { state: 'failed' as const, error: outcome.error.slice(0, 2000) };
  const [row] = await db
    .update(speedTests)
    .set({ ...fields, finishedAt: at })
    .where(and(eq(speedTests.id, id), eq(speedTests.state, 'running')))
    .returning();
  return row ? toApi(row) : undefined;
}

/** Running rows older than `before`: no replica is waiting for them any more (a restart). */
export async function failAbandoned(db: Db, before: Date, at: Date): Promise<number> {
  const rows = await db
    .update(speedTests)
    .set({ state: 'failed', finishedAt: at, error: 'the hub restarted or lost the agent during the test' })
    .where(and(eq(speedTests.state, 'running'), lt(speedTests.startedAt, before)))
    .returning({ id: speedTests.id });
  return rows.length;
}

export async function listTests(db: Db, hostId: string, limit: number): Promise<SpeedTest[]> {
  const rows = await db
    .select()
    .from(speedTests)
    .where(eq(speedTests.hostId, hostId))
    .orderBy(desc(speedTests.startedAt))
    .limit(limit);
  return rows.map(toApi);
}

export async function deleteOlderThan(db: Db, before: Date): Promise<number> {
  const rows = await db
    .delete(speedTests)
    .where(lt(speedTests.startedAt, before))
    .returning({ id: speedTests.id });
  return rows.length;
}

export async function getSchedule(db: Db, hostId: string): Promise<number | null> {
  const [row] = await db
    .select({ intervalMinutes: speedTestSchedules.intervalMinutes })
    .from(speedTestSchedules)
    .where(eq(speedTestSchedules.hostId, hostId));
  return row?.intervalMinutes ?? null;
}

/** null removes the schedule. */
export async function setSchedule(db: Db, hostId: string, intervalMinutes: number | null, at: Date) {
  if (intervalMinutes === null) {
    await db.delete(speedTestSchedules).where(eq(speedTestSchedules.hostId, hostId));
    return;
  }
  await db
    .insert(speedTestSchedules)
    .values({ hostId, intervalMinutes, updatedAt: at })
    .onConflictDoUpdate({ target: speedTestSchedules.hostId, set: { intervalMinutes, updatedAt: at } });
}

export type ScheduledHost = { hostId: string; intervalMinutes: number; lastStartedAt: Date | null };

/** Every schedule with its host's latest test start (any outcome). */
export async function schedules(db: Db, hostId?: string): Promise<ScheduledHost[]> {
  const last = sql<
    string | Date | null
  >`(select max(${speedTests.startedAt}) from ${speedTests} where ${speedTests.hostId} = ${speedTestSchedules.hostId})`;
  const rows = await db
    .select({ hostId: speedTestSchedules.hostId, intervalMinutes: speedTestSchedules.intervalMinutes, last })
    .from(speedTestSchedules)
    .where(hostId ? eq(speedTestSchedules.hostId, hostId) : undefined);
  return rows.map((r) => ({
    hostId: r.hostId,
    intervalMinutes: r.intervalMinutes,
    lastStartedAt: r.last === null ? null : new Date(r.last),
  }));
}

/** When the host's next scheduled test is due: now when it never ran. */
export const nextRunAt = (s: ScheduledHost, now: number): number =>
  s.lastStartedAt === null ? now : s.lastStartedAt.getTime() + s.intervalMinutes * 60_000;
