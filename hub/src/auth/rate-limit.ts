/**
 * An in-memory limiter of failed sign-ins per client address: after `max` failures within
 * `windowMs`, further attempts are refused (429) until the window passes. Per replica; a shared
 * store comes with scaling out.
 * @module
 */
export class FailureLimiter {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 5 * 60_000,
  ) {}

  blocked(key: string, now = Date.now()): boolean {
    return this.#recent(key, now).length >= this.max;
  }

  fail(key: string, now = Date.now()): void {
    const recent = this.#recent(key, now);
    recent.push(now);
    this.#failures.set(key, recent);
    if (this.#failures.size > 10_000) this.#sweep(now);
  }

  reset(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }

  #sweep(now: number): void {
    for (const [key, times] of this.#failures) {
      if (times.every((t) => now - t >= this.windowMs)) this.#failures.delete(key);
    }
  }
}
