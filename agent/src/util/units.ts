/**
 * Parsing of human durations (`500ms`, `10s`, `1m`) and sizes (`256MiB`, `1GB`, `1048576`).
 * @module
 */
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of `10s`-style text, or undefined when it is not a duration with a unit. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const unit = DURATION_UNITS[match[2]];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** Bytes of `256MiB`-style text (a bare number is bytes), or undefined when unreadable. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match?.[1]) return undefined;
  const unit = SIZE_UNITS[(match[2] ?? '').toLowerCase()];
  return unit === undefined ? undefined : Math.floor(Number(match[1]) * unit);
}
