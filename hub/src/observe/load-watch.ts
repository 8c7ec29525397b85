/**
 * Warns when the embedded PGlite database carries more than a homelab load. PGlite is one
 * single-threaded PostgreSQL inside the hub's process: fine for a few dozen hosts, but past that
 * ingest and queries queue behind each other, and PostgreSQL (`DATABASE_URL`) is the answer.
 * The warning goes to the log (once per hour at most) and to the UI through `/api/status`.
 * @module
 */
import type { Logger } from '../log.js';
import type { HubStats } from './hub-stats.js';

/** Above either limit PGlite is past a homelab: e.g. 25 hosts × 40 containers every 10 s is 100/s. */
export const PGLITE_LIMITS = { agents: 50, samplesPerSec: 200 } as const;
const LOG_EVERY_MS = 3600_000;

export type LoadWarning = { code: 'pglite_load'; message: string };

export type LoadWatchOptions = {
  kind: 'pglite' | 'postgres';
  stats: HubStats;
  connected: () => number;
  log: Logger;
  clock?: () => number;
};

export class LoadWatch {
  #last: { at: number; samples: number } | undefined;
  #warning: LoadWarning | undefined;
  #loggedAt = Number.NEGATIVE_INFINITY;
  readonly #o: LoadWatchOptions;

  constructor(options: LoadWatchOptions) {
    this.#o = options;
  }

  /** The current warnings (none on PostgreSQL). */
  get warnings(): LoadWarning[] {
    return this.#warning ? [this.#warning] : [];
  }

  /** Measures the sample rate since the previous check and updates the warning. */
  check(): void {
    const { kind, stats, connected, log } = this.#o;
    const now = (this.#o.clock ?? Date.now)();
    const samples = stats.hostSamples + stats.containerSamples;
    const last = this.#last;
    this.#last = { at: now, samples };
    if (kind !== 'pglite' || !last || now <= last.at) return;
    const rate = ((samples - last.samples) * 1000) / (now - last.at);
    const agents = connected();
    if (agents <= PGLITE_LIMITS.agents && rate <= PGLITE_LIMITS.samplesPerSec) {
      this.#warning = undefined;
      return;
    }
    this.#warning = {
      code: 'pglite_load',
      message: `The embedded PGlite database is carrying ${agents} agents and ${Math.round(rate)} samples/s, more than a homelab load (${PGLITE_LIMITS.agents} agents or ${PGLITE_LIMITS.samplesPerSec} samples/s). Set DATABASE_URL to use PostgreSQL.`,
    };
    if (now - this.#loggedAt >= LOG_EVERY_MS) {
      this.#loggedAt = now;
      log.warn({ agents, samplesPerSec: Math.round(rate) }, this.#warning.message);
    }
  }
}
