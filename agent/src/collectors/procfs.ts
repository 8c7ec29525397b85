/**
 * Pure parsers of the /proc files the host collector reads. Each takes the file's text, so
 * tests feed fixtures; formats per proc(5).
 * @module
 */

/** Jiffies of one CPU line of /proc/stat, reduced to what a busy share needs. */
export type CpuTimes = { busy: number; total: number };

export type ProcStat = { total: CpuTimes; perCore: CpuTimes[]; bootTime: number | undefined };

/**
 * proc(5): `cpu user nice system idle iowait irq softirq steal guest guest_nice`. Only the `cpu`
 * lines and `btime` are split: the `intr` line holds a counter per interrupt (426 of them on a
 * small VM, thousands on a large host), and splitting it every tick was most of this parse
 * (issue 3's CPU figure; the agent runs V8's interpreter alone).
 */
export function parseStat(text: string): ProcStat {
  let total: CpuTimes = { busy: 0, total: 0 };
  const perCore: CpuTimes[] = [];
  let bootTime: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('btime ')) bootTime = Number(line.slice(6));
    if (!line.startsWith('cpu')) continue;
    const fields = line.trim().split(/\s+/);
    // guest and guest_nice are already counted in user and nice.
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields
      .slice(1, 9)
      .map(Number);
    const all = user + nice + system + idle + iowait + irq + softirq + steal;
    const times = { busy: all - idle - iowait, total: all };
    if (fields[0] === 'cpu') total = times;
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

/** The `/proc/meminfo` fields the agent reports (host memory and swap). */
export const MEMINFO_KEYS = [
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'SwapTotal',
  'SwapFree',
];

/**
 * Those `/proc/meminfo` values in bytes (the file says kB, meaning KiB); a field the kernel
 * does not have is missing. Each is looked up by name, not every line of the file parsed: five
 * times cheaper under the interpreter alone (issue 3's CPU figure).
 */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  // Every line starts after a newline, the first one too.
  const lines = `\n${text}`;
  for (const key of MEMINFO_KEYS) {
    const start = lines.indexOf(`\n${key}:`);
    if (start < 0) continue;
    const end = lines.indexOf('\n', start + 1);
    const line = lines.slice(start + 1, end < 0 ? undefined : end).trimEnd();
    const value = Number.parseInt(line.slice(key.length + 1), 10);
    if (value >= 0) values.set(key, line.endsWith(' kB') ? value * 1024 : value);
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

/**
 * proc(5) / iostats.rst: fields 6 and 10 are sectors read and written, always 512 bytes. One
 * match per line picks the name and the two counters, instead of splitting each line into its
 * 20 fields (issue 3's CPU figure).
 */
const DISKSTATS_LINE = /^\s*\d+\s+\d+\s+(\S+)\s+\d+\s+\d+\s+(\d+)\s+\d+\s+\d+\s+\d+\s+(\d+)/gm;

export function parseDiskstats(text: string): DiskCounters[] {
  const disks: DiskCounters[] = [];
  for (const [, name = '', read, written] of text.matchAll(DISKSTATS_LINE)) {
    if (NOT_A_WHOLE_DISK.test(name)) continue;
    disks.push({ name, readBytes: Number(read) * 512, writeBytes: Number(written) * 512 });
  }
  return disks;
}

export type NetCounters = { iface: string; rxBytes: number; txBytes: number };

/**
 * `/proc/net/dev`: after `iface:`, field 0 is rx bytes and field 8 is tx bytes; one match per
 * line (see parseDiskstats).
 */
const NET_DEV_LINE = /^\s*([^\s:]+):\s*(\d+)(?:\s+\d+){7}\s+(\d+)/gm;

export function parseNetDev(text: string): NetCounters[] {
  const result: NetCounters[] = [];
  for (const [, iface = '', rx, tx] of text.matchAll(NET_DEV_LINE))
    result.push({ iface, rxBytes: Number(rx), txBytes: Number(tx) });
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
