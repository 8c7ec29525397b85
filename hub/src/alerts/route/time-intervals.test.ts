import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeIntervalSpecSchema } from '@unity/shared';
import { compileTimeIntervalSpec, compileTimeIntervals, localTime } from './time-intervals.js';

const at = (iso: string) => Date.parse(iso);

describe('time intervals', () => {
  it('reads wall-clock fields in the interval’s time zone, across daylight saving time', () => {
    // 2025-03-30 is the day Paris moves to summer time at 02:00 → 03:00.
    assert.deepEqual(localTime(at('2025-03-30T00:30:00Z'), 'Europe/Paris'), {
      year: 2025,
      month: 3,
      day: 30,
      weekday: 0,
      minute: 90,
      daysInMonth: 31,
    });
    assert.equal(localTime(at('2025-03-30T01:30:00Z'), 'Europe/Paris').minute, 3 * 60 + 30);
    assert.equal(localTime(at('2025-01-01T04:59:00Z'), 'America/New_York').day, 31);
  });

  it('times: the start is included, the end excluded, 24:00 closes the day', () => {
    const office = compileTimeIntervalSpec({ times: [{ start: '09:00', end: '17:00' }] });
    assert.equal(office(at('2025-01-06T08:59:59Z')), false);
    assert.equal(office(at('2025-01-06T09:00:00Z')), true);
    assert.equal(office(at('2025-01-06T16:59:59Z')), true);
    assert.equal(office(at('2025-01-06T17:00:00Z')), false);
    const evening = compileTimeIntervalSpec({ times: [{ start: '22:00', end: '24:00' }] });
    assert.equal(evening(at('2025-01-06T23:59:59Z')), true);
    assert.equal(evening(at('2025-01-07T00:00:00Z')), false);
  });

  it('evaluates in the location: 09:00–17:00 in Tokyo is 00:00–08:00 UTC', () => {
    const tokyo = compileTimeIntervalSpec({
      times: [{ start: '09:00', end: '17:00' }],
      location: 'Asia/Tokyo',
    });
    assert.equal(tokyo(at('2025-01-06T00:00:00Z')), true);
    assert.equal(tokyo(at('2025-01-06T07:59:00Z')), true);
    assert.equal(tokyo(at('2025-01-06T08:00:00Z')), false);
  });

  it('summer time moves the window in UTC', () => {
    const paris = compileTimeIntervalSpec({
      times: [{ start: '09:00', end: '10:00' }],
      location: 'Europe/Paris',
    });
    assert.equal(paris(at('2025-01-15T08:30:00Z')), true); // CET, UTC+1
    assert.equal(paris(at('2025-07-15T08:30:00Z')), false); // CEST, UTC+2: 10:30 local
    assert.equal(paris(at('2025-07-15T07:30:00Z')), true);
  });

  it('weekdays in ranges, in the location', () => {
    const weekdays = compileTimeIntervalSpec({ weekdays: ['monday:friday'], location: 'Pacific/Auckland' });
    // Sunday 20:00 UTC is already Monday 09:00 in Auckland.
    assert.equal(weekdays(at('2025-01-05T20:00:00Z')), true);
    assert.equal(weekdays(at('2025-01-04T20:00:00Z')), false); // Sunday there
    const weekend = compileTimeIntervalSpec({ weekdays: ['saturday', 'sunday'] });
    assert.equal(weekend(at('2025-01-05T12:00:00Z')), true);
    assert.equal(weekend(at('2025-01-06T12:00:00Z')), false);
    // A range may wrap around the week.
    const long = compileTimeIntervalSpec({ weekdays: ['friday:monday'] });
    assert.deepEqual(
      ['2025-01-03', '2025-01-04', '2025-01-05', '2025-01-06', '2025-01-07', '2025-01-08', '2025-01-09'].map(
        (d) => long(at(`${d}T12:00:00Z`)),
      ),
      [true, true, true, true, false, false, false],
    );
  });

  it('negative days of the month count from its end, leap years included', () => {
    const last = compileTimeIntervalSpec({ daysOfMonth: ['-1'] });
    assert.equal(last(at('2025-01-31T12:00:00Z')), true);
    assert.equal(last(at('2025-02-28T12:00:00Z')), true);
    assert.equal(last(at('2024-02-28T12:00:00Z')), false);
    assert.equal(last(at('2024-02-29T12:00:00Z')), true);
    assert.equal(last(at('2025-04-30T12:00:00Z')), true);
    const lastThree = compileTimeIntervalSpec({ daysOfMonth: ['-3:-1'] });
    assert.equal(lastThree(at('2025-02-26T00:00:00Z')), true);
    assert.equal(lastThree(at('2025-02-25T23:59:00Z')), false);
    const whole = compileTimeIntervalSpec({ daysOfMonth: ['1:-1'] });
    assert.equal(whole(at('2025-02-28T00:00:00Z')), true);
    const firstWeek = compileTimeIntervalSpec({ daysOfMonth: ['1:7'] });
    assert.equal(firstWeek(at('2025-03-07T23:00:00Z')), true);
    assert.equal(firstWeek(at('2025-03-08T00:00:00Z')), false);
  });

  it('months and years, and every field of a spec must hold', () => {
    const spec = compileTimeIntervalSpec({
      months: ['december', 'january:february'],
      years: ['2025:2026'],
      weekdays: ['saturday:sunday'],
    });
    assert.equal(spec(at('2025-01-05T12:00:00Z')), true);
    assert.equal(spec(at('2025-01-06T12:00:00Z')), false); // a Monday
    assert.equal(spec(at('2025-03-01T12:00:00Z')), false); // March
    assert.equal(spec(at('2024-12-01T12:00:00Z')), false); // 2024
  });

  it('a schedule holds when any of its specs does; an empty spec always holds', () => {
    const check = compileTimeIntervals([{ weekdays: ['monday'] }, { weekdays: ['friday'] }]);
    assert.equal(check(at('2025-01-06T12:00:00Z')), true);
    assert.equal(check(at('2025-01-10T12:00:00Z')), true);
    assert.equal(check(at('2025-01-08T12:00:00Z')), false);
    assert.equal(compileTimeIntervalSpec({})(at('2025-01-08T12:00:00Z')), true);
  });

  it('the schema refuses what the evaluation could not read', () => {
    const bad = [
      { times: [{ start: '17:00', end: '09:00' }] },
      { times: [{ start: '09:00', end: '24:01' }] },
      { weekdays: ['friday:funday'] },
      { daysOfMonth: ['0'] },
      { daysOfMonth: ['-1:3'] },
      { daysOfMonth: ['-1:-3'] },
      { months: ['13'] },
      { years: ['25'] },
      { location: 'Nowhere/Town' },
    ];
    for (const spec of bad)
      assert.equal(TimeIntervalSpecSchema.safeParse(spec).success, false, JSON.stringify(spec));
  });
});
