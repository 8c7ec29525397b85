/**
 * Packs batch items into chunks that each fit one frame (MAX_FRAME_BYTES, at most 1000 items),
 * leaving room for the envelope and the gap items the outbox may add.
 * @module
 */
import { type BatchItem, MAX_FRAME_BYTES } from '@unity/shared';
import { MAX_GAP_RANGES } from './gaps.js';
import { itemJson } from './item-json.js';

export type SplitLimits = { maxBytes: number; maxItems: number };

export const DEFAULT_SPLIT_LIMITS: SplitLimits = {
  maxBytes: MAX_FRAME_BYTES - 64 * 1024,
  maxItems: 1000 - MAX_GAP_RANGES,
};

const sizeOf = (item: BatchItem): number => Buffer.byteLength(itemJson(item)) + 1;

/**
 * Greedy packing in order. A `container_stats` item too big on its own is cut into several;
 * any other item too big on its own is returned in `dropped` (it could never be sent).
 */
export function splitItems(
  items: readonly BatchItem[],
  limits: SplitLimits = DEFAULT_SPLIT_LIMITS,
): { chunks: BatchItem[][]; dropped: BatchItem[] } {
  const chunks: BatchItem[][] = [];
  const dropped: BatchItem[] = [];
  let current: BatchItem[] = [];
  let currentBytes = 0;
  const place = (item: BatchItem) => {
    const size = sizeOf(item);
    if (size > limits.maxBytes) {
      if (item.kind === 'container_stats' && item.stats.length > 1) {
        const half = Math.ceil(item.stats.length / 2);
        place({ ...item, stats: item.stats.slice(0, half) });
        place({ ...item, stats: item.stats.slice(half) });
      } else {
        dropped.push(item);
      }
      return;
    }
    if (current.length > 0 && (currentBytes + size > limits.maxBytes || current.length >= limits.maxItems)) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += size;
  };
  for (const item of items) place(item);
  if (current.length > 0) chunks.push(current);
  return { chunks, dropped };
}
