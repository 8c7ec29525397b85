/**
 * The JSON text of a batch item, made once: the scheduler sizes the items to pack them into
 * frames (split.ts) and the outbox then writes the same items into the frame's text. Serialising
 * a tick's items twice was a tenth of the agent's own work per tick (issue 3's CPU figure).
 * Items are not changed once collected, so the text made first stays true.
 * @module
 */
import type { BatchItem } from '@unity/shared';

const texts = new WeakMap<BatchItem, string>();

export function itemJson(item: BatchItem): string {
  let text = texts.get(item);
  if (text === undefined) {
    text = JSON.stringify(item);
    texts.set(item, text);
  }
  return text;
}

/** `JSON.stringify({ type: 'batch', seq, items })`, from the items' texts. */
export const batchJson = (seq: number, items: readonly BatchItem[]): string =>
  `{"type":"batch","seq":${seq},"items":[${items.map(itemJson).join(',')}]}`;
