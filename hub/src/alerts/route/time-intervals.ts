/**
 * Time intervals, the one schedule concept behind mute timings, active times and recurring
 * silences: a spec holds when each of its fields holds (weekdays, times with an exclusive end,
 * days of the month counted from either end, months, years), read on the wall clock of its IANA
 * location through Intl, so daylight saving time needs no table of ours.
 * @module
 */
import {
  type NumberRange,
  parseClock,
  parseDayOfMonthRange,
  parseMonthRange,
  parseWeekdayRange,
  parseYearRange,
  type TimeIntervalSpec,
} from '@unity/shared';

/** Whether an instant (epoch ms) is inside the schedule. */
export type TimeCheck = (t: number) => boolean;

export type LocalTime = {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 0 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
  daysInMonth: number;
};

const WEEKDAY_INDEX: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock fields of instant `t` in `zone`. */
export function localTime(t: number, zone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(t)) parts[p.type] = p.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  return {
    year,
    month,
    day: Number(parts.day),
    weekday: WEEKDAY_INDEX[parts.weekday ?? ''] ?? 0,
    minute: (Number(parts.hour) % 24) * 60 + Number(parts.minute),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

const ranges = (items: string[] | undefined, parse: (s: string) => NumberRange | undefined) =>
  items?.map((s) => {
    const r = parse(s);
    if (!r) throw new Error(`invalid time interval field: ${s}`);
    return r;
  });

const inAny = (rs: NumberRange[], v: number) => rs.some((r) => v >= r.start && v <= r.end);

/** Compiles one spec; fields were validated by the shared schema, a bad one throws here. */
export function compileTimeIntervalSpec(spec: TimeIntervalSpec): TimeCheck {
  const zone = spec.location ?? 'UTC';
  const times = spec.times?.map((r) => ({ start: parseClock(r.start) ?? 0, end: parseClock(r.end) ?? 0 }));
  const weekdays = ranges(spec.weekdays, parseWeekdayRange);
  const days = ranges(spec.daysOfMonth, parseDayOfMonthRange);
  const months = ranges(spec.months, parseMonthRange);
  const years = ranges(spec.years, parseYearRange);
  return (t) => {
    const local = localTime(t, zone);
    if (times && !times.some((r) => local.minute >= r.start && local.minute < r.end)) return false;
    if (
      weekdays &&
      !weekdays.some((r) =>
        r.start <= r.end ? inAny([r], local.weekday) : local.weekday >= r.start || local.weekday <= r.end,
      )
    )
      return false;
    if (months && !inAny(months, local.month)) return false;
    if (years && !inAny(years, local.year)) return false;
    if (days) {
      const abs = (d: number) => (d < 0 ? local.daysInMonth + 1 + d : d);
      if (!days.some((r) => local.day >= abs(r.start) && local.day <= abs(r.end))) return false;
    }
    return true;
  };
}

/** A schedule of several specs holds when any of them does. */
export function compileTimeIntervals(specs: readonly TimeIntervalSpec[]): TimeCheck {
  const checks = specs.map(compileTimeIntervalSpec);
  return (t) => checks.some((c) => c(t));
}
