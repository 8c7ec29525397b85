/**
 * One engine's containers: the full inventory (`containers` item) and, for the running ones,
 * one-shot stats with bounded concurrency turned into rates against this collector's previous
 * snapshot of each container (`container_stats` item).
 * @module
 */
import type {
  ContainerInfo,
  ContainerState,
  ContainerStatsItem,
  ContainersItem,
  PortMapping,
} from '@unity/shared';
import { ContainerStateSchema } from '@unity/shared';
import { engineStatus } from '../engine/engine-client.js';
import { mapLimit } from '../util/map-limit.js';
import type { Engine } from './engines.js';
import type { RawContainer } from './inventory-build.js';
import {
  containerStat,
  libpodSnapshot,
  type RawLibpodStats,
  type RawStats,
  type StatSnapshot,
  snapshot,
} from './stats-math.js';

export type ContainerCollectorOptions = {
  concurrency?: number;
  now?: () => number;
  /** Podman: read all stats in one libpod call (default true; false tests the per-container path). */
  podmanBulkStats?: boolean;
};

/** Podman's stats of every running container; `/v4.0.0` as for pods (libpod.ts). */
export const LIBPOD_STATS_PATH = '/v4.0.0/libpod/containers/stats';

/** Podman's own words for states Docker names differently. */
const STATE_ALIASES: Record<string, ContainerState> = {
  configured: 'created',
  initialized: 'created',
  stopped: 'exited',
  stopping: 'running',
};

export function normaliseState(state: string | undefined): ContainerState {
  const s = (state ?? '').toLowerCase();
  const parsed = ContainerStateSchema.safeParse(s);
  return parsed.success ? parsed.data : (STATE_ALIASES[s] ?? 'unknown');
}

/** The parts of a `GET /containers/json` entry read here and by the inventory. */
export type ListedContainer = RawContainer & {
  Image?: string | null;
  Status?: string | null;
  Created?: number | null;
  Labels?: Record<string, string> | null;
};

/** Docker's list entry → the protocol's ContainerInfo, trimmed to the schema's limits. */
export function toContainerInfo(c: ListedContainer): ContainerInfo {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.Labels ?? {})) labels[k.slice(0, 256)] = String(v).slice(0, 4096);
  const project = labels['com.docker.compose.project'] ?? labels['io.podman.compose.project'];
  const service = labels['com.docker.compose.service'] ?? labels['io.podman.compose.service'];
  const name = (c.Names?.[0] ?? '').replace(/^\//, '') || c.Id.slice(0, 12);
  const ports: PortMapping[] = (c.Ports ?? []).slice(0, 512).map((p) => ({
    privatePort: p.PrivatePort,
    ...(p.PublicPort ? { publicPort: p.PublicPort } : {}),
    ...(p.IP ? { ip: p.IP.slice(0, 64) } : {}),
    protocol: (p.Type || 'tcp').slice(0, 8),
  }));
  return {
    id: c.Id,
    name: name.slice(0, 256),
    image: (c.Image ?? '').slice(0, 512),
    state: normaliseState(c.State ?? undefined),
    status: (c.Status ?? '').slice(0, 512),
    ...(c.Created && c.Created > 0 ? { createdAt: c.Created * 1000 } : {}),
    labels,
    ports,
    ...(project ? { composeProject: project.slice(0, 256) } : {}),
    ...(service ? { composeService: service.slice(0, 256) } : {}),
  };
}

export class ContainerCollector {
  readonly #engine: Engine;
  readonly #concurrency: number;
  readonly #now: () => number;
  readonly #previous = new Map<string, StatSnapshot>();
  /** The last listing read and what it maps to (see `collect`). */
  #mapped: { list: ListedContainer[]; infos: ContainerInfo[]; running: string[] } | undefined;
  /** Whether to try Podman's one-call stats (see #snapshots). */
  #bulk: boolean;

  constructor(engine: Engine, options: ContainerCollectorOptions = {}) {
    this.#engine = engine;
    this.#concurrency = options.concurrency ?? 4;
    this.#now = options.now ?? Date.now;
    this.#bulk = engine.ref.kind === 'podman' && options.podmanBulkStats !== false;
  }

  get engine(): Engine {
    return this.#engine;
  }

  /** The inventory alone (a resync between ticks); throws when the engine does not answer. */
  async inventory(): Promise<ContainersItem> {
    const list = await this.#list();
    const containers = list.slice(0, 10_000).map(toContainerInfo);
    return { kind: 'containers', ts: this.#now(), engine: this.#engine.ref, containers };
  }

  /**
   * Inventory and stats, plus the raw listing (the inventory collector reads image ids, mounts
   * and networks from it); throws when the engine does not answer the listing.
   */
  async collect(reuse?: ListedContainer[]): Promise<{
    containers: ContainersItem;
    stats: ContainerStatsItem;
    listing: ListedContainer[];
  }> {
    // `reuse`: a listing the caller knows is still true (no container event since it was read).
    const list = reuse ?? (await this.#list());
    const ts = this.#now();
    // A reused listing was mapped when it was read: the same containers and running ids.
    let mapped = this.#mapped;
    if (mapped?.list !== list) {
      const infos = list.slice(0, 10_000).map(toContainerInfo);
      mapped = { list, infos, running: infos.filter((c) => c.state === 'running').map((c) => c.id) };
      this.#mapped = mapped;
    }
    const containers = mapped.infos;
    const snapshots = await this.#snapshots(mapped.running);
    const out: ContainerStatsItem['stats'] = [];
    for (const [id, next] of snapshots) {
      const prev = this.#previous.get(id);
      out.push(containerStat(id, prev, next));
      // One record per container, overwritten each tick: a fresh map of fresh snapshots every
      // tick lived 10 s, long enough for V8 to move it to its old generation, where garbage
      // waits minutes for a full collection and holds RSS meanwhile.
      if (prev) Object.assign(prev, next);
      else this.#previous.set(id, next);
    }
    // Containers that stopped or went away: a later start counts from a fresh snapshot.
    if (this.#previous.size > snapshots.size) {
      for (const id of this.#previous.keys()) if (!snapshots.has(id)) this.#previous.delete(id);
    }
    const engine = this.#engine.ref;
    return {
      containers: { kind: 'containers', ts, engine, containers },
      stats: { kind: 'container_stats', ts, engineId: engine.id, stats: out },
      listing: list,
    };
  }

  /**
   * A snapshot per running container, in listing order. Podman answers for all of them in one
   * libpod call, which costs the agent a fraction of a call per container (issue 3's figure:
   * CPU per container sample); Docker, or a Podman without that endpoint, gets one call each.
   */
  async #snapshots(ids: readonly string[]): Promise<Map<string, StatSnapshot>> {
    if (this.#bulk && ids.length > 0) {
      try {
        const answer = await this.#engine.client.json<{ Stats?: RawLibpodStats[] | null } | null>(
          LIBPOD_STATS_PATH,
          { query: { stream: false } },
        );
        const byId = new Map<string, RawLibpodStats>();
        for (const raw of answer?.Stats ?? []) if (raw.ContainerID) byId.set(raw.ContainerID, raw);
        const now = this.#now();
        const out = new Map<string, StatSnapshot>();
        for (const id of ids) {
          const raw = byId.get(id);
          if (raw) out.set(id, libpodSnapshot(raw, now));
        }
        return out;
      } catch (error) {
        // An engine without the endpoint keeps saying so; any other failure is retried next tick.
        if (engineStatus(error) === 404) this.#bulk = false;
      }
    }
    const systemCpu = this.#engine.ref.kind === 'docker';
    const each = await mapLimit(ids, this.#concurrency, async (id) => {
      try {
        const raw = await this.#engine.client.json<RawStats>(`/containers/${id}/stats`, {
          query: { stream: false, 'one-shot': true },
        });
        return [id, snapshot(raw, this.#now(), { systemCpu })] as const;
      } catch {
        return undefined; // stopped between the listing and now: no stat this time
      }
    });
    return new Map(each.filter((e) => e !== undefined));
  }

  async #list(): Promise<ListedContainer[]> {
    return (
      (await this.#engine.client.json<ListedContainer[] | null>('/containers/json', {
        query: { all: true },
      })) ?? []
    );
  }
}
