/**
 * Group commit: batches from many agents that arrive while a transaction is running are stored
 * together in the next one (storeBatches), each agent's hwm advanced in it and every batch
 * acknowledged only after that commit. Under light load a group is the one batch that arrived;
 * under heavy load groups grow, so the cost per transaction (round trips, fsync, planning) is
 * shared instead of paid per batch — no timer, no added latency.
 *
 * At most `maxInFlight` transactions run at once, which also bounds how many pool connections
 * ingest can hold: the rest stay free for the API's reads. A group that fails is retried one
 * batch at a time, so one bad batch fails alone and nothing unstored is ever acknowledged.
 * @module
 */
import type { BatchFrame } from '@unity/shared';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { type StoreOutcome, storeBatches, type WriteOptions } from './writer.js';

export type GroupCommitOptions = {
  /** Most batches in one transaction (≈ 50 container samples each in a typical fleet). */
  maxGroup: number;
  maxInFlight: number;
  /** Pipeline the sample statements (PostgreSQL server; see WriteOptions). */
  pipeline?: boolean;
};
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxGroup: 400, maxInFlight: 2 };

type Entry = {
  agentId: string;
  batch: BatchFrame;
  resolve: (outcome: StoreOutcome) => void;
  reject: (error: unknown) => void;
};

export class GroupCommit {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #options: GroupCommitOptions;
  readonly #write: WriteOptions;
  #waiting: Entry[] = [];
  #inFlight = 0;
  #inFlightBatches = 0;
  #scheduled = false;
  /** Agents with a batch in a running transaction: their next one waits for it. */
  readonly #busy = new Set<string>();
  /** Groups committed and batches in them, for the mean group size on /metrics. */
  groups = 0;
  groupedBatches = 0;

  constructor(db: Db, log: Logger, options: GroupCommitOptions = DEFAULT_GROUP_COMMIT) {
    this.#db = db;
    this.#log = log;
    this.#options = options;
    this.#write = { pipeline: options.pipeline ?? false };
  }

  /** Batches waiting for a transaction. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Batches in transactions not yet committed. */
  get inFlight(): number {
    return this.#inFlightBatches;
  }

  /** Resolves after the batch's transaction committed (`stored: false`: seq already stored). */
  store(agentId: string, batch: BatchFrame): Promise<StoreOutcome> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ agentId, batch, resolve, reject });
      this.#schedule();
    });
  }

  // Runs once the current event-loop turn has queued everything it received.
  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#options.maxInFlight || this.#waiting.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#waiting.length > 0) {
      const group = this.#take();
      if (group.length === 0) return; // all waiting agents are busy; a commit reschedules
      this.#inFlight++;
      this.#inFlightBatches += group.length;
      void this.#commit(group).finally(() => {
        for (const e of group) this.#busy.delete(e.agentId);
        this.#inFlight--;
        this.#inFlightBatches -= group.length;
        this.#schedule();
      });
    }
  }

  /**
   * Up to maxGroup entries, at most one per agent and none of an agent already in a running
   * transaction (two writers of one hwm row would wait on each other's lock); the rest wait.
   */
  #take(): Entry[] {
    const group: Entry[] = [];
    const rest: Entry[] = [];
    for (const e of this.#waiting) {
      if (group.length < this.#options.maxGroup && !this.#busy.has(e.agentId)) {
        this.#busy.add(e.agentId);
        group.push(e);
      } else rest.push(e);
    }
    this.#waiting = rest;
    return group;
  }

  async #commit(group: Entry[]): Promise<void> {
    try {
      const outcomes = await storeBatches(this.#db, group, this.#log, this.#write);
      this.groups++;
      this.groupedBatches += group.length;
      group.forEach((e, i) => {
        e.resolve(outcomes[i] as StoreOutcome);
      });
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      this.#log.warn(
        { err: error, batches: group.length },
        'group commit failed; storing its batches one by one',
      );
      for (const e of group) {
        try {
          const [outcome] = await storeBatches(this.#db, [e], this.#log, this.#write);
          e.resolve(outcome as StoreOutcome);
        } catch (single) {
          e.reject(single);
        }
      }
    }
  }
}
