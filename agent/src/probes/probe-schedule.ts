/**
 * Runs the hub's probe set: each probe every `intervalSeconds`, its first run at a random point
 * of its first interval (so a thousand probes do not fire together), never two runs of one
 * probe at once (a slow run delays the next instead of overlapping it). Results are collected
 * and handed to `deliver` together about once a second, so many probes make few outbox writes.
 * @module
 */
import type { AgentProbe, ProbeResultItem } from '@unity/shared';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.js';
import { runProbe } from './run-probe.js';

export type ProbeScheduleOptions = {
  /** Stores results (the outbox) and sends them. */
  deliver: (items: ProbeResultItem[]) => Promise<void>;
  log: Logger;
  run?: (probe: AgentProbe) => Promise<ProbeResultItem>;
  random?: () => number;
  flushEveryMs?: number;
  now?: () => number;
};

type Slot = { probe: AgentProbe; timer: NodeJS.Timeout | undefined; running: boolean; key: string };

/** Largest number of results in one delivery (a batch holds at most 1000 items). */
const MAX_DELIVERY = 500;

export class ProbeSchedule {
  readonly #o: ProbeScheduleOptions;
  readonly #slots = new Map<string, Slot>();
  #pending: ProbeResultItem[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ProbeScheduleOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Replaces the set: new probes start, removed ones stop, changed ones restart. */
  set(probes: AgentProbe[]): void {
    if (this.#stopped) return;
    const wanted = new Map(probes.filter((p) => p.enabled).map((p) => [p.id, p]));
    for (const [id, slot] of this.#slots) {
      const next = wanted.get(id);
      if (!next || JSON.stringify(next) !== slot.key) {
        clearTimeout(slot.timer);
        this.#slots.delete(id);
      }
    }
    for (const [id, probe] of wanted) {
      if (this.#slots.has(id)) continue;
      const slot: Slot = { probe, timer: undefined, running: false, key: JSON.stringify(probe) };
      this.#slots.set(id, slot);
      const random = this.#o.random ?? Math.random;
      this.#arm(slot, Math.floor(random() * probe.intervalSeconds * 1000));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const slot of this.#slots.values()) clearTimeout(slot.timer);
    this.#slots.clear();
    clearTimeout(this.#flushTimer);
    await this.#flush();
  }

  #arm(slot: Slot, delayMs: number): void {
    slot.timer = setTimeout(() => void this.#fire(slot), delayMs);
    slot.timer.unref();
  }

  async #fire(slot: Slot): Promise<void> {
    if (slot.running) return;
    slot.running = true;
    const now = this.#o.now ?? Date.now;
    const started = now();
    try {
      const result = await (this.#o.run ?? runProbe)(slot.probe);
      // A probe removed or changed during its run: its result is still true for that moment.
      this.#pending.push(result);
      this.#scheduleFlush();
    } catch (error) {
      this.#o.log.warn({ probe: slot.probe.id, err: errorMessage(error) }, 'probe run failed');
    } finally {
      slot.running = false;
      // The next run one interval after this one started, or at once if it took longer.
      if (this.#slots.get(slot.probe.id) === slot && !this.#stopped) {
        const interval = slot.probe.intervalSeconds * 1000;
        this.#arm(slot, Math.max(0, interval - (now() - started)));
      }
    }
  }

  #scheduleFlush(): void {
    if (this.#pending.length >= MAX_DELIVERY) {
      void this.#flush();
      return;
    }
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      void this.#flush();
    }, this.#o.flushEveryMs ?? 1000);
    this.#flushTimer.unref();
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const items = this.#pending.splice(0, MAX_DELIVERY);
      try {
        await this.#o.deliver(items);
      } catch (error) {
        this.#o.log.warn(
          { err: errorMessage(error), dropped: items.length },
          'could not store probe results',
        );
      }
    }
  }
}
