import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially and never passes the cap', () => {
    const hi = { baseMs: 500, maxMs: 30_000, random: () => 0.999999 };
    assert.equal(backoffDelay(0, hi), 500);
    assert.equal(backoffDelay(3, hi), 4000);
    assert.equal(backoffDelay(20, hi), 30_000);
    assert.equal(backoffDelay(1000, hi), 30_000);
  });

  it('jitters between half the base and the cap', () => {
    const lo = { baseMs: 500, maxMs: 30_000, random: () => 0 };
    assert.equal(backoffDelay(10, lo), 250);
  });
});
