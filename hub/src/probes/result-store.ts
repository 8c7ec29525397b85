/**
 * Probe results: written with the batch that carried them (one statement per batch, inside the
 * ingest transaction), read back as a list and as uptime and latency figures. A result of a
 * probe deleted meanwhile is dropped rather than failing the whole batch.
 * @module
 */
import type { MaintenanceWindow, ProbeResult, ProbeResultItem, ProbeUptime } from '@unity/shared';
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client.js';

export async function storeProbeResults(
  tx: Db,
  agentId: string,
  seq: number,
  items: ProbeResultItem[],
): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((i) => ({
    p: i.probeId,
    a: agentId,
    t: new Date(i.ts).toISOString(),
    ok: i.ok,
    l: i.latencyMs ?? null,
    s: i.status ?? null,
    e: i.error ?? null,
    c: i.certExpiresAt === undefined ? null : new Date(i.certExpiresAt).toISOString(),
    d: i.details ?? null,
    q: seq,
  }));
  await tx.execute(sql`
    insert into probe_results (probe_id, agent_id, time, ok, latency_ms, status, error, cert_expires_at, details, seq)
    select v.p, v.a, v.t, v.ok, v.l, v.s, v.e, v.c, v.d, v.q
    from json_to_recordset(${JSON.stringify(rows)}::json) as v(p uuid, a uuid, t timestamptz, ok boolean,
      l float8, s int, e text, c timestamptz, d jsonb, q bigint)
    where exists (select 1 from probes where probes.id = v.p)
    on conflict do nothing`);
}

/** Windows as a JSON parameter for `inMaintenance`. */
const windowsJson = (windows: MaintenanceWindow[]) =>
  JSON.stringify(windows.map((w) => ({ s: w.start, e: w.end })));

/** SQL: is `r.time` inside one of the windows? */
const inMaintenance = (windows: MaintenanceWindow[]) => sql`exists (
  select 1 from json_to_recordset(${windowsJson(windows)}::json) as w(s timestamptz, e timestamptz)
  where r.time >= w.s and r.time < w.e)`;

export function isInMaintenance(windows: MaintenanceWindow[], at: number): boolean {
  return windows.some((w) => at >= Date.parse(w.start) && at < Date.parse(w.end));
}

type ResultRow = {
  time: Date | string;
  agent_id: string;
  ok: boolean;
  latency_ms: number | null;
  status: number | null;
  error: string | null;
  cert_expires_at: Date | string | null;
  details: Record<string, unknown> | null;
  maintenance: boolean;
};

const iso = (v: Date | string) => new Date(v).toISOString();

/** Newest first, between `from` and `to` (epoch ms). */
export async function listResults(
  db: Db,
  probeId: string,
  windows: MaintenanceWindow[],
  q: {
    from: number;
    to: number;
    limit: number;
    agent?: string | undefined;
    /** The agents (hosts) whose results the caller may see; applied before the limit. */
    agents?: 'all' | ReadonlySet<string> | undefined;
  },
): Promise<ProbeResult[]> {
  const agents = q.agents ?? 'all';
  if (agents !== 'all' && agents.size === 0) return [];
  const rows = rowsOf<ResultRow>(
    await db.execute(sql`
      select r.time, r.agent_id::text as agent_id, r.ok, r.latency_ms, r.status, r.error, r.cert_expires_at,
        r.details, ${inMaintenance(windows)} as maintenance
      from probe_results r
      where r.probe_id = ${probeId} and r.time >= ${new Date(q.from).toISOString()}::timestamptz
        and r.time <= ${new Date(q.to).toISOString()}::timestamptz
        ${q.agent ? sql`and r.agent_id = ${q.agent}` : sql``}
        ${agents === 'all' ? sql`` : sql`and r.agent_id::text in (select json_array_elements_text(${JSON.stringify([...agents])}::json))`}
      order by r.time desc
      limit ${q.limit}`),
  );
  return rows.map((r) => ({
    time: iso(r.time),
    agentId: r.agent_id,
    ok: r.ok,
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    status: r.status,
    error: r.error,
    certExpiresAt: r.cert_expires_at === null ? null : iso(r.cert_expires_at),
    maintenance: r.maintenance,
    details: r.details,
  }));
}

const PERIODS = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
const DAY = 86_400_000;

/**
 * Uptime over each period = passed runs / counted runs, every location's runs counted, runs in
 * a maintenance window not counted at all. Latency percentiles over the last 24 h of passed runs.
 */
export async function uptimeOf(
  db: Db,
  probeId: string,
  windows: MaintenanceWindow[],
  now: number,
): Promise<ProbeUptime> {
  const since = (days: number) => new Date(now - days * DAY).toISOString();
  const counts = rowsOf<Record<string, number | string | null>>(
    await db.execute(sql`
      select
        ${sql.join(
          Object.entries(PERIODS).map(
            ([name, days]) => sql`
              count(*) filter (where r.time >= ${since(days)}::timestamptz) as ${sql.identifier(`n_${name}`)},
              count(*) filter (where r.time >= ${since(days)}::timestamptz and not r.ok) as ${sql.identifier(`f_${name}`)}`,
          ),
          sql`,`,
        )},
        percentile_cont(0.5) within group (order by r.latency_ms) filter (where r.ok and r.time >= ${since(1)}::timestamptz) as p50,
        percentile_cont(0.95) within group (order by r.latency_ms) filter (where r.ok and r.time >= ${since(1)}::timestamptz) as p95,
        percentile_cont(0.99) within group (order by r.latency_ms) filter (where r.ok and r.time >= ${since(1)}::timestamptz) as p99
      from probe_results r
      where r.probe_id = ${probeId} and r.time >= ${since(90)}::timestamptz and r.time <= ${new Date(now).toISOString()}::timestamptz
        and not ${inMaintenance(windows)}`),
  )[0];
  const [cert] = rowsOf<{ c: Date | string | null }>(
    await db.execute(sql`
      select cert_expires_at as c from probe_results
      where probe_id = ${probeId} and cert_expires_at is not null
      order by time desc limit 1`),
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const period = (name: keyof typeof PERIODS) => {
    const checks = Number(counts?.[`n_${name}`] ?? 0);
    const failures = Number(counts?.[`f_${name}`] ?? 0);
    return {
      uptimePercent: checks === 0 ? null : Math.round(((checks - failures) / checks) * 1e6) / 1e4,
      checks,
      failures,
    };
  };
  const certAt = cert?.c ? new Date(cert.c).getTime() : null;
  return {
    periods: { '24h': period('24h'), '7d': period('7d'), '30d': period('30d'), '90d': period('90d') },
    latency: { p50: num(counts?.p50), p95: num(counts?.p95), p99: num(counts?.p99) },
    certificateDaysLeft: certAt === null ? null : Math.floor(((certAt - now) / DAY) * 10) / 10,
    certificateExpiresAt: certAt === null ? null : new Date(certAt).toISOString(),
  };
}
