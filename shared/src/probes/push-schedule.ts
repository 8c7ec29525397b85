/**
 * Push (heartbeat) probe schedules, with Healthchecks.io semantics: a job pings the hub, and
 * the next ping is expected either `periodSeconds` after the last one or at the next time its
 * cron expression matches in its time zone. Cron matching is left to `croner`, which handles
 * time zones and daylight-saving gaps and overlaps; writing that by hand is where cron bugs live.
 * @module
 */
import { Cron } from 'croner';

/** Whether the runtime's time zone database knows `zone` (an IANA name such as Europe/Berlin). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why a 5-field cron expression is refused, or null when croner accepts it. */
export function cronError(expression: string): string | null {
  // croner also takes seconds and years (6 or 7 fields); the schedule is documented as classic cron.
  if (expression.trim().split(/\s+/).length !== 5)
    return 'cron must have 5 fields (minute hour day-of-month month day-of-week)';
  try {
    new Cron(expression, { paused: true });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^CronPattern: /, '') : 'invalid cron expression';
  }
}

export type PushSchedule = {
  periodSeconds?: number | undefined;
  cron?: string | undefined;
  timeZone: string;
};

/**
 * When the ping after one at `after` (epoch ms) is due: `after + period`, or the cron
 * expression's next match strictly after `after`, in the schedule's time zone. Null when the
 * cron expression never matches again.
 */
export function nextExpected(schedule: PushSchedule, after: number): number | null {
  if (schedule.cron === undefined) return after + (schedule.periodSeconds ?? 86_400) * 1000;
  const next = new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true }).nextRun(
    new Date(after),
  );
  return next ? next.getTime() : null;
}
