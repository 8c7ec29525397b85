/**
 * Remembers connect-token ids (jti) until their tokens expire, so a captured token cannot be
 * used twice. In-process: one hub replica; a cross-replica store comes with scaling out.
 * @module
 */
export class ReplayCache {
  readonly #expiry = new Map<string, number>();

  /** Records `key` until `expiresAtMs`; false when it was already recorded and still live. */
  claim(key: string, expiresAtMs: number, now = Date.now()): boolean {
    this.#prune(now);
    const seen = this.#expiry.get(key);
    if (seen !== undefined && seen > now) return false;
    this.#expiry.set(key, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.#expiry.size;
  }

  #prune(now: number): void {
    // Amortised: sweep only when the map has grown, so each claim stays O(1) on average.
    if (this.#expiry.size < 1024) return;
    for (const [key, exp] of this.#expiry) if (exp <= now) this.#expiry.delete(key);
  }
}
