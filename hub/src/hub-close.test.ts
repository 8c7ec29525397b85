import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestHub } from './testing/hub.js';

// Every interval started while the test runs, until cleared: an interval a closed hub leaves
// behind keeps querying a closed database (unref'd, so nothing else would notice).
const live = new Map<unknown, string>();
const realSet = globalThis.setInterval;
const realClear = globalThis.clearInterval;
before(() => {
  globalThis.setInterval = ((fn: () => void, ms?: number) => {
    const handle = realSet(fn, ms);
    live.set(handle, new Error().stack?.split('\n').slice(2, 4).join(' <- ').trim() ?? '?');
    return handle;
  }) as typeof setInterval;
  globalThis.clearInterval = ((handle?: Parameters<typeof clearInterval>[0]) => {
    live.delete(handle);
    realClear(handle);
  }) as typeof clearInterval;
});
after(() => {
  globalThis.setInterval = realSet;
  globalThis.clearInterval = realClear;
});

it('a closed hub leaves no interval running (late check, retention, load watch…)', async () => {
  const hub = await startTestHub();
  assert.ok(live.size > 0, 'the running hub has its background loops');
  await hub.close();
  assert.deepEqual([...live.values()], []);
});
