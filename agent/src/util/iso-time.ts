/**
 * `Date.prototype.toISOString`'s text, built from the UTC getters. V8 (Node 24) looks up the
 * local zone's display name on its way to any date string, ISO included, and that first
 * lookup pages in ICU's zone names: about 0.9 MiB of resident memory for the life of the
 * process (issue 3's 60 MB figure), for a text that is always UTC. The agent formats its own
 * times here instead (enrollment, log times).
 * @module
 */
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The ISO 8601 UTC text of epoch milliseconds, exactly as `toISOString`; RangeError when invalid. */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  // Invalid dates and times out of Date's range throw, as toISOString does.
  if (Number.isNaN(d.getTime())) throw new RangeError('Invalid time value');
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : `${y < 0 ? '-' : '+'}${pad(Math.abs(y), 6)}`;
  return (
    `${year}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`
  );
}
