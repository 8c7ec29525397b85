import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBytes,
  formatDuration,
  formatNumber,
  formatPercent,
  formatRate,
  formatRelative,
  formatUntil,
  MISSING,
  ratioPercent,
} from './format.js';

describe('formatBytes', () => {
  it('uses binary units with about three significant digits', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1024), '1 KiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(10.25 * 1024 ** 2), '10.3 MiB');
    assert.equal(formatBytes(123.4 * 1024 ** 3), '123 GiB');
    assert.equal(formatBytes(2 * 1024 ** 4), '2 TiB');
  });
  it('carries into the next unit instead of showing 1024', () => {
    assert.equal(formatBytes(1024 * 1024 - 1), '1 MiB');
  });
  it('shows a placeholder for unknown values', () => {
    assert.equal(formatBytes(null), MISSING);
    assert.equal(formatBytes(undefined), MISSING);
    assert.equal(formatBytes(Number.NaN), MISSING);
  });
  it('keeps the sign of negative values', () => {
    assert.equal(formatBytes(-2048), '-2 KiB');
  });
});

describe('formatRate', () => {
  it('appends /s', () => {
    assert.equal(formatRate(2048), '2 KiB/s');
    assert.equal(formatRate(null), MISSING);
  });
});

describe('formatPercent', () => {
  it('shows one decimal below 100 and none above', () => {
    assert.equal(formatPercent(3.14), '3.1%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(50), '50%');
    assert.equal(formatPercent(250.6), '251%');
    assert.equal(formatPercent(null), MISSING);
  });
});

describe('ratioPercent', () => {
  it('clamps to [0, 100] and needs a positive whole', () => {
    assert.equal(ratioPercent(1, 4), 25);
    assert.equal(ratioPercent(5, 4), 100);
    assert.equal(ratioPercent(1, 0), null);
    assert.equal(ratioPercent(null, 4), null);
  });
});

describe('formatNumber', () => {
  it('fixes the digits', () => {
    assert.equal(formatNumber(0.5), '0.50');
    assert.equal(formatNumber(null), MISSING);
  });
});

describe('formatDuration', () => {
  it('shows the two largest units', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(45), '45s');
    assert.equal(formatDuration(3600), '1h');
    assert.equal(formatDuration(3661), '1h 1m');
    assert.equal(formatDuration(93_784), '1d 2h');
    assert.equal(formatDuration(-1), MISSING);
  });
});

describe('formatRelative', () => {
  const now = 1_700_000_000_000;
  it('describes the past in coarse steps', () => {
    assert.equal(formatRelative(now - 3_000, now), 'just now');
    assert.equal(formatRelative(now - 30_000, now), '30 s ago');
    assert.equal(formatRelative(now - 90_000, now), '1 min ago');
    assert.equal(formatRelative(now - 2 * 3_600_000, now), '2 h ago');
    assert.equal(formatRelative(now - 3 * 86_400_000, now), '3 d ago');
  });
  it('handles missing and slightly future times', () => {
    assert.equal(formatRelative(null, now), 'never');
    assert.equal(formatRelative(now + 5_000, now), 'just now');
  });
});

describe('formatUntil', () => {
  const now = 1_700_000_000_000;
  it('describes an expiry', () => {
    assert.equal(formatUntil(now + 3_600_000, now), 'in 1h');
    assert.equal(formatUntil(now - 1, now), 'expired');
  });
});
