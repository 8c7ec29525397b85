/**
 * Observations from series held in memory, computed the way the database source computes them
 * (window aggregates, first/last for rate of change, age of the last sample, restart count
 * rise, median/MAD baseline). Scenario tests, the backtest and the benchmark feed the core
 * through it.
 * @module
 */
import type { AlertCondition, LeafCondition } from '@unity/shared';
import { leafConditions } from './condition.js';
import { selectorMatcher } from './selector.js';
import type { EvalRule, Labels, Observation, ObservedObject, Outcome, RuleData } from './types.js';

/** A sample: a number, or an error at that time (the query for it failed). */
export type Point = { t: number; v: number | 'error' };

export type MemoryObject = ObservedObject & {
  kind: 'host' | 'container' | 'series';
  /** A container's own engine labels (for `label.<key>` matchers). */
  engineLabels?: Labels;
  /** Series by name: a metric (`cpu_percent`), `status:<status>` or `samples`; sorted by time. */
  series: Record<string, Point[]>;
};

/** Which series a leaf condition reads. */
export function seriesName(c: LeafCondition): string {
  switch (c.kind) {
    case 'threshold':
    case 'rate_of_change':
    case 'anomaly':
      return c.metric;
    case 'status':
      return `status:${c.status}`;
    case 'absence':
      return 'samples';
    case 'log_pattern':
      // One point per matching line.
      return `log:${c.ignoreCase ? 'i' : ''}:${c.pattern}`;
    default:
      return c satisfies never;
  }
}

/** Index of the first point with t > `after` (binary search). */
function firstAfter(points: Point[], after: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as Point).t > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The points in (from, to]. */
const windowOf = (points: Point[], from: number, to: number) =>
  points.slice(firstAfter(points, from), firstAfter(points, to));

const median = (sorted: number[]) => {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** What one leaf condition sees in `points` at `now`. */
export function leafOutcome(c: LeafCondition, points: Point[] | undefined, now: number): Outcome {
  const all = points ?? [];
  const upTo = firstAfter(all, now);
  const latest = all[upTo - 1];
  if (latest?.v === 'error' && c.kind !== 'absence') return { type: 'error', message: 'query failed' };
  const numbers = (from: number) =>
    windowOf(all, from, now)
      .map((p) => p.v)
      .filter((v): v is number => v !== 'error');
  switch (c.kind) {
    case 'absence': {
      const last = all.slice(0, upTo).findLast((p) => p.v !== 'error');
      return { type: 'value', value: last ? (now - last.t) / 1000 : null };
    }
    case 'status': {
      if (c.status !== 'restarting')
        return latest ? { type: 'value', value: latest.v as number } : { type: 'nodata' };
      const start = now - c.windowSec * 1000;
      const before = all.slice(0, firstAfter(all, start)).findLast((p) => p.v !== 'error');
      const inWindow = numbers(start);
      const base = before ? (before.v as number) : inWindow[0];
      const last = inWindow.at(-1) ?? base;
      return base === undefined || last === undefined
        ? { type: 'nodata' }
        : { type: 'value', value: last - base };
    }
    case 'threshold': {
      const xs = numbers(now - c.windowSec * 1000);
      if (xs.length === 0) return { type: 'nodata' };
      const value =
        c.aggregation === 'avg'
          ? xs.reduce((a, b) => a + b, 0) / xs.length
          : c.aggregation === 'min'
            ? Math.min(...xs)
            : c.aggregation === 'max'
              ? Math.max(...xs)
              : (xs.at(-1) as number);
      return { type: 'value', value };
    }
    case 'rate_of_change': {
      const xs = numbers(now - c.windowSec * 1000);
      const first = xs[0];
      const last = xs.at(-1);
      if (xs.length < 2 || first === undefined || last === undefined || first === 0)
        return { type: 'nodata' };
      return { type: 'value', value: ((last - first) / Math.abs(first)) * 100 };
    }
    case 'log_pattern':
      // Lines are only stored where shipped: no line in the window is a count of 0, not no data.
      return { type: 'value', value: numbers(now - c.windowSec * 1000).length };
    case 'anomaly': {
      const long = numbers(now - c.longWindowSec * 1000);
      const short = numbers(now - c.shortWindowSec * 1000);
      const last = short.at(-1);
      if (long.length < 10 || last === undefined) return { type: 'nodata' };
      const sorted = [...long].sort((a, b) => a - b);
      const center = median(sorted);
      const mad = median(long.map((x) => Math.abs(x - center)).sort((a, b) => a - b));
      const mean = short.reduce((a, b) => a + b, 0) / short.length;
      return {
        type: 'value',
        value: mean,
        scores: anomalyScores(mean, last, center, mad),
        vars: { baseline: String(center) },
      };
    }
    default:
      return c satisfies never;
  }
}

/** Distances from the median in robust standard deviations (1.4826 × MAD). */
export function anomalyScores(mean: number, last: number, center: number, mad: number) {
  const scale = Math.max(1.4826 * mad, Math.abs(center) * 1e-6, 1e-9);
  return { short: (mean - center) / scale, last: (last - center) / scale };
}

/** The rule's data from in-memory objects at `now`. */
export function memoryRuleData(rule: EvalRule, objects: readonly MemoryObject[], now: number): RuleData {
  const matches = selectorMatcher(rule.selector);
  const selected = objects.filter(
    (o) => o.kind === rule.selector.object && matches(o.labels, o.engineLabels ?? {}),
  );
  const leaves = leafConditions(rule.condition as AlertCondition);
  const observed = selected.map(({ key, labels, url, vars }) => ({
    key,
    labels,
    url,
    ...(vars ? { vars } : {}),
  }));
  return {
    objects: observed,
    leaves: leaves.map((leaf) =>
      selected.map(
        (o, i): Observation => ({
          ...(observed[i] as ObservedObject),
          outcome: leafOutcome(leaf, o.series[seriesName(leaf)] ?? o.series.value, now),
        }),
      ),
    ),
  };
}
