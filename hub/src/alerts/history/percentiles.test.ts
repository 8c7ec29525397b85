import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationStats, quantile } from './percentiles.js';

describe('duration statistics', () => {
  it('interpolates percentiles between ranks as percentile_cont does', () => {
    assert.equal(quantile([10, 20, 30, 60], 0.5), 25);
    assert.ok(Math.abs((quantile([10, 20, 30, 60], 0.9) ?? 0) - 51) < 1e-9);
    assert.equal(quantile([7], 0.9), 7);
    assert.equal(quantile([], 0.5), undefined);
  });

  it('gives mean, median and p90 of unsorted values, and nulls for none', () => {
    assert.deepEqual(durationStats([600, 120, 360, 240]), {
      count: 4,
      meanMs: 330,
      medianMs: 300,
      p90Ms: 528,
    });
    assert.deepEqual(durationStats([]), { count: 0, meanMs: null, medianMs: null, p90Ms: null });
  });
});
