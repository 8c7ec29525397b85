/**
 * Formatting for numbers the UI shows: byte sizes and rates (binary units, as `free` and Docker
 * report memory), percentages, durations and "time ago". Pure functions, no DOM, so they are
 * unit-tested under Node.
 * @module
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Placeholder for a value that is not known yet (no sample). */
export const MISSING = '—';

/**
 * Bytes in binary units with about three significant digits.
 * @example formatBytes(1536) // "1.5 KiB"
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return MISSING;
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // Rounding can carry into the next unit (1023.96 KiB → "1024 KiB"); move up instead.
  if (unit < BYTE_UNITS.length - 1 && Number(value.toFixed(digitsFor(value))) >= 1024) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : digitsFor(value);
  return `${sign}${trimZeros(value.toFixed(digits))} ${BYTE_UNITS[unit]}`;
}

/** A transfer rate, e.g. "12.3 MiB/s". */
export function formatRate(bytesPerSec: number | null | undefined): string {
  const text = formatBytes(bytesPerSec);
  return text === MISSING ? text : `${text}/s`;
}

/**
 * A percentage given in percent (0–100, or above for multi-core container CPU).
 * @example formatPercent(3.14) // "3.1%"
 */
export function formatPercent(percent: number | null | undefined): string {
  if (percent == null || !Number.isFinite(percent)) return MISSING;
  const digits = Math.abs(percent) >= 100 ? 0 : 1;
  return `${trimZeros(percent.toFixed(digits))}%`;
}

/** `part` as a percentage of `whole`, clamped to [0, 100]; null when either is unknown. */
export function ratioPercent(
  part: number | null | undefined,
  whole: number | null | undefined,
): number | null {
  if (part == null || whole == null || !(whole > 0)) return null;
  return Math.min(100, Math.max(0, (part / whole) * 100));
}

/** A load average or other small decimal: two digits. */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value == null || !Number.isFinite(value)) return MISSING;
  return value.toFixed(digits);
}

/**
 * A duration in seconds as its two largest units.
 * @example formatDuration(93_784) // "1d 2h"
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return MISSING;
  const s = Math.floor(seconds);
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

/**
 * How long ago `at` (epoch ms) was, relative to `now`.
 * @example formatRelative(now - 90_000, now) // "1 min ago"
 */
export function formatRelative(at: number | null | undefined, now: number = Date.now()): string {
  if (at == null || !Number.isFinite(at)) return 'never';
  const diff = Math.round((now - at) / 1000);
  if (diff < 0) return diff > -60 ? 'just now' : `in ${formatDuration(-diff)}`;
  if (diff < 10) return 'just now';
  if (diff < 60) return `${diff} s ago`;
  if (diff < 3600) return `${Math.floor(diff / 60)} min ago`;
  if (diff < 86_400) return `${Math.floor(diff / 3600)} h ago`;
  return `${Math.floor(diff / 86_400)} d ago`;
}

/**
 * Time until `at` (epoch ms), for expiries.
 * @example formatUntil(now + 3_600_000, now) // "in 1h"
 */
export function formatUntil(at: number, now: number = Date.now()): string {
  const diff = Math.round((at - now) / 1000);
  if (diff <= 0) return 'expired';
  return `in ${formatDuration(diff)}`;
}

function digitsFor(value: number): number {
  if (value >= 100) return 0;
  if (value >= 10) return 1;
  return 2;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
