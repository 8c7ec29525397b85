/**
 * How values read in messages: metric names and units, durations, times.
 * @module
 */

export const METRIC_NAMES: Record<string, string> = {
  cpu_percent: 'CPU',
  memory_percent: 'memory use',
  memory_bytes: 'memory',
  swap_bytes: 'swap',
  load1: 'load (1 min)',
  load5: 'load (5 min)',
  load15: 'load (15 min)',
  net_rx_bytes_per_sec: 'network receive',
  net_tx_bytes_per_sec: 'network send',
  disk_read_bytes_per_sec: 'disk read',
  disk_write_bytes_per_sec: 'disk write',
  block_read_bytes_per_sec: 'block read',
  block_write_bytes_per_sec: 'block write',
  disk_percent: 'disk use',
  pids: 'processes',
};

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return String(Math.round(v * f) / f);
};

function bytes(v: number, suffix = ''): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${v < 0 ? '-' : ''}${round(x, x < 10 ? 2 : 1)} ${units[i]}${suffix}`;
}

/** A metric value with its unit: `93.4 %`, `1.5 GiB`, `12 MiB/s`, `2.3`. */
export function formatMetric(metric: string | undefined, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'no value';
  if (!metric) return round(v, 2);
  if (metric.endsWith('_percent')) return `${round(v, 1)} %`;
  if (metric.endsWith('_bytes_per_sec')) return bytes(v, '/s');
  if (metric.endsWith('_bytes')) return bytes(v);
  return round(v, 2);
}

/** `45 s`, `5 min`, `1 h 30 min`, `2 d 3 h`. */
export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s} s`;
  if (s < 3600)
    return s % 60 === 0 || s >= 600 ? `${Math.round(s / 60)} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) {
    const m = Math.round((s % 3600) / 60);
    return m === 0 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 3600)} h ${m} min`;
  }
  const h = Math.round((s % 86_400) / 3600);
  return h === 0 ? `${Math.floor(s / 86_400)} d` : `${Math.floor(s / 86_400)} d ${h} h`;
}

/** `2025-01-01 12:00:00 UTC`: unambiguous in any channel. */
export const formatTime = (ms: number): string =>
  `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** `+52 %`, `-10.5 %`. */
export const formatChange = (v: number | null): string =>
  v === null || !Number.isFinite(v) ? 'no value' : `${v > 0 ? '+' : ''}${round(v, 1)} %`;
