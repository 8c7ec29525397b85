/**
 * Bookkeeping of seq ranges the outbox had to drop, kept as few disjoint ranges as possible so
 * the next batch can report them as `gap` items.
 * @module
 */
import type { GapItem } from '@unity/shared';

export type GapRange = { fromSeq: number; toSeq: number; droppedItems: number };

/** More ranges than this are folded together (slightly over-reporting) to keep batches small. */
export const MAX_GAP_RANGES = 32;

/** Adds ranges and returns the sorted, merged list (adjacent or overlapping ranges join). */
export function mergeGaps(existing: readonly GapRange[], added: readonly GapRange[]): GapRange[] {
  const all = [...existing, ...added].sort((a, b) => a.fromSeq - b.fromSeq);
  const merged: GapRange[] = [];
  for (const range of all) {
    const last = merged.at(-1);
    if (last && range.fromSeq <= last.toSeq + 1) {
      last.toSeq = Math.max(last.toSeq, range.toSeq);
      last.droppedItems += range.droppedItems;
    } else {
      merged.push({ ...range });
    }
  }
  while (merged.length > MAX_GAP_RANGES) {
    const [first, second] = merged.splice(0, 2);
    if (!first || !second) break;
    merged.unshift({
      fromSeq: first.fromSeq,
      toSeq: second.toSeq,
      droppedItems: first.droppedItems + second.droppedItems,
    });
  }
  return merged;
}

export const gapItems = (gaps: readonly GapRange[], ts: number): GapItem[] =>
  gaps.map((g) => ({ kind: 'gap', ts, fromSeq: g.fromSeq, toSeq: g.toSeq, droppedItems: g.droppedItems }));
