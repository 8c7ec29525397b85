import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BatchItem } from '@unity/shared';
import { batchJson, itemJson } from './item-json.js';

const items: BatchItem[] = [
  { kind: 'gap', ts: 5, fromSeq: 1, toSeq: 2, droppedItems: 3 },
  {
    kind: 'container_stats',
    ts: 7,
    engineId: 'podman:/run/ü "quoted" \\ path',
    stats: [
      {
        id: 'abc',
        cpuPercent: 0.125,
        memoryBytes: 1,
        memoryLimitBytes: 2,
        netRxBytesPerSec: 3.5,
        netTxBytesPerSec: 0,
        blockReadBytesPerSec: 0,
        blockWriteBytesPerSec: 1e21,
        pids: 4,
      },
    ],
  },
];

describe('batch JSON from item texts', () => {
  it('is exactly what JSON.stringify makes of the frame', () => {
    for (const list of [[], items.slice(0, 1), items])
      assert.equal(batchJson(42, list), JSON.stringify({ type: 'batch', seq: 42, items: list }));
  });

  it('serialises an item once: a later change to it is not seen (items are final once collected)', () => {
    const item: BatchItem = { kind: 'gap', ts: 1, fromSeq: 1, toSeq: 1, droppedItems: 1 };
    const first = itemJson(item);
    item.droppedItems = 9;
    assert.equal(itemJson(item), first);
    assert.notEqual(itemJson({ ...item }), first, 'another object is serialised afresh');
  });
});
