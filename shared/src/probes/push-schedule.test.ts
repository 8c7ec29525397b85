import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProbeSpecSchema } from './definition.js';
import { cronError, isValidTimeZone, nextExpected } from './push-schedule.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** The next `n` expected times after `from`, each computed from the previous one. */
const series = (schedule: Parameters<typeof nextExpected>[0], from: string, n: number) => {
  const out: (string | null)[] = [];
  let at = Date.parse(from);
  for (let i = 0; i < n; i++) {
    const next = nextExpected(schedule, at);
    out.push(iso(next));
    if (next === null) break;
    at = next;
  }
  return out;
};

describe('push schedules', () => {
  it('expects a periodic ping one period after the last', () => {
    assert.equal(iso(nextExpected({ periodSeconds: 90, timeZone: 'UTC' }, 0)), '1970-01-01T00:01:30.000Z');
  });

  it('keeps 09:00 Berlin time across the spring change (last Sunday of March: CET to CEST)', () => {
    const s = { cron: '0 9 * * *', timeZone: 'Europe/Berlin' };
    assert.deepEqual(series(s, '2026-03-27T12:00:00Z', 3), [
      '2026-03-28T08:00:00.000Z', // 09:00 CET (UTC+1)
      '2026-03-29T07:00:00.000Z', // 09:00 CEST (UTC+2), the day of the change
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('keeps 09:00 Berlin time across the autumn change (last Sunday of October: CEST to CET)', () => {
    const s = { cron: '0 9 * * *', timeZone: 'Europe/Berlin' };
    assert.deepEqual(series(s, '2026-10-23T12:00:00Z', 3), [
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('expects a job in the skipped or repeated hour once a day, not never and not twice', () => {
    const s = { cron: '30 2 * * *', timeZone: 'Europe/Berlin' };
    // 02:30 does not exist on 29 March 2026; the job is expected once that day all the same.
    const spring = series(s, '2026-03-28T12:00:00Z', 2);
    assert.equal(spring.filter((t) => t?.startsWith('2026-03-29')).length, 1);
    // 02:30 happens twice on 25 October 2026; one ping is expected, not two.
    const autumn = series(s, '2026-10-24T12:00:00Z', 2);
    assert.deepEqual(autumn, ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('reads the same cron in another zone at that zone’s time', () => {
    const s = { cron: '0 9 * * 1', timeZone: 'America/New_York' };
    assert.deepEqual(series(s, '2026-03-01T00:00:00Z', 2), [
      '2026-03-02T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
  });

  it('checks cron expressions and time zones', () => {
    assert.equal(cronError('*/5 * * * *'), null);
    assert.match(cronError('0 0 * * * *') ?? '', /5 fields/);
    assert.match(cronError('61 * * * *') ?? '', /minute/);
    assert.ok(isValidTimeZone('Europe/Berlin'));
    assert.ok(!isValidTimeZone('Mars/Olympus_Mons'));
  });

  it('refuses a push probe without exactly one schedule, or with a bad cron or time zone, naming the field', () => {
    const path = (input: Record<string, unknown>) => {
      const parsed = ProbeSpecSchema.safeParse({ kind: 'push', name: 'backup', ...input });
      return parsed.success ? 'ok' : parsed.error.issues.map((i) => i.path.join('.')).join(',');
    };
    assert.equal(path({ periodSeconds: 60 }), 'ok');
    assert.equal(path({ cron: '0 3 * * *', timeZone: 'Europe/Berlin' }), 'ok');
    assert.equal(path({}), 'periodSeconds');
    assert.equal(path({ periodSeconds: 60, cron: '0 3 * * *' }), 'cron');
    assert.equal(path({ periodSeconds: 5 }), 'periodSeconds');
    assert.equal(path({ cron: 'every day' }), 'cron');
    assert.equal(path({ cron: '0 3 * * *', timeZone: 'Europe/Atlantis' }), 'timeZone');
    assert.equal(path({ periodSeconds: 60, graceSeconds: -1 }), 'graceSeconds');
  });
});
