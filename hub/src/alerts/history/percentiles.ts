/**
 * Mean, median and 90th percentile of durations. Percentiles interpolate linearly between the
 * two closest ranks, as PostgreSQL's percentile_cont and numpy's default do, so the figures can
 * be checked against either.
 * @module
 */
import type { DurationStats } from '@unity/shared';

/** The p-quantile (0 ≤ p ≤ 1) of ascending `sorted`; undefined for none. */
export function quantile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Durations are reported in whole milliseconds (interpolation leaves float dust such as 51.00000000000001). */
const wholeMs = (v: number | undefined) => (v === undefined ? null : Math.round(v));

export function durationStats(values: readonly number[]): DurationStats {
  if (values.length === 0) return { count: 0, meanMs: null, medianMs: null, p90Ms: null };
  const sorted = [...values].sort((x, y) => x - y);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    meanMs: wholeMs(sum / sorted.length),
    medianMs: wholeMs(quantile(sorted, 0.5)),
    p90Ms: wholeMs(quantile(sorted, 0.9)),
  };
}
