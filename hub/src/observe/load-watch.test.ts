import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../log.js';
import { HubStats } from './hub-stats.js';
import { LoadWatch } from './load-watch.js';

function watch(kind: 'pglite' | 'postgres', agents = 1) {
  let now = 0;
  const stats = new HubStats();
  const lw = new LoadWatch({ kind, stats, connected: () => agents, log: silentLogger(), clock: () => now });
  return {
    lw,
    /** `samples` stored over the next minute, then a check. */
    minute(samples: number) {
      stats.recordBatch(true, 0, samples, 0);
      now += 60_000;
      lw.check();
    },
  };
}

describe('LoadWatch', () => {
  it('stays quiet for a homelab load on PGlite', () => {
    const w = watch('pglite', 10);
    w.lw.check();
    w.minute(10 * 60 * 5); // 50 samples/s
    assert.deepEqual(w.lw.warnings, []);
  });

  it('warns past the sample rate limit, and clears when the load drops', () => {
    const w = watch('pglite');
    w.lw.check();
    w.minute(60 * 500);
    assert.equal(w.lw.warnings[0]?.code, 'pglite_load');
    assert.match(w.lw.warnings[0]?.message ?? '', /500 samples\/s.*DATABASE_URL/);
    w.minute(60);
    assert.deepEqual(w.lw.warnings, []);
  });

  it('warns past the agent limit', () => {
    const w = watch('pglite', 51);
    w.lw.check();
    w.minute(0);
    assert.equal(w.lw.warnings.length, 1);
  });

  it('never warns on PostgreSQL', () => {
    const w = watch('postgres', 500);
    w.lw.check();
    w.minute(60 * 5000);
    assert.deepEqual(w.lw.warnings, []);
  });
});
