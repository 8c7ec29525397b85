/**
 * Helpers for chart data: the request window for a range, and columns out of point lists.
 * @module
 */
import type { SeriesWindow } from '../api/client.js';
import { RANGES, type RangeKey } from './unity-range-picker.js';

/** Enough points for a wide chart; the hub picks the resolution that fills them. */
const POINTS = 240;

export function windowFor(range: RangeKey, now: number = Date.now()): SeriesWindow {
  return { from: now - RANGES[range], to: now, points: POINTS };
}

/** One numeric field of every point, as a chart column. */
export function column<P, K extends keyof P>(points: readonly P[], key: K): number[] {
  return points.map((p) => p[key] as number);
}
