/**
 * Kubernetes resource quantities ("250m", "1.5Gi", "123456789n", "1e3"): the agent reads usage
 * figures with it, the hub quota and PVC sizes for alert rules.
 * @module
 */

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
};

/** A Kubernetes quantity as a plain number; NaN when unreadable. */
export function parseQuantity(q: string): number {
  const m = /^([0-9.]+(?:[eE][0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return Number.NaN;
  const factor = m[2] ? SUFFIX[m[2]] : 1;
  return factor === undefined ? Number.NaN : Number(m[1]) * factor;
}
