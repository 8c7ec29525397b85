/**
 * The arithmetic of a speed test, kept pure so it can be checked by hand: mean latency, jitter
 * as the mean absolute difference of consecutive round trips (RFC 3550 §6.4.1's |D(i-1,i)|,
 * without its 1/16 smoothing, as LibreSpeed reports it), and throughput over a window that
 * starts after a warm-up.
 * @module
 */

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

/** Mean |rtt[i] - rtt[i-1]|; 0 for fewer than two samples. */
export function jitter(rtts: readonly number[]): number {
  if (rtts.length < 2) return 0;
  let sum = 0;
  for (let i = 1; i < rtts.length; i++) sum += Math.abs((rtts[i] ?? 0) - (rtts[i - 1] ?? 0));
  return sum / (rtts.length - 1);
}

/** Megabits (10^6 bits) per second for `bytes` in `ms` milliseconds; 0 for an empty window. */
export const mbps = (bytes: number, ms: number): number => (ms <= 0 ? 0 : (bytes * 8) / (ms * 1000));

/**
 * Counts the bytes of every stream of one direction; only bytes that arrive (or leave) after
 * the warm-up count, over the time from the warm-up's end to `finish`.
 */
export class ThroughputMeter {
  readonly #measureFrom: number;
  #bytes = 0;
  #total = 0;
  #end: number | undefined;

  constructor(
    start: number,
    warmupMs: number,
    private readonly now: () => number,
  ) {
    this.#measureFrom = start + warmupMs;
  }

  add(bytes: number): void {
    this.#total += bytes;
    if (this.#end === undefined && this.now() >= this.#measureFrom) this.#bytes += bytes;
  }

  /** Closes the window; later bytes (of requests still being torn down) do not count. */
  finish(): void {
    this.#end ??= this.now();
  }

  get measuredBytes(): number {
    return this.#bytes;
  }

  get totalBytes(): number {
    return this.#total;
  }

  get mbps(): number {
    return mbps(this.#bytes, (this.#end ?? this.now()) - this.#measureFrom);
  }
}
