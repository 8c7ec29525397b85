/**
 * Probes as alert objects: each probe with its labels (`probe`, `probe_kind`, `probe_tags`),
 * its current state and its certificate's earliest expiry, for the alert source's `down` and
 * `cert_expiring` statuses.
 * @module
 */
import { CERT_EXPIRING_DAYS, type ProbeState } from '@unity/shared';
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client.js';
import { activeAgentCount, recentRuns, statusOf } from './probe-status.js';
import { listProbes } from './probe-store.js';

export type ProbeAlertObject = {
  id: string;
  labels: Record<string, string>;
  url: string;
  state: ProbeState;
  /** Epoch ms of the earliest certificate expiry seen in the last day; null without TLS. */
  certExpiresAt: number | null;
};

export async function loadProbeObjects(db: Db, publicUrl: string, now: number): Promise<ProbeAlertObject[]> {
  const probes = await listProbes(db);
  if (probes.length === 0) return [];
  const runs = await recentRuns(db, probes, now, await activeAgentCount(db));
  // Only HTTPS probes have certificates; each looks back a day at most along its (probe, time) key.
  const tls = probes.filter((p) => p.kind === 'http' && p.url.startsWith('https:')).map((p) => p.id);
  const certs =
    tls.length === 0
      ? []
      : rowsOf<{ id: string; c: Date | string }>(
          await db.execute(sql`
            select v.id::text as id, r.c from json_array_elements_text(${JSON.stringify(tls)}::json) as v(id)
            cross join lateral (
              select x.cert_expires_at as c from probe_results x
              where x.probe_id = v.id::uuid and x.cert_expires_at is not null
                and x.time >= ${new Date(now - 86_400_000).toISOString()}::timestamptz
              order by x.time desc limit 1
            ) r`),
        );
  const certOf = new Map(certs.map((r) => [r.id, new Date(r.c).getTime()]));
  const base = publicUrl.replace(/\/$/, '');
  return probes.map((p) => ({
    id: p.id,
    labels: { probe: p.name, probe_kind: p.kind, probe_tags: p.tags.join(',') },
    url: `${base}/probes/${p.id}`,
    state: statusOf(p, runs, now).state,
    certExpiresAt: certOf.get(p.id) ?? null,
  }));
}

/** Whether a status holds for a probe now. Paused and maintenance probes never alert. */
export function probeStatusHolds(status: string, probe: ProbeAlertObject, now: number): boolean | undefined {
  if (probe.state === 'paused' || probe.state === 'maintenance') return false;
  switch (status) {
    case 'down':
      return probe.state === 'down';
    case 'cert_expiring':
      return probe.certExpiresAt !== null && probe.certExpiresAt - now < CERT_EXPIRING_DAYS * 86_400_000;
    default:
      return undefined;
  }
}
