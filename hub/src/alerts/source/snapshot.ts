/**
 * The objects alert rules select from, read once per evaluation: hosts (with their latest
 * sample and disks) and live containers (with state, health, restart count, exit code and OOM
 * flag). Two queries, whatever the number of rules.
 * @module
 */
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/client.js';
import type { Labels } from '../eval/types.js';

export type HostObject = {
  id: string;
  labels: Labels;
  url: string;
  sampledAt: number | null;
  lastSeenAt: number | null;
  disks: { mount: string; fs: string; totalBytes: number; usedBytes: number }[];
};

export type ContainerObject = {
  id: string;
  hostId: string;
  labels: Labels;
  /** Labels selectors may match but instances do not carry (they change on updates). */
  matchLabels: Labels;
  engineLabels: Labels;
  url: string;
  state: string;
  status: string;
  statsAt: number | null;
  health: string | null;
  failingStreak: number | null;
  restartCount: number | null;
  exitCode: number | null;
  oomKilled: boolean | null;
};

export type Snapshot = { hosts: HostObject[]; containers: ContainerObject[] };

const msOf = (v: unknown): number | null =>
  v === null || v === undefined ? null : new Date(v as string).getTime();

/** "Exited (137) 3 minutes ago" → 137, for containers without a health inspection yet. */
export function exitCodeFromStatus(status: string): number | null {
  const m = /^Exited \((-?\d+)\)/.exec(status);
  return m?.[1] ? Number(m[1]) : null;
}

/**
 * Objects whose labels coincide (two hosts with the same name, say) would share fingerprints;
 * such objects get their id as a label too.
 */
function disambiguate<T extends { id: string; labels: Labels }>(objects: T[], idLabel: string): void {
  const seen = new Map<string, number>();
  const signature = (l: Labels) => JSON.stringify(Object.entries(l).sort());
  for (const o of objects) seen.set(signature(o.labels), (seen.get(signature(o.labels)) ?? 0) + 1);
  for (const o of objects) if ((seen.get(signature(o.labels)) ?? 0) > 1) o.labels[idLabel] = o.id;
}

export async function loadSnapshot(db: Db, publicUrl: string): Promise<Snapshot> {
  const hostRows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select h.id, h.name, h.sampled_at, h.latest -> 'disks' as disks, a.last_seen_at
      from hosts h join agents a on a.id = h.id where not a.revoked`),
  );
  const containerRows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select c.id, c.host_id, h.name as host_name, c.name, c.image, c.state, c.status,
        c.labels, c.compose_project, c.compose_service, c.stats_at,
        ch.status as health, ch.failing_streak, ch.restart_count, ch.exit_code, ch.oom_killed
      from containers c join hosts h on h.id = c.host_id join agents a on a.id = h.id
      left join container_health ch on ch.container_id = c.id
      where c.removed_at is null and not a.revoked`),
  );
  const hosts: HostObject[] = hostRows.map((r) => ({
    id: String(r.id),
    labels: { host: String(r.name) },
    url: `${publicUrl}/hosts/${r.id}`,
    sampledAt: msOf(r.sampled_at),
    lastSeenAt: msOf(r.last_seen_at),
    disks: Array.isArray(r.disks) ? (r.disks as HostObject['disks']) : [],
  }));
  const containers: ContainerObject[] = containerRows.map((r) => {
    const labels: Labels = { host: String(r.host_name), container: String(r.name).replace(/^\//, '') };
    if (r.compose_project) labels.compose_project = String(r.compose_project);
    if (r.compose_service) labels.compose_service = String(r.compose_service);
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      id: String(r.id),
      hostId: String(r.host_id),
      labels,
      matchLabels: { image: String(r.image) },
      engineLabels: (r.labels ?? {}) as Labels,
      url: `${publicUrl}/containers/${r.id}`,
      state: String(r.state),
      status: String(r.status),
      statsAt: msOf(r.stats_at),
      health: r.health === null || r.health === undefined ? null : String(r.health),
      failingStreak: num(r.failing_streak),
      restartCount: num(r.restart_count),
      exitCode: num(r.exit_code),
      oomKilled: r.oom_killed === null || r.oom_killed === undefined ? null : Boolean(r.oom_killed),
    };
  });
  disambiguate(hosts, 'host_id');
  disambiguate(containers, 'container_id');
  return { hosts, containers };
}
