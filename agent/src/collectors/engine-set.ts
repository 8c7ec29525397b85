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

export type EngineSetOptions = {
  endpoints: readonly string[];
  /** Endpoints the user named: their absence is worth a warning, unlike a well-known path. */
  explicit?: readonly string[];
  log: Logger;
  detect?: (endpoint: string) => Promise<Engine | undefined>;
  concurrency?: number;
};

type Slot = { endpoint: string; collector?: ContainerCollector; warned: boolean; seen: boolean };

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

  /** One `containers` and one `container_stats` item per engine that answers. */
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
      slot.seen = true;
      slot.warned = false;
    }
    try {
      const { containers, stats } = await slot.collector.collect();
      return [containers, stats];
    } catch (error) {
      log.warn(
        { endpoint: slot.endpoint, err: errorMessage(error) },
        'container engine went away; will keep trying',
      );
      slot.collector = undefined;
      slot.warned = true;
      return [];
    }
  }
}
