/**
 * Pure parsers of the /proc files the host collector reads. Each takes the file's text, so
 * tests feed fixtures; formats per proc(5).
 * @module
 */

/** Jiffies of one CPU line of /proc/stat, reduced to what a busy share needs. */
export type CpuTimes = { busy: number; total: number };

export type ProcStat = { total: CpuTimes; perCore: CpuTimes[]; bootTime: number | undefined };

/** proc(5): `cpu user nice system idle iowait irq softirq steal guest guest_nice`. */
export function parseStat(text: string): ProcStat {
  let total: CpuTimes = { busy: 0, total: 0 };
  const perCore: CpuTimes[] = [];
  let bootTime: number | undefined;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const name = fields[0] ?? '';
    if (name === 'btime') bootTime = Number(fields[1]);
    if (!name.startsWith('cpu')) continue;
    // guest and guest_nice are already counted in user and nice.
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields
      .slice(1, 9)
      .map(Number);
    const all = user + nice + system + idle + iowait + irq + softirq + steal;
    const times = { busy: all - idle - iowait, total: all };
    if (name === 'cpu') total = times;
    else perCore.push(times);
  }
  return { total, perCore, bootTime };
}

/** Busy share 0–100 between two readings; 0 when there is no elapsed time. */
export function cpuPercent(prev: CpuTimes | undefined, next: CpuTimes): number {
  if (!prev) return 0;
  const total = next.total - prev.total;
  const busy = next.busy - prev.busy;
  if (total <= 0 || busy < 0) return 0;
  return Math.min(100, Math.round((busy / total) * 10_000) / 100);
}

export function parseLoadavg(text: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  return [a, b, c];
}

/** `/proc/meminfo` values in bytes (the file says kB, meaning KiB). */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (match?.[1] && match[2]) values.set(match[1], Number(match[2]) * (line.includes('kB') ? 1024 : 1));
  }
  return values;
}

export type Mount = { device: string; mount: string; fs: string };

/** Mount paths escape space, tab, newline and backslash as octal (`\040`). */
const unescapeMount = (path: string): string =>
  path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));

export function parseMounts(text: string): Mount[] {
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f.length >= 3)
    .map(([device = '', mount = '', fs = '']) => ({ device, mount: unescapeMount(mount), fs }));
}

export type DiskCounters = { name: string; readBytes: number; writeBytes: number };

/** Partitions and virtual block devices whose I/O is already counted on a whole disk. */
const NOT_A_WHOLE_DISK =
  /^(loop\d+|ram\d+|zram\d+|dm-\d+|md\d+|sr\d+|fd\d+|(sd|vd|xvd|hd)[a-z]+\d+|nvme\d+n\d+p\d+|mmcblk\d+p\d+|mmcblk\d+boot\d+|mmcblk\d+rpmb)$/;

/** proc(5) / iostats.rst: fields 6 and 10 are sectors read and written, always 512 bytes. */
export function parseDiskstats(text: string): DiskCounters[] {
  const disks: DiskCounters[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2];
    if (!name || f.length < 10 || NOT_A_WHOLE_DISK.test(name)) continue;
    disks.push({ name, readBytes: Number(f[5]) * 512, writeBytes: Number(f[9]) * 512 });
  }
  return disks;
}

export type NetCounters = { iface: string; rxBytes: number; txBytes: number };

/** `/proc/net/dev`: after `iface:`, field 0 is rx bytes and field 8 is tx bytes. */
export function parseNetDev(text: string): NetCounters[] {
  const result: NetCounters[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    result.push({ iface, rxBytes: f[0] ?? 0, txBytes: f[8] ?? 0 });
  }
  return result;
}

export const parseUptime = (text: string): number => Number(text.trim().split(/\s+/)[0]) || 0;

/** `PRETTY_NAME` of os-release(5), unquoted. */
export function parseOsRelease(text: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith('PRETTY_NAME='));
  if (!line) return undefined;
  return line
    .slice('PRETTY_NAME='.length)
    .trim()
    .replace(/^["']|["']$/g, '');
}
