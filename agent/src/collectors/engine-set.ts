/**
 * All container engines of the host, kept current across ticks: an endpoint that appears later
 * is picked up, one that goes away is logged once and retried on every tick, and a tick reports
 * whichever engines answer.
 * @module
 */
import type { BatchItem } from '@unity/shared';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.js';
import { ContainerCollector } from './containers.js';
import { detectEngine, type Engine } from './engines.js';
import { InventoryCollector } from './inventory.js';

export type EngineSetOptions = {
  endpoints: readonly string[];
  /** Endpoints the user named: their absence is worth a warning, unlike a well-known path. */
  explicit?: readonly string[];
  log: Logger;
  detect?: (endpoint: string) => Promise<Engine | undefined>;
  concurrency?: number;
  /** How often images, volumes, networks and pods are re-read without a container change. */
  inventoryIntervalMs?: number;
};

type Slot = {
  endpoint: string;
  collector?: ContainerCollector;
  inventory?: InventoryCollector;
  warned: boolean;
  seen: boolean;
};

export class EngineSet {
  readonly #o: EngineSetOptions;
  readonly #slots: Slot[];

  constructor(options: EngineSetOptions) {
    this.#o = options;
    this.#slots = options.endpoints.map((endpoint) => ({ endpoint, warned: false, seen: false }));
  }

  /** The engines that answered on the last tick. */
  get engines(): Engine[] {
    return this.#slots.flatMap((s) => (s.collector ? [s.collector.engine] : []));
  }

  /**
   * One `containers` and one `container_stats` item per engine that answers, and an `inventory`
   * item when that engine's inventory is due and changed.
   */
  async collect(): Promise<BatchItem[]> {
    // One engine after the other: few engines, and detection must see the ones found before it.
    const items: BatchItem[] = [];
    for (const slot of this.#slots) items.push(...(await this.#collectSlot(slot)));
    return items;
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
      slot.inventory = new InventoryCollector(engine, {
        ...(this.#o.inventoryIntervalMs ? { intervalMs: this.#o.inventoryIntervalMs } : {}),
      });
      slot.seen = true;
      slot.warned = false;
    }
    try {
      const { containers, stats, listing } = await slot.collector.collect();
      const inventory = await this.#collectInventory(slot, listing);
      return inventory ? [containers, stats, inventory] : [containers, stats];
    } catch (error) {
      log.warn(
        { endpoint: slot.endpoint, err: errorMessage(error) },
        'container engine went away; will keep trying',
      );
      slot.collector = undefined;
      void slot.inventory?.close().catch(() => undefined);
      slot.inventory = undefined;
      slot.warned = true;
      return [];
    }
  }

  /** A failing inventory read is logged and retried later; it never costs the stats. */
  async #collectInventory(slot: Slot, listing: Parameters<InventoryCollector['collect']>[0]) {
    try {
      return await slot.inventory?.collect(listing);
    } catch (error) {
      this.#o.log.warn({ endpoint: slot.endpoint, err: errorMessage(error) }, 'inventory read failed');
      return undefined;
    }
  }
}
