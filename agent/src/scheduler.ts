/**
 * The sampling loop: every host interval one tick makes one batch (more only if it would not fit
 * one frame) with the host sample and, per engine, the inventory and the stats; the batch goes
 * into the outbox first and is sent from there. Ticks never overlap; a slow tick delays the next.
 * Between ticks, `soon()` (engine events arrived) makes a small batch of what is urgent within
 * a fraction of a second, so a container dying shows up in seconds rather than at the next tick.
 * @module
 */
import { type BatchItem, BatchItemSchema, describeIssues } from '@unity/shared';
import type { Logger } from 'pino';
import type { EngineSet } from './collectors/engine-set.js';
import type { HostCollector } from './collectors/host.js';
import { errorMessage } from './errors.js';
import type { Outbox } from './link/outbox.js';
import { checkSample } from './link/sample-check.js';
import { splitItems } from './link/split.js';
import { Serial } from './util/serial.js';

/** What a tick reads: the procfs and engine collectors, or stand-ins (the ingest benchmark). */
export type HostSource = Pick<HostCollector, 'sample'>;
export type EngineSource = Pick<EngineSet, 'collect'> & Partial<Pick<EngineSet, 'collectUrgent' | 'stop'>>;

/** How long `soon()` waits for more events to arrive before making the batch. */
export const URGENT_DELAY_MS = 250;

export type SchedulerOptions = {
  host: HostSource;
  engines: EngineSource;
  outbox: Outbox;
  intervalMs: number;
  log: Logger;
  /** Called after batches were stored, to send them. */
  onBatch: () => void;
};

export class Scheduler {
  readonly #o: SchedulerOptions;
  #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;
  readonly #serial = new Serial();
  /** Urgent batches run one at a time but beside a tick: a slow tick (stats) must not delay events. */
  readonly #urgentSerial = new Serial();
  #urgentTimer: NodeJS.Timeout | undefined;
  /** A refresh was asked for while a tick ran: run the next one at once. */
  #again = false;

  constructor(options: SchedulerOptions) {
    this.#o = options;
    this.#intervalMs = options.intervalMs;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Changes the interval from the next tick on. */
  setInterval(ms: number): void {
    if (ms === this.#intervalMs) return;
    this.#o.log.info({ intervalMs: ms }, 'sampling interval changed');
    this.#intervalMs = ms;
    if (!this.#stopped && !this.#running) {
      clearTimeout(this.#timer);
      this.#schedule(ms);
    }
  }

  /** Samples now (or right after the running tick), e.g. after a container action. */
  refresh(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#schedule(0);
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#urgentTimer);
    this.#urgentTimer = undefined;
    await this.#running;
    await this.#urgentSerial.run(async () => undefined);
  }

  /** Asks for a batch of urgent items (events, touched health) shortly; calls coalesce. */
  soon(): void {
    if (this.#stopped || this.#urgentTimer) return;
    this.#urgentTimer = setTimeout(() => {
      this.#urgentTimer = undefined;
      this.urgent().catch((error) => this.#o.log.error({ err: errorMessage(error) }, 'urgent batch failed'));
    }, URGENT_DELAY_MS);
  }

  /** Collects and stores the urgent items now; resolves with the seqs. */
  urgent(): Promise<number[]> {
    return this.#urgentSerial.run(async () => {
      const collect = this.#o.engines.collectUrgent;
      if (!collect) return [];
      return this.#store(await collect.call(this.#o.engines));
    });
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => {
      const started = Date.now();
      this.#running = this.tick()
        .catch((error) => this.#o.log.error({ err: errorMessage(error) }, 'sampling failed'))
        .finally(() => {
          this.#running = undefined;
          const wait = this.#again ? 0 : Math.max(0, this.#intervalMs - (Date.now() - started));
          this.#again = false;
          if (!this.#stopped) this.#schedule(wait);
        });
    }, delay);
  }

  /** Samples everything once and stores the result; resolves with the seqs it used. */
  tick(): Promise<number[]> {
    return this.#serial.run(() => this.#tick());
  }

  async #tick(): Promise<number[]> {
    const items: BatchItem[] = [];
    try {
      items.push(await this.#o.host.sample());
    } catch (error) {
      this.#o.log.error({ err: errorMessage(error) }, 'host sample failed');
    }
    items.push(...(await this.#o.engines.collect()));
    return this.#store(items);
  }

  async #store(items: BatchItem[]): Promise<number[]> {
    const valid = items.filter((item) => {
      // The per-tick samples are checked by hand (cheaper); a refused one goes to zod for the reason.
      if (checkSample(item) === true) return true;
      const parsed = BatchItemSchema.safeParse(item);
      // A batch the hub refuses would block the outbox for good: drop the item, not the batch.
      if (!parsed.success)
        this.#o.log.error(
          { kind: item.kind, problem: describeIssues(parsed.error) },
          'dropping an invalid item',
        );
      return parsed.success;
    });
    const { chunks, dropped } = splitItems(valid);
    for (const item of dropped)
      this.#o.log.error({ kind: item.kind }, 'dropping an item too large for one frame');
    const seqs: number[] = [];
    for (const chunk of chunks) seqs.push((await this.#o.outbox.append(chunk)).seq);
    if (seqs.length > 0) this.#o.onBatch();
    return seqs;
  }
}
