/**
 * Health and restart state per container, read with `inspect` — which costs a request per
 * container, so it is done only when it can have changed: for containers seen for the first
 * time, after an event about the container, when its listed state changed, and on every tick for
 * the few that have a health check (their status changes without an event on some engines).
 * Only entries that differ from what was last sent are reported.
 * @module
 */
import type { ContainerHealth, ContainerState, HealthCheckRun, HealthStatus } from '@unity/shared';
import { HealthStatusSchema } from '@unity/shared';
import type { EngineClient } from '../engine/engine-client.js';
import { mapLimit } from '../util/map-limit.js';

/** The parts of an inspect answer read here. */
export type RawInspect = {
  Id?: string;
  RestartCount?: number;
  Config?: { Healthcheck?: { Test?: string[] } };
  State?: {
    ExitCode?: number;
    OOMKilled?: boolean;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: {
      Status?: string;
      FailingStreak?: number;
      Log?: Array<{ Start?: string; End?: string; ExitCode?: number; Output?: string }> | null;
    };
  };
};

/** Epoch ms of an engine timestamp; undefined for Go's zero time or garbage. */
function epochMs(value: string | undefined): number | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

const hasHealthCheck = (raw: RawInspect): boolean => {
  const test = raw.Config?.Healthcheck?.Test ?? [];
  return test.length > 0 && test[0] !== 'NONE';
};

/** An inspect answer → the protocol's health entry (last 5 check runs, outputs cut to 1 KiB). */
export function toContainerHealth(id: string, raw: RawInspect): ContainerHealth {
  const state = raw.State ?? {};
  const parsed = HealthStatusSchema.safeParse(state.Health?.Status);
  const status: HealthStatus = parsed.success ? parsed.data : 'none';
  const log: HealthCheckRun[] = (state.Health?.Log ?? []).slice(-5).map((r) => {
    const start = epochMs(r.Start);
    const end = epochMs(r.End);
    return {
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      exitCode: Math.trunc(r.ExitCode ?? 0),
      output: (r.Output ?? '').slice(0, 1024),
    };
  });
  const startedAt = epochMs(state.StartedAt);
  const finishedAt = epochMs(state.FinishedAt);
  return {
    id,
    status: hasHealthCheck(raw) || status !== 'none' ? status : 'none',
    failingStreak: Math.max(0, Math.trunc(state.Health?.FailingStreak ?? 0)),
    log,
    restartCount: Math.max(0, Math.trunc(raw.RestartCount ?? 0)),
    exitCode: Math.trunc(state.ExitCode ?? 0),
    oomKilled: state.OOMKilled === true,
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
  };
}

export class HealthWatch {
  readonly #client: EngineClient;
  readonly #concurrency: number;
  readonly #withCheck = new Set<string>();
  readonly #dirty = new Set<string>();
  #states = new Map<string, ContainerState>();
  #sent = new Map<string, string>();

  constructor(client: EngineClient, concurrency = 4) {
    this.#client = client;
    this.#concurrency = concurrency;
  }

  /** Something happened to this container (an event): inspect it next time. */
  touch(id: string): void {
    this.#dirty.add(id);
  }

  /** Forget what was sent: everything is inspected and reported again (after a resync). */
  touchAll(): void {
    for (const id of this.#states.keys()) this.#dirty.add(id);
    this.#sent.clear();
  }

  /** Takes a full inventory: new containers and those whose state changed become due. */
  observe(list: ReadonlyArray<{ id: string; state: ContainerState }>): void {
    const states = new Map<string, ContainerState>();
    for (const c of list) {
      states.set(c.id, c.state);
      const before = this.#states.get(c.id);
      if (before !== c.state || c.state === 'restarting') this.#dirty.add(c.id);
    }
    for (const id of this.#states.keys()) {
      if (!states.has(id)) {
        this.#withCheck.delete(id);
        this.#sent.delete(id);
      }
    }
    this.#states = states;
  }

  /**
   * Inspects the due containers (plus those with a health check when `includeChecks`) and
   * returns the entries that changed since last sent.
   */
  async collect(includeChecks: boolean): Promise<ContainerHealth[]> {
    const due = new Set(this.#dirty);
    if (includeChecks) for (const id of this.#withCheck) due.add(id);
    this.#dirty.clear();
    if (due.size === 0) return [];
    const results = await mapLimit([...due], this.#concurrency, async (id) => {
      try {
        const raw = await this.#client.json<RawInspect>(`/containers/${encodeURIComponent(id)}/json`);
        if (hasHealthCheck(raw)) this.#withCheck.add(id);
        else this.#withCheck.delete(id);
        return toContainerHealth(raw.Id ?? id, raw);
      } catch {
        return undefined; // removed since: nothing to report
      }
    });
    const changed: ContainerHealth[] = [];
    for (const h of results) {
      if (!h) continue;
      const text = JSON.stringify(h);
      if (this.#sent.get(h.id) === text) continue;
      this.#sent.set(h.id, text);
      changed.push(h);
    }
    return changed;
  }
}
