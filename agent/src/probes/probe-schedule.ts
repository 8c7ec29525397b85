/**
 * Runs the hub's probe set: each probe every `intervalSeconds`, its first run at a random point
 * of its first interval (so a thousand probes do not fire together), never two runs of one
 * probe at once (a slow run delays the next instead of overlapping it). Results are collected
 * and handed to `deliver` together about once a second, so many probes make few outbox writes.
 *
 * Runs start on a wheel of `tickMs` (250 ms) slots: one timer for the whole set, and the probes
 * due in a slot start together. Each wake-up of the process costs far more than the probe
 * itself once there are many (issue 7's figure: 1,000 HTTP probes at 20 s are 50 runs a second;
 * measured here, a bare keep-alive request cost 940 µs of CPU when each had its own wake-up and
 * 202 µs twelve to a wake-up, since their answers also arrive together). A run starts at most
 * one slot late, which no interval of 10 s or more notices.
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
  /** The wheel's slot length. */
  tickMs?: number;
  now?: () => number;
};

/** `due` is the wheel slot the probe's next run waits in (none while it runs or once removed). */
type Slot = { probe: AgentProbe; due: number | undefined; running: boolean; key: string };

/** Largest number of results in one delivery (a batch holds at most 1000 items). */
const MAX_DELIVERY = 500;

export class ProbeSchedule {
  readonly #o: ProbeScheduleOptions;
  readonly #slots = new Map<string, Slot>();
  /** Wheel slot number (time / tickMs, rounded up) → the probes due then. */
  readonly #wheel = new Map<number, Slot[]>();
  #wheelTimer: NodeJS.Timeout | undefined;
  /** The slot the wheel's timer is set for. */
  #wheelAt = Number.POSITIVE_INFINITY;
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
        slot.due = undefined;
        this.#slots.delete(id);
      }
    }
    for (const [id, probe] of wanted) {
      if (this.#slots.has(id)) continue;
      const slot: Slot = { probe, due: undefined, running: false, key: JSON.stringify(probe) };
      this.#slots.set(id, slot);
      const random = this.#o.random ?? Math.random;
      this.#arm(slot, Math.floor(random() * probe.intervalSeconds * 1000));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#wheelTimer);
    this.#wheel.clear();
    this.#slots.clear();
    clearTimeout(this.#flushTimer);
    await this.#flush();
  }

  get #tickMs(): number {
    return this.#o.tickMs ?? 250;
  }

  /**
   * Monotonic by default: the wheel's slots are absolute times, and a wall clock set back (NTP,
   * a VM resumed) would otherwise leave every probe waiting until it caught up again.
   */
  #now(): number {
    return this.#o.now ? this.#o.now() : performance.now();
  }

  #arm(slot: Slot, delayMs: number): void {
    const at = Math.ceil((this.#now() + delayMs) / this.#tickMs);
    slot.due = at;
    const due = this.#wheel.get(at);
    if (due) due.push(slot);
    else this.#wheel.set(at, [slot]);
    if (at < this.#wheelAt) this.#setWheelTimer(at);
  }

  #setWheelTimer(at: number): void {
    clearTimeout(this.#wheelTimer);
    this.#wheelAt = at;
    this.#wheelTimer = setTimeout(() => this.#turn(), Math.max(0, at * this.#tickMs - this.#now()));
    this.#wheelTimer.unref();
  }

  /** Starts every probe whose slot has come, then sets the timer for the next occupied slot. */
  #turn(): void {
    this.#wheelTimer = undefined;
    this.#wheelAt = Number.POSITIVE_INFINITY;
    const now = Math.floor(this.#now() / this.#tickMs);
    let next = Number.POSITIVE_INFINITY;
    for (const [at, slots] of this.#wheel) {
      if (at > now) {
        next = Math.min(next, at);
        continue;
      }
      this.#wheel.delete(at);
      // A probe removed or changed since it was armed left its stale slot behind: skipped.
      for (const slot of slots)
        if (slot.due === at && this.#slots.get(slot.probe.id) === slot) void this.#fire(slot);
    }
    // Runs that ended at once re-armed themselves (and maybe the timer) during the loop.
    if (next < this.#wheelAt) this.#setWheelTimer(next);
  }

  async #fire(slot: Slot): Promise<void> {
    if (slot.running) return;
    slot.running = true;
    slot.due = undefined;
    const started = this.#now();
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
        this.#arm(slot, Math.max(0, interval - (this.#now() - started)));
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
