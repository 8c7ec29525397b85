/**
 * Reconnect delays: exponential with "full jitter" (a uniform draw below the exponential cap),
 * which spreads a fleet of agents reconnecting after a hub restart instead of synchronising them.
 * @module
 */
export type BackoffOptions = {
  /** First cap, ms. */
  baseMs: number;
  /** Largest delay ever returned, ms. */
  maxMs: number;
  /** Source of randomness in [0, 1); injected so tests are deterministic. */
  random?: () => number;
};

/** Delay before attempt `attempt` (0-based): uniform in [base/2, min(max, base·2^attempt)]. */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs, random = Math.random }: BackoffOptions,
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  const floor = Math.min(baseMs / 2, cap);
  return Math.round(floor + random() * (cap - floor));
}
