/**
 * Scheduled image scans: every interval, the images of the running containers on every engine
 * are scanned with Trivy one after the other (a scan is CPU- and disk-heavy) and each result
 * goes into the outbox as an `image_scan` item. Without Trivy nothing runs and nothing is
 * logged beyond one line per round, so installing Trivy later is picked up at the next round.
 * @module
 */
import type { BatchItem } from '@unity/shared';
import type { Logger } from 'pino';
import type { Engine } from '../collectors/engines.js';
import { errorMessage } from '../errors.js';
import { findTrivy, scanImage, type TrivyOptions } from './trivy.js';

export type ScanScheduleOptions = {
  intervalMs: number;
  /** First round after this delay, so start-up sampling goes first. */
  firstDelayMs?: number;
  engines: () => readonly Engine[];
  trivy: TrivyOptions;
  /** Stores one item (the outbox) and sends it. */
  deliver: (item: BatchItem) => Promise<void>;
  log: Logger;
};

export class ScanSchedule {
  readonly #o: ScanScheduleOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  readonly #abort = new AbortController();

  constructor(options: ScanScheduleOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#o.intervalMs <= 0) return;
    this.#schedule(this.#o.firstDelayMs ?? 60_000);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#running;
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => {
      this.#running = this.round()
        .then(() => undefined)
        .catch((error) => this.#o.log.warn({ err: errorMessage(error) }, 'image scan round failed'))
        .finally(() => {
          this.#running = undefined;
          if (!this.#abort.signal.aborted) this.#schedule(this.#o.intervalMs);
        });
    }, delay);
    this.#timer.unref();
  }

  /** Scans every distinct image of a running container once; resolves with the images scanned. */
  async round(): Promise<string[]> {
    if (!(await findTrivy(this.#o.trivy.searchPath))) {
      this.#o.log.info('trivy not found on PATH; skipping the scheduled image scan');
      return [];
    }
    const images = new Set<string>();
    for (const engine of this.#o.engines()) {
      const running = await engine.client.json<Array<{ Image?: string }> | null>('/containers/json', {
        query: { filters: JSON.stringify({ status: ['running'] }) },
      });
      for (const c of running ?? []) if (c.Image) images.add(c.Image);
    }
    const scanned: string[] = [];
    for (const image of images) {
      if (this.#abort.signal.aborted) break;
      const result = await scanImage(image, this.#o.trivy, this.#abort.signal);
      if (!result.ok) {
        this.#o.log.warn({ image, err: result.error.message }, 'image scan failed');
        continue;
      }
      await this.#o.deliver({ kind: 'image_scan', ts: result.value.scannedAt, scan: result.value });
      scanned.push(image);
    }
    this.#o.log.info({ images: scanned.length }, 'scheduled image scan done');
    return scanned;
  }
}
