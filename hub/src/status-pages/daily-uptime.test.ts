import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketDays, overallUptime, windowStart } from './daily-uptime.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-10T15:30:00Z');
const midnight = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('day bucketing', () => {
  it('starts the row at UTC midnight 89 days before today', () => {
    assert.equal(new Date(windowStart(NOW)).toISOString(), '2025-12-11T00:00:00.000Z');
    assert.equal(windowStart(midnight('2026-03-10')), windowStart(NOW), 'midnight belongs to its own day');
  });

  it('gives 90 days oldest first, today last, null where nothing was counted', () => {
    const days = bucketDays([], NOW);
    assert.equal(days.length, 90);
    assert.equal(days[0]?.date, '2025-12-11');
    assert.equal(days[89]?.date, '2026-03-10');
    assert.ok(days.every((d) => d.uptimePercent === null && d.checks === 0));
  });

  it('puts each day’s counts on its date and computes its uptime', () => {
    const days = bucketDays(
      [
        { day: midnight('2026-03-10'), checks: 1440, failures: 0 },
        { day: midnight('2026-03-09'), checks: 1440, failures: 36 },
        { day: midnight('2025-12-11'), checks: 3, failures: 3 },
      ],
      NOW,
    );
    const byDate = new Map(days.map((d) => [d.date, d]));
    assert.equal(byDate.get('2026-03-10')?.uptimePercent, 100);
    assert.equal(byDate.get('2026-03-09')?.uptimePercent, 97.5);
    assert.equal(byDate.get('2025-12-11')?.uptimePercent, 0);
    assert.equal(byDate.get('2026-03-08')?.uptimePercent, null);
  });

  it('ignores counts outside the row (older than 90 days, or from a clock ahead)', () => {
    const days = bucketDays(
      [
        { day: midnight('2025-12-10'), checks: 10, failures: 10 },
        { day: midnight('2026-03-11'), checks: 10, failures: 10 },
      ],
      NOW,
    );
    assert.ok(days.every((d) => d.checks === 0));
  });

  it('adds up counts of the same day (several rows for one day)', () => {
    const days = bucketDays(
      [
        { day: midnight('2026-03-10'), checks: 3, failures: 1 },
        { day: midnight('2026-03-10'), checks: 1, failures: 0 },
      ],
      NOW,
    );
    assert.deepEqual(days[89], { date: '2026-03-10', uptimePercent: 75, checks: 4 });
  });

  it('gives the whole row’s uptime from all counted runs, null with none', () => {
    assert.equal(
      overallUptime([
        { day: 0, checks: 3, failures: 0 },
        { day: DAY, checks: 1, failures: 1 },
      ]),
      75,
    );
    assert.equal(overallUptime([]), null);
  });
});
