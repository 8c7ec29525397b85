import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_NOTIFICATION_POLICY,
  formatDuration,
  formatMatcher,
  NotificationPolicySchema,
  parseDayOfMonthRange,
  parseDuration,
  parseMatcher,
  parseWeekdayRange,
  SilenceCreateSchema,
} from './alert-routing.js';

describe('alert routing shapes', () => {
  it('parses and formats durations', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseDuration('0s'), 0);
    assert.equal(parseDuration('5'), undefined);
    assert.equal(parseDuration('1.5h'), undefined);
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(0), '0s');
  });

  it('reads and writes matchers as text', () => {
    const m = parseMatcher('severity=~"critical|warning"');
    assert.deepEqual(m, { label: 'severity', op: '=~', value: 'critical|warning' });
    assert.ok(m);
    assert.equal(formatMatcher(m), 'severity=~"critical|warning"');
    assert.deepEqual(parseMatcher('host != h1'), { label: 'host', op: '!=', value: 'h1' });
    assert.equal(parseMatcher('1host=a'), undefined);
    assert.equal(parseMatcher('a=~"("'), undefined);
  });

  it('weekday and day-of-month ranges', () => {
    assert.deepEqual(parseWeekdayRange('Monday:Friday'), { start: 1, end: 5 });
    assert.deepEqual(parseWeekdayRange('saturday:sunday'), { start: 6, end: 0 });
    assert.equal(parseWeekdayRange('mon'), undefined);
    assert.deepEqual(parseDayOfMonthRange('-3:-1'), { start: -3, end: -1 });
    assert.deepEqual(parseDayOfMonthRange('1:-1'), { start: 1, end: -1 });
    assert.equal(parseDayOfMonthRange('-1:3'), undefined);
    assert.equal(parseDayOfMonthRange('32'), undefined);
  });

  it('the default policy is valid; silences need a matcher that is not empty', () => {
    assert.equal(NotificationPolicySchema.safeParse(DEFAULT_NOTIFICATION_POLICY).success, true);
    const silence = { endsAt: '2030-01-01T00:00:00Z', comment: 'x' };
    assert.equal(
      SilenceCreateSchema.safeParse({ ...silence, matchers: [{ label: 'team', op: '!~', value: '.+' }] })
        .success,
      false,
    );
    assert.equal(
      SilenceCreateSchema.safeParse({ ...silence, matchers: [{ label: 'team', op: '!=', value: '' }] })
        .success,
      true,
    );
    assert.equal(
      SilenceCreateSchema.safeParse({
        ...silence,
        startsAt: '2031-01-01T00:00:00Z',
        matchers: [{ label: 'a', op: '=', value: 'b' }],
      }).success,
      false,
    );
  });
});
