/**
 * Time from a sample being taken to it being visible in the query API. Each synthetic stat
 * carries its sampling time (epoch ms) in `memoryBytes`; the prober polls
 * `GET /api/containers/:id/stats` over the last minute at one point per second (raw
 * resolution, what a chart of the last minute shows) for a few containers, and when the newest
 * `memoryBytesMax` moves on, records `response time − sampling time`. That is an upper bound:
 * the sample may have become visible up to one poll period earlier (`everyMs`, reported).
 * @module
 */
import type { ApiClient } from '../../lib/api.js';

export type Observation = { at: number; latencyMs: number };

export class Prober {
  readonly observations: Observation[] = [];
  errors = 0;
  /** Requests the hub did not answer within `timeoutMs` (each counts as an error too). */
  timeouts = 0;
  requests = 0;
  #stopped = false;
  readonly #abort = new AbortController();
  #loops: Promise<void>[] = [];

  constructor(
    private readonly api: ApiClient,
    private readonly everyMs: number,
    private readonly timeoutMs = 20_000,
  ) {}

  /** Starts polling these containers (more can be added later). */
  add(containerIds: string[]): void {
    containerIds.forEach((id, i) => {
      this.#loops.push(this.#loop(id, (i * this.everyMs) / containerIds.length));
    });
  }

  async #loop(id: string, offsetMs: number): Promise<void> {
    await sleep(offsetMs);
    let seen = -1;
    while (!this.#stopped) {
      const started = Date.now();
      try {
        const q = `from=${started - 60_000}&to=${started}&points=60`;
        const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.timeoutMs)]);
        const res = await this.api.request(`/api/containers/${id}/stats?${q}`, { signal });
        const at = Date.now();
        this.requests++;
        if (res.ok) {
          const body = (await res.json()) as { points: { memoryBytesMax?: number; memoryBytes: number }[] };
          const newest = Math.max(0, ...body.points.map((p) => p.memoryBytesMax ?? p.memoryBytes));
          // The first answer shows what was there before the prober looked: not a measurement.
          if (seen >= 0 && newest > seen) this.observations.push({ at, latencyMs: at - newest });
          if (newest > 0) seen = Math.max(seen, newest);
        } else {
          this.errors++;
          await res.body?.cancel();
        }
      } catch (error) {
        this.errors++;
        if ((error as Error).name === 'TimeoutError') {
          this.timeouts++;
          this.timeoutsAt.push(Date.now());
        }
      }
      await sleep(Math.max(0, this.everyMs - (Date.now() - started)));
    }
  }

  /** Requests that timed out, by when they were given up. */
  readonly timeoutsAt: number[] = [];

  /** Latencies observed in [from, to]. */
  between(from: number, to: number): number[] {
    return this.observations.filter((o) => o.at >= from && o.at <= to).map((o) => o.latencyMs);
  }

  /** Timed-out requests in [from, to]: each is a sample not visible within `timeoutMs`. */
  timeoutsBetween(from: number, to: number): number {
    return this.timeoutsAt.filter((t) => t >= from && t <= to).length;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    await Promise.all(this.#loops);
  }
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
