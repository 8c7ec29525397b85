/**
 * A probe's current state from its recent results: a location (agent) is down once its last
 * `retries + 1` runs all failed; the probe is down once `downQuorum` locations are down (or
 * every location, when fewer than the quorum report). Runs inside a maintenance window are
 * ignored; maintenance now and pause win over both.
 * @module
 */
import type { Probe, ProbeStatus } from '@unity/shared';
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client.js';
import { isInMaintenance } from './result-store.js';

export type RecentRun = {
  probeId: string;
  agentId: string;
  time: number;
  ok: boolean;
  latencyMs: number | null;
  error: string | null;
};

/**
 * The newest runs of each probe: enough for `retries + 1` runs of every location (a backward
 * scan of the (probe, time) key per probe, so the cost follows the probes, not the table).
 */
export async function recentRuns(
  db: Db,
  probes: { id: string; retries: number; agentIds: string[] }[],
  now: number,
  agentCount = 16,
): Promise<RecentRun[]> {
  if (probes.length === 0) return [];
  const wanted = JSON.stringify(
    probes.map((p) => ({
      id: p.id,
      n: Math.min(2000, (p.retries + 1) * Math.max(1, p.agentIds.length || agentCount)),
    })),
  );
  const rows = rowsOf<{
    probe_id: string;
    agent_id: string;
    time: Date | string;
    ok: boolean;
    latency_ms: number | null;
    error: string | null;
  }>(
    await db.execute(sql`
      select v.id::text as probe_id, r.agent_id::text as agent_id, r.time, r.ok, r.latency_ms, r.error
      from json_to_recordset(${wanted}::json) as v(id uuid, n int)
      cross join lateral (
        select x.agent_id, x.time, x.ok, x.latency_ms, x.error from probe_results x
        where x.probe_id = v.id and x.time >= ${new Date(now - 7 * 86_400_000).toISOString()}::timestamptz
        order by x.time desc limit v.n
      ) r`),
  );
  return rows.map((r) => ({
    probeId: r.probe_id,
    agentId: r.agent_id,
    time: new Date(r.time).getTime(),
    ok: r.ok,
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    error: r.error,
  }));
}

/** Agents that may report (not revoked): how many locations an unassigned probe can have. */
export async function activeAgentCount(db: Db): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(
    await db.execute(sql`select count(*) as n from agents where not revoked`),
  );
  return Number(row?.n ?? 0);
}

/** Pure: the state of `probe` given its recent runs (any order). */
export function statusOf(probe: Probe, runs: RecentRun[], now: number): ProbeStatus {
  const byAgent = new Map<string, RecentRun[]>();
  for (const run of runs) {
    // Runs in planned downtime say nothing about the probe's health.
    if (run.probeId !== probe.id || isInMaintenance(probe.maintenance, run.time)) continue;
    const list = byAgent.get(run.agentId) ?? [];
    list.push(run);
    byAgent.set(run.agentId, list);
  }
  const needed = probe.retries + 1;
  const locations = [...byAgent.entries()].map(([agentId, list]) => {
    list.sort((a, b) => b.time - a.time);
    const last = list.slice(0, needed);
    const newest = list[0] as RecentRun;
    return {
      agentId,
      up: !(last.length === needed && last.every((r) => !r.ok)),
      lastTime: new Date(newest.time).toISOString(),
      lastError: newest.ok ? null : newest.error,
      newest,
    };
  });
  const newest = locations.map((l) => l.newest).sort((a, b) => b.time - a.time)[0];
  const down = locations.filter((l) => !l.up).length;
  const quorum = Math.min(probe.downQuorum, Math.max(locations.length, 1));
  let state: ProbeStatus['state'];
  if (!probe.enabled) state = 'paused';
  else if (isInMaintenance(probe.maintenance, now)) state = 'maintenance';
  else if (locations.length === 0) state = 'pending';
  else state = down >= quorum ? 'down' : 'up';
  return {
    state,
    lastTime: newest ? new Date(newest.time).toISOString() : null,
    lastLatencyMs: newest?.latencyMs ?? null,
    locations: locations.map(({ newest: _, ...l }) => l),
  };
}
