/**
 * Per-channel sending limits, in this process: a token bucket per channel (its rate per minute,
 * a burst of ten seconds' worth) and pauses a provider asked for (429 with Retry-After). Each
 * hub replica keeps its own, so N replicas may together send up to N times the rate.
 * @module
 */
type Bucket = { tokens: number; at: number; perMinute: number };

export class ChannelThrottle {
  readonly #buckets = new Map<string, Bucket>();
  readonly #pausedUntil = new Map<string, number>();

  /** Takes a token: 0 when sending may go ahead now, else how long until it may, ms. */
  take(channelId: string, perMinute: number, now: number): number {
    const paused = this.#pausedUntil.get(channelId);
    if (paused !== undefined) {
      if (paused > now) return paused - now;
      this.#pausedUntil.delete(channelId);
    }
    const capacity = Math.max(1, Math.ceil(perMinute / 6));
    const perMs = perMinute / 60_000;
    const b = this.#buckets.get(channelId) ?? { tokens: capacity, at: now, perMinute };
    b.tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.at) * perMs);
    b.at = now;
    b.perMinute = perMinute;
    this.#buckets.set(channelId, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / perMs);
  }

  pause(channelId: string, until: number): void {
    this.#pausedUntil.set(channelId, Math.max(until, this.#pausedUntil.get(channelId) ?? 0));
  }

  /** Channels that cannot send at `now`, so the worker does not claim their rows. */
  blocked(now: number): string[] {
    const out: string[] = [];
    for (const [id, until] of this.#pausedUntil) if (until > now) out.push(id);
    for (const [id, b] of this.#buckets) {
      if (b.tokens + (now - b.at) * (b.perMinute / 60_000) < 1) out.push(id);
    }
    return out;
  }
}
