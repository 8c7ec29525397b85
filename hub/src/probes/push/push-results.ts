/**
 * Pings and missed deadlines as probe results, so history, uptime, status and the probe-down
 * alert rules treat push probes like any other. The hub is their one location: results carry
 * the nil UUID as their agent.
 * @module
 */
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/client.js';

/** The "agent" of push results: the hub itself. */
export const HUB_LOCATION = '00000000-0000-0000-0000-000000000000';

export type PushResult = {
  probeId: string;
  time: number;
  ok: boolean;
  latencyMs: number | null;
  /** The job's exit code, when it sent one. */
  exitCode: number | null;
  error: string | null;
  details: Record<string, unknown>;
};

/** Stores one result; false when one already exists at that very millisecond (it is dropped). */
export async function storePushResult(db: Db, r: PushResult): Promise<boolean> {
  const rows = await db.execute(sql`
    insert into probe_results (probe_id, agent_id, time, ok, latency_ms, status, error, details, seq)
    values (${r.probeId}, ${HUB_LOCATION}, ${new Date(r.time).toISOString()}::timestamptz, ${r.ok},
      ${r.latencyMs}, ${r.exitCode}, ${r.error}, ${JSON.stringify(r.details)}::jsonb, 0)
    on conflict do nothing
    returning probe_id`);
  return rowsOf(rows).length > 0;
}

export type LastPushResult = { time: number; ok: boolean; expectedAt: number | null };

/** The newest result of each probe (`expectedAt` set on "late" results), by probe id. */
export async function lastPushResults(db: Db, probeIds: string[]): Promise<Map<string, LastPushResult>> {
  if (probeIds.length === 0) return new Map();
  const result = await db.execute(sql`
    select v.id::text as id, r.time, r.ok, r.details->>'expectedAt' as expected_at
    from json_array_elements_text(${JSON.stringify(probeIds)}::json) as v(id)
    cross join lateral (
      select x.time, x.ok, x.details from probe_results x
      where x.probe_id = v.id::uuid order by x.time desc limit 1
    ) r`);
  const rows = rowsOf<{ id: string; time: Date | string; ok: boolean; expected_at: string | null }>(result);
  return new Map(
    rows.map((r) => [
      r.id,
      {
        time: new Date(r.time).getTime(),
        ok: r.ok,
        expectedAt: r.expected_at === null ? null : Date.parse(r.expected_at),
      },
    ]),
  );
}
