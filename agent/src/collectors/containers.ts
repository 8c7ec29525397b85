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
import type Docker from 'dockerode';
import { mapLimit } from '../util/map-limit.js';
import type { Engine } from './engines.js';
import { containerStat, type RawStats, type StatSnapshot, snapshot } from './stats-math.js';

export type ContainerCollectorOptions = { concurrency?: number; now?: () => number };

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

/** Docker's list entry → the protocol's ContainerInfo, trimmed to the schema's limits. */
export function toContainerInfo(c: Docker.ContainerInfo): ContainerInfo {
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
    state: normaliseState(c.State),
    status: (c.Status ?? '').slice(0, 512),
    ...(c.Created > 0 ? { createdAt: c.Created * 1000 } : {}),
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
  #previous = new Map<string, StatSnapshot>();

  constructor(engine: Engine, options: ContainerCollectorOptions = {}) {
    this.#engine = engine;
    this.#concurrency = options.concurrency ?? 4;
    this.#now = options.now ?? Date.now;
  }

  get engine(): Engine {
    return this.#engine;
  }

  /** The inventory alone (a resync between ticks); throws when the engine does not answer. */
  async inventory(): Promise<ContainersItem> {
    const list = await this.#engine.docker.listContainers({ all: true });
    const containers = list.slice(0, 10_000).map(toContainerInfo);
    return { kind: 'containers', ts: this.#now(), engine: this.#engine.ref, containers };
  }

  /**
   * Inventory and stats, plus the raw listing (the inventory collector reads image ids, mounts
   * and networks from it); throws when the engine does not answer the listing.
   */
  async collect(): Promise<{
    containers: ContainersItem;
    stats: ContainerStatsItem;
    listing: Docker.ContainerInfo[];
  }> {
    const list = await this.#engine.docker.listContainers({ all: true });
    const ts = this.#now();
    const containers = list.slice(0, 10_000).map(toContainerInfo);
    const running = containers.filter((c) => c.state === 'running');
    const stats = await mapLimit(running, this.#concurrency, async (c) => {
      try {
        const raw = (await this.#engine.docker
          .getContainer(c.id)
          .stats({ stream: false, 'one-shot': true })) as RawStats;
        const next = snapshot(raw, this.#now(), { systemCpu: this.#engine.ref.kind === 'docker' });
        const stat = containerStat(c.id, this.#previous.get(c.id), next);
        return { stat, next };
      } catch {
        return undefined; // stopped between the listing and now: no stat this time
      }
    });
    const previous = new Map<string, StatSnapshot>();
    const out: ContainerStatsItem['stats'] = [];
    for (const s of stats) {
      if (!s) continue;
      previous.set(s.stat.id, s.next);
      out.push(s.stat);
    }
    this.#previous = previous;
    const engine = this.#engine.ref;
    return {
      containers: { kind: 'containers', ts, engine, containers },
      stats: { kind: 'container_stats', ts, engineId: engine.id, stats: out },
      listing: list,
    };
  }
}
