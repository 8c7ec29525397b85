import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jitter, mbps, mean, ThroughputMeter } from './maths.js';

describe('speed test maths', () => {
  it('jitter is the mean absolute difference of consecutive round trips', () => {
    // |12-10| + |9-12| + |13-9| = 2 + 3 + 4 = 9 over 3 differences
    assert.equal(jitter([10, 12, 9, 13]), 3);
    assert.equal(jitter([5, 5, 5]), 0);
    assert.equal(jitter([7]), 0);
    assert.equal(jitter([]), 0);
    // Order matters: the same values sorted have less jitter.
    assert.ok(jitter([1, 9, 1, 9]) > jitter([1, 1, 9, 9]));
  });

  it('mean latency', () => {
    assert.equal(mean([10, 12, 9, 13]), 11);
    assert.equal(mean([]), 0);
  });

  it('megabits per second', () => {
    assert.equal(mbps(125_000_000, 1000), 1000); // 1 Gbit in one second
    assert.equal(mbps(1_250_000, 2000), 5);
    assert.equal(mbps(1000, 0), 0);
  });

  it('the meter drops the warm-up and stops counting once finished', () => {
    let t = 1000;
    const meter = new ThroughputMeter(1000, 500, () => t);
    meter.add(10_000_000); // during warm-up: not measured
    t = 1500;
    meter.add(1_250_000);
    t = 2000;
    meter.add(1_250_000);
    t = 2500;
    meter.finish();
    t = 2600;
    meter.add(99_000_000); // a request torn down after the end
    assert.equal(meter.measuredBytes, 2_500_000);
    assert.equal(meter.totalBytes, 111_500_000);
    // 2.5 MB in the 1000 ms from the warm-up's end (1500) to the finish (2500) = 20 Mbit/s
    assert.equal(meter.mbps, 20);
  });
});
