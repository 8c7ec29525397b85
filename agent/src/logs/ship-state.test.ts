import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ShipState, shipKey } from './ship-state.js';

test('the mark counts the shipped lines at the last time, across items, and survives a reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ship-state-'));
  try {
    const key = shipKey('podman:/run/podman.sock', 'abc');
    const state = await ShipState.open(dir);
    assert.equal(state.mark(key), undefined);
    await state.advance(key, ['t1', 't2', 't2']);
    assert.deepEqual(state.mark(key), { time: 't2', n: 2 });
    // The next item is all in the same second: the count goes on.
    await state.advance(key, ['t2', 't2']);
    assert.deepEqual(state.mark(key), { time: 't2', n: 4 });
    await state.advance(key, ['t2', 't3']);
    assert.deepEqual(state.mark(key), { time: 't3', n: 1 });
    const reopened = await ShipState.open(dir);
    assert.deepEqual(reopened.mark(key), { time: 't3', n: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
