/**
 * One engine's inventory (images, volumes, networks, Podman pods) as an `inventory` item, on its
 * own slower cadence: collected right after the container listing changes in a way that matters
 * (see containerFingerprint), after the engine reported an image, volume or network event (the
 * caller says so: `changed`), and every `intervalMs` for what changes without an event (volume
 * sizes); returned only when its content differs from the last one returned, or `resendMs`
 * passed (so a batch lost to an outbox overflow does not leave the hub stale for good). Hashing
 * the content keeps an idle host's agent quiet.
 *
 * Why events and not a short interval: reading and hashing the inventory once a minute was about
 * an eighth of the agent's CPU with 100 containers (issue 3's figure; docs/architecture.md,
 * eighth round), and a pulled image or a new volume now shows at the next tick, not up to a
 * minute later.
 * @module
 */
import { createHash } from 'node:crypto';
import type { InventoryItem } from '@unity/shared';
import type { Engine } from './engines.js';
import {
  buildImages,
  buildNetworks,
  buildPods,
  buildVolumes,
  containerFingerprint,
  type RawContainer,
  type RawDf,
  type RawImage,
  type RawNetwork,
  type RawVolume,
} from './inventory-build.js';
import { type Libpod, libpodClient } from './libpod.js';

export const DEFAULT_INVENTORY_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_INVENTORY_RESEND_MS = 15 * 60_000;

export type InventoryCollectorOptions = {
  intervalMs?: number;
  resendMs?: number;
  now?: () => number;
  libpod?: Libpod;
};

export class InventoryCollector {
  readonly #engine: Engine;
  readonly #intervalMs: number;
  readonly #resendMs: number;
  readonly #now: () => number;
  readonly #libpod: Libpod | undefined;
  #collectedAt = Number.NEGATIVE_INFINITY;
  #fingerprint: string | undefined;
  #sentHash: string | undefined;
  #sentAt = Number.NEGATIVE_INFINITY;

  constructor(engine: Engine, options: InventoryCollectorOptions = {}) {
    this.#engine = engine;
    this.#intervalMs = options.intervalMs ?? DEFAULT_INVENTORY_INTERVAL_MS;
    this.#resendMs = options.resendMs ?? DEFAULT_INVENTORY_RESEND_MS;
    this.#now = options.now ?? Date.now;
    this.#libpod = options.libpod ?? (engine.ref.kind === 'podman' ? libpodClient(engine.client) : undefined);
  }

  /**
   * Given this tick's raw container listing: the inventory item when one is due and changed,
   * else undefined. Throws when the engine fails to answer (the caller logs and goes on).
   */
  async collect(
    containers: readonly RawContainer[],
    { unchanged = false, changed = false }: { unchanged?: boolean; changed?: boolean } = {},
  ): Promise<InventoryItem | undefined> {
    const now = this.#now();
    const intervalDue = changed || now - this.#collectedAt >= this.#intervalMs;
    // `unchanged`: the same listing as last time, so the fingerprint is too (not worth computing).
    if (unchanged && !intervalDue) return undefined;
    const fingerprint = unchanged ? this.#fingerprint : containerFingerprint(containers);
    const due = intervalDue || fingerprint !== this.#fingerprint;
    if (!due) return undefined;
    // Marked before reading, so an engine that fails the read is retried next interval, not every tick.
    this.#collectedAt = now;
    this.#fingerprint = fingerprint;
    const item = await this.#read(containers, now);
    const { ts: _ts, ...content } = item;
    const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    if (hash === this.#sentHash && now - this.#sentAt < this.#resendMs) return undefined;
    this.#sentHash = hash;
    this.#sentAt = now;
    return item;
  }

  /** Forgets what was sent, so the next due collection is sent even if unchanged. */
  reset(): void {
    this.#sentHash = undefined;
    this.#collectedAt = Number.NEGATIVE_INFINITY;
  }

  async close(): Promise<void> {
    await this.#libpod?.close();
  }

  async #read(containers: readonly RawContainer[], ts: number): Promise<InventoryItem> {
    const client = this.#engine.client;
    const [images, volumes, networks, pods] = await Promise.all([
      client.json<RawImage[] | null>('/images/json', { query: { all: false } }),
      client.json<{ Volumes?: RawVolume[] | null } | null>('/volumes'),
      client.json<RawNetwork[] | null>('/networks'),
      this.#libpod?.pods(),
    ]);
    // Volume sizes, only when there are volumes: `/system/df` makes the engine size every
    // container and image too (Docker since API 1.42 sizes the volumes alone when asked, older
    // engines and Podman ignore `type`). Sizes are a nicety: an engine that cannot compute them
    // still lists its volumes.
    const df =
      (volumes?.Volumes?.length ?? 0) > 0
        ? await client.json<RawDf | null>('/system/df', { query: { type: 'volume' } }).catch(() => undefined)
        : undefined;
    return {
      kind: 'inventory',
      ts,
      engine: this.#engine.ref,
      images: buildImages((images ?? []).slice(0, 10_000), containers),
      volumes: buildVolumes((volumes?.Volumes ?? []).slice(0, 10_000), containers, df ?? undefined),
      networks: buildNetworks((networks ?? []).slice(0, 2_000), containers),
      ...(pods ? { pods: buildPods(pods.slice(0, 2_000)) } : {}),
    };
  }
}
