/**
 * A naïve per-token limit on pings (a fixed one-second window), so a runaway loop in a job
 * cannot fill the results table. Kept in memory: a restart forgets it, which is harmless.
 * @module
 */

export class PingRateLimit {
  readonly #max: number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(maxPerSecond = 5) {
    this.#max = maxPerSecond;
  }

  /** Whether one more ping for `key` at `now` is allowed (and counts it). */
  allow(key: string, now: number): boolean {
    if (this.#windows.size > 10_000) this.#forgetOld(now);
    const window = this.#windows.get(key);
    if (!window || now - window.start >= 1000) {
      this.#windows.set(key, { start: now, count: 1 });
      return true;
    }
    window.count++;
    return window.count <= this.#max;
  }

  #forgetOld(now: number) {
    for (const [key, w] of this.#windows) if (now - w.start >= 1000) this.#windows.delete(key);
  }
}
