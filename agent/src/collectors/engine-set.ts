/**
 * All container engines of the host, kept current across ticks: an endpoint that appears later
 * is picked up, one that goes away is logged once and retried on every tick, and a tick reports
 * whichever engines answer. Each engine found also gets an event follower (kept across engine
 * outages, so it resumes where it stopped) and a health watch fed by its events.
 * @module
 */
import type { BatchItem, ContainersItem, EngineEvent, EngineEventsItem } from '@unity/shared';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.js';
import { ContainerCollector, type ListedContainer } from './containers.js';
import { detectEngine, type Engine } from './engines.js';
import { EventFollower } from './event-follower.js';
import { HealthWatch } from './health.js';
import { InventoryCollector } from './inventory.js';

export type EngineSetOptions = {
  endpoints: readonly string[];
  /** Endpoints the user named: their absence is worth a warning, unlike a well-known path. */
  explicit?: readonly string[];
  log: Logger;
  detect?: (endpoint: string) => Promise<Engine | undefined>;
  concurrency?: number;
  /** Follow each engine's event stream (default true). */
  followEvents?: boolean;
  /** Something happened (events arrived, a stream resynced): worth a batch before the next tick. */
  onActivity?: () => void;
  now?: () => number;
  /** How often images, volumes, networks and pods are re-read without a container change. */
  inventoryIntervalMs?: number;
  /** How often an unchanged container listing is sent again (default LISTING_REFRESH_MS). */
  listingRefreshMs?: number;
};

type Slot = {
  endpoint: string;
  collector?: ContainerCollector;
  inventory?: InventoryCollector;
  warned: boolean;
  seen: boolean;
  follower?: EventFollower;
  health?: HealthWatch;
  events: EngineEvent[];
  /** The event stream reconnected: send a fresh inventory with the next batch. */
  resync: boolean;
  /** What the last `containers` item sent said (without the status text), and when. */
  sentListing?: { key: string; at: number };
  /** The engine's last listing, and when it was read. */
  listed?: { listing: ListedContainer[]; at: number };
  /** A container event arrived (or the stream broke) since `listed` was read. */
  listingStale: boolean;
  /** An image, volume or network event arrived (or the stream broke) since the inventory was read. */
  inventoryStale: boolean;
};

/**
 * A listing is sent when it differs from the last one sent, else every 5 minutes. Stats ride on
 * every tick, but with 100 containers the listing is half of each batch's bytes and of the
 * agent's per-tick work (issue 3's CPU figure), and it rarely changes between ticks; lifecycle
 * events already send a fresh one at once (collectUrgent). The status text ("Up 3 minutes")
 * ages without anything happening, so it does not count as a change: the hub writes that line
 * itself when it shows it, from the state and the start and finish times of the last
 * inspection (hub/src/containers/status-text.ts). Until it did, a refresh every minute carried
 * the aging line, at ~8 µs per container sample of the ~70 left (docs/architecture.md, ninth
 * round); what is left is a safety net for a change the event stream did not report.
 */
export const LISTING_REFRESH_MS = 5 * 60_000;

/*
 * The listing is also not READ on every tick: while the engine's event stream is up and no
 * container event arrived since the last read, the containers are as listed then, and the tick
 * reads the stats alone (one engine call instead of two; with 100 containers the listing was
 * about half of a tick's CPU). Any container event, a broken stream or the 5-minute refresh
 * makes the next tick read it again.
 */

const listingKey = (item: ContainersItem): string =>
  JSON.stringify(item.containers.map(({ status: _status, ...rest }) => rest));

/** Events held per engine while nothing drains them (an engine storm), oldest dropped first. */
const MAX_PENDING_EVENTS = 5_000;

export class EngineSet {
  readonly #o: EngineSetOptions;
  readonly #slots: Slot[];

  constructor(options: EngineSetOptions) {
    this.#o = options;
    this.#slots = options.endpoints.map((endpoint) => ({
      endpoint,
      warned: false,
      seen: false,
      events: [],
      resync: false,
      listingStale: true,
      inventoryStale: false,
    }));
  }

  /** The engines that answered on the last tick. */
  get engines(): Engine[] {
    return this.#slots.flatMap((s) => (s.collector ? [s.collector.engine] : []));
  }

  /**
   * Per engine that answers: stats, the container listing when due (LISTING_REFRESH_MS),
   * pending events, changed health, and an `inventory` item (images, volumes, networks, pods)
   * when it is due and changed.
   */
  async collect(): Promise<BatchItem[]> {
    // One engine after the other: few engines, and detection must see the ones found before it.
    const items: BatchItem[] = [];
    for (const slot of this.#slots) items.push(...(await this.#collectSlot(slot)));
    return items;
  }

  /**
   * Between ticks: the events that arrived, health of the containers they touched, and a fresh
   * inventory for an engine whose event stream just resynced.
   */
  async collectUrgent(): Promise<BatchItem[]> {
    const items: BatchItem[] = [];
    for (const slot of this.#slots) {
      const collector = slot.collector;
      if (!collector) continue;
      try {
        const events = this.#drain(slot);
        // A lifecycle event changes the listed state: a fresh listing goes with it, so the hub's
        // container state (and the alerts on it) follow within a second, not at the next tick.
        if (slot.resync || events.some(changesState)) {
          slot.resync = false;
          const inventory = await collector.inventory();
          slot.health?.observe(inventory.containers);
          this.#markSent(slot, inventory);
          items.push(inventory);
        }
        items.push(...events, ...(await this.#health(slot, false)));
      } catch (error) {
        this.#o.log.debug({ endpoint: slot.endpoint, err: errorMessage(error) }, 'urgent collect failed');
      }
    }
    return items;
  }

  /** Stops the event followers. */
  async stop(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.follower?.stop()));
  }

  async #collectSlot(slot: Slot): Promise<BatchItem[]> {
    const log = this.#o.log;
    if (!slot.collector) {
      const engine = await (this.#o.detect ?? detectEngine)(slot.endpoint);
      if (!engine) {
        if (!slot.warned && (slot.seen || this.#o.explicit?.includes(slot.endpoint))) {
          log.warn({ endpoint: slot.endpoint }, 'container engine not answering; will keep trying');
          slot.warned = true;
        }
        return [];
      }
      if (this.engines.some((e) => e.key === engine.key)) return [];
      log.info(
        { endpoint: slot.endpoint, engine: engine.ref },
        slot.seen ? 'container engine is back' : 'container engine found',
      );
      slot.collector = new ContainerCollector(engine, { concurrency: this.#o.concurrency ?? 4 });
      slot.health = new HealthWatch(engine.client, this.#o.concurrency ?? 4);
      slot.inventory = new InventoryCollector(engine, {
        ...(this.#o.inventoryIntervalMs ? { intervalMs: this.#o.inventoryIntervalMs } : {}),
      });
      slot.seen = true;
      slot.warned = false;
      this.#follow(slot);
    }
    try {
      const now = (this.#o.now ?? Date.now)();
      const refreshMs = this.#o.listingRefreshMs ?? LISTING_REFRESH_MS;
      const reuse =
        slot.listed &&
        !slot.listingStale &&
        !slot.resync &&
        slot.follower?.connected === true &&
        now - slot.listed.at < refreshMs &&
        now >= slot.listed.at
          ? slot.listed.listing
          : undefined;
      // Cleared before the read: an event arriving during it marks the new listing stale.
      if (!reuse) slot.listingStale = false;
      const { containers, stats, listing } = await slot.collector.collect(reuse);
      if (!reuse) slot.listed = { listing, at: now };
      const due = !reuse && this.#listingDue(slot, containers);
      slot.resync = false;
      if (!reuse) slot.health?.observe(containers.containers);
      const inventory = await this.#collectInventory(slot, listing, reuse !== undefined);
      return [
        ...(due ? [containers] : []),
        stats,
        ...(inventory ? [inventory] : []),
        ...this.#drain(slot),
        ...(await this.#health(slot, true)),
      ];
    } catch (error) {
      log.warn(
        { endpoint: slot.endpoint, err: errorMessage(error) },
        'container engine went away; will keep trying',
      );
      slot.collector = undefined;
      slot.sentListing = undefined;
      slot.listed = undefined;
      void slot.inventory?.close().catch(() => undefined);
      slot.inventory = undefined;
      slot.warned = true;
      return [];
    }
  }

  /**
   * Whether this tick's listing goes out (and is then remembered as sent): after a resync, when
   * it changed since the last one sent, or when that one is LISTING_REFRESH_MS old.
   */
  #listingDue(slot: Slot, item: ContainersItem): boolean {
    const key = listingKey(item);
    const sent = slot.sentListing;
    const refreshMs = this.#o.listingRefreshMs ?? LISTING_REFRESH_MS;
    const now = (this.#o.now ?? Date.now)();
    if (!slot.resync && sent && sent.key === key && now - sent.at < refreshMs) return false;
    slot.sentListing = { key, at: now };
    return true;
  }

  #markSent(slot: Slot, item: ContainersItem): void {
    slot.sentListing = { key: listingKey(item), at: (this.#o.now ?? Date.now)() };
  }

  #follow(slot: Slot): void {
    if (slot.follower || this.#o.followEvents === false) return;
    slot.follower = new EventFollower({
      endpoint: slot.endpoint,
      log: this.#o.log.child({ endpoint: slot.endpoint }),
      ...(this.#o.now ? { now: this.#o.now } : {}),
      onEvents: (events) => {
        for (const e of events) {
          if (e.type === 'image' || e.type === 'volume' || e.type === 'network') slot.inventoryStale = true;
          if (e.type !== 'container') continue;
          slot.listingStale = true;
          if (e.actorId) slot.health?.touch(e.actorId);
        }
        slot.events.push(...events);
        if (slot.events.length > MAX_PENDING_EVENTS)
          slot.events.splice(0, slot.events.length - MAX_PENDING_EVENTS);
        this.#o.onActivity?.();
      },
      onResync: () => {
        slot.resync = true;
        slot.listingStale = true;
        slot.inventoryStale = true;
        slot.health?.touchAll();
        this.#o.onActivity?.();
      },
    });
    slot.follower.start();
  }

  #drain(slot: Slot): EngineEventsItem[] {
    const engineId = slot.collector?.engine.ref.id;
    if (!engineId || slot.events.length === 0) return [];
    const events = slot.events.splice(0, slot.events.length);
    return [{ kind: 'engine_events', ts: (this.#o.now ?? Date.now)(), engineId, events }];
  }

  async #health(slot: Slot, includeChecks: boolean): Promise<BatchItem[]> {
    const engineId = slot.collector?.engine.ref.id;
    if (!engineId || !slot.health) return [];
    const containers = await slot.health.collect(includeChecks);
    if (containers.length === 0) return [];
    return [{ kind: 'container_health', ts: (this.#o.now ?? Date.now)(), engineId, containers }];
  }

  /** A failing inventory read is logged and retried later; it never costs the stats. */
  async #collectInventory(
    slot: Slot,
    listing: Parameters<InventoryCollector['collect']>[0],
    unchanged: boolean,
  ) {
    // Cleared before the read: an event arriving during it makes the next tick read again.
    const changed = slot.inventoryStale;
    slot.inventoryStale = false;
    try {
      return await slot.inventory?.collect(listing, { unchanged, changed });
    } catch (error) {
      this.#o.log.warn({ endpoint: slot.endpoint, err: errorMessage(error) }, 'inventory read failed');
      return undefined;
    }
  }
}

/** Container actions (Docker's and Podman's names) after which the listed state differs. */
const STATE_ACTIONS = new Set([
  'create',
  'init',
  'start',
  'restart',
  'stop',
  'die',
  'died',
  'kill',
  'oom',
  'pause',
  'unpause',
  'destroy',
  'remove',
  'rename',
]);

function changesState(item: EngineEventsItem): boolean {
  return item.events.some((e) => e.type === 'container' && STATE_ACTIONS.has(e.action));
}
