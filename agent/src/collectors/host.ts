/**
 * Host metrics from procfs: CPU (total and per core) from /proc/stat deltas, load, memory and
 * swap, disk usage per real mount, disk I/O and network throughput as per-second rates between
 * this sample and the previous one (zero on the first), uptime; and the host facts for `hello`.
 * The proc root and statfs are injectable so tests run on fixture trees.
 *
 * procfs files are read synchronously: the kernel makes their text on the spot and never waits
 * on a disk, and a thread-pool round trip per file cost several times the read itself (issue
 * 3's CPU figure). Each stays open across samples and is read with one pread from offset 0,
 * which makes the kernel write it afresh: one system call per file and sample instead of four.
 * statfs is synchronous too for local disk filesystems, which answer it from counters in
 * memory; for any other (NFS, CIFS, FUSE) it stays asynchronous: a hung network mount must
 * block a pool thread, never the agent. The mount table is re-read once a minute, not every
 * tick: with a hundred containers it is ~60 KB of overlay mounts the kernel formats afresh on
 * each read, the costliest file of the sample, and real disks come and go rarely.
 * @module
 */
import { closeSync, openSync, readSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { HostFacts, HostMetricsItem } from '@unity/shared';
import { statfs as fsStatfs, readFile } from '../util/fs-async.js';
import {
  type CpuTimes,
  cpuPercent,
  type DiskCounters,
  type Mount,
  type NetCounters,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseOsRelease,
  parseStat,
  parseUptime,
} from './procfs.js';

export type StatfsResult = { blocks: number; bfree: number; bsize: number };

export type HostCollectorOptions = {
  procRoot?: string;
  osReleasePath?: string;
  statfs?: (path: string) => Promise<StatfsResult>;
  now?: () => number;
  /** Reported host name instead of the kernel's (`--name`). */
  hostname?: string;
};

/** Filesystems that hold no user data, or that belong to containers and are seen via the host fs. */
const PSEUDO_FS = new Set(
  (
    'proc sysfs devtmpfs devpts tmpfs ramfs cgroup cgroup2 overlay aufs squashfs mqueue debugfs tracefs ' +
    'securityfs pstore bpf autofs configfs fusectl hugetlbfs rpc_pipefs binfmt_misc nsfs efivarfs ' +
    'selinuxfs nfsd fuse.lxcfs fuse.gvfsd-fuse fuse.portal shm devfs iso9660 udf zram'
  ).split(' '),
);

/** Disk filesystems whose statfs never waits on a device or a network (see the module comment). */
const LOCAL_FS = new Set(
  'ext2 ext3 ext4 xfs btrfs zfs f2fs vfat exfat ntfs ntfs3 jfs reiserfs bcachefs'.split(' '),
);

/** How long a read of the mount table is used for (see the module comment). */
export const MOUNTS_REFRESH_MS = 60_000;

type Previous = {
  at: number;
  total: CpuTimes;
  perCore: CpuTimes[];
  disks: DiskCounters[];
  /** By interface: a Docker host has a `veth` per container, so a search per interface adds up. */
  net: Map<string, NetCounters>;
};

export class HostCollector {
  readonly #proc: string;
  readonly #o: HostCollectorOptions;
  #prev: Previous | undefined;
  #mounts: { at: number; list: Mount[] } | undefined;
  /** The procfs files read so far, kept open (see the module comment). */
  readonly #fds = new Map<string, number>();
  #buffer = Buffer.allocUnsafe(16 * 1024);

  constructor(options: HostCollectorOptions = {}) {
    this.#o = options;
    this.#proc = options.procRoot ?? '/proc';
  }

  #read(name: string): string {
    let fd = this.#fds.get(name);
    if (fd === undefined) {
      fd = openSync(join(this.#proc, name), 'r');
      this.#fds.set(name, fd);
    }
    try {
      for (;;) {
        const n = readSync(fd, this.#buffer, 0, this.#buffer.length, 0);
        if (n < this.#buffer.length) return this.#buffer.toString('utf8', 0, n);
        // Filled: the file may be longer (the mount table of a busy host); read it again whole.
        this.#buffer = Buffer.allocUnsafe(this.#buffer.length * 2);
      }
    } catch (error) {
      this.#fds.delete(name);
      closeSync(fd);
      throw error;
    }
  }

  /** Closes the procfs files kept open. */
  close(): void {
    for (const fd of this.#fds.values()) closeSync(fd);
    this.#fds.clear();
  }

  #readOr(name: string, fallback = ''): string {
    try {
      return this.#read(name);
    } catch {
      return fallback;
    }
  }

  /** The mount table, re-read when older than MOUNTS_REFRESH_MS. */
  #mountList(now: number): Mount[] {
    const cached = this.#mounts;
    if (cached && now - cached.at < MOUNTS_REFRESH_MS && now >= cached.at) return cached.list;
    const list = parseMounts(this.#readOr('mounts'));
    this.#mounts = { at: now, list };
    return list;
  }

  /** One sample; rates are over the time since the previous call. */
  async sample(): Promise<HostMetricsItem> {
    const now = this.#o.now?.() ?? Date.now();
    const stat = this.#read('stat');
    const loadavg = this.#readOr('loadavg');
    const meminfo = this.#read('meminfo');
    const diskstats = this.#readOr('diskstats');
    const netdev = this.#readOr('net/dev');
    const uptime = this.#readOr('uptime');
    const cpu = parseStat(stat);
    const disks = parseDiskstats(diskstats);
    const net = parseNetDev(netdev).filter((n) => n.iface !== 'lo');
    const prev = this.#prev;
    this.#prev = {
      at: now,
      total: cpu.total,
      perCore: cpu.perCore,
      disks,
      net: new Map(net.map((n) => [n.iface, n])),
    };
    const seconds = prev ? (now - prev.at) / 1000 : 0;
    const rate = (next: number, before: number | undefined) =>
      seconds > 0 && before !== undefined && next >= before ? (next - before) / seconds : 0;

    const diskIo = { readBytesPerSec: 0, writeBytesPerSec: 0 };
    for (const d of disks) {
      const p = prev?.disks.find((x) => x.name === d.name);
      diskIo.readBytesPerSec += rate(d.readBytes, p?.readBytes);
      diskIo.writeBytesPerSec += rate(d.writeBytes, p?.writeBytes);
    }
    return {
      kind: 'host_metrics',
      ts: now,
      cpu: {
        total: cpuPercent(prev?.total, cpu.total),
        perCore: cpu.perCore.slice(0, 1024).map((c, i) => cpuPercent(prev?.perCore[i], c)),
      },
      load: parseLoadavg(loadavg || '0 0 0'),
      memory: memory(parseMeminfo(meminfo)),
      disks: await this.#diskUsage(this.#mountList(now)),
      diskIo: {
        readBytesPerSec: round(diskIo.readBytesPerSec),
        writeBytesPerSec: round(diskIo.writeBytesPerSec),
      },
      net: net.slice(0, 256).map((n) => {
        const p = prev?.net.get(n.iface);
        return {
          iface: n.iface.slice(0, 64),
          rxBytesPerSec: round(rate(n.rxBytes, p?.rxBytes)),
          txBytesPerSec: round(rate(n.txBytes, p?.txBytes)),
        };
      }),
      uptimeSec: parseUptime(uptime),
    };
  }

  /** Local disks synchronously, anything else on the thread pool (see the module comment). */
  #statfs(m: Mount): StatfsResult | Promise<StatfsResult> {
    if (this.#o.statfs) return this.#o.statfs(m.mount);
    return LOCAL_FS.has(m.fs) ? statfsSync(m.mount) : fsStatfs(m.mount);
  }

  async #diskUsage(mounts: readonly Mount[]): Promise<HostMetricsItem['disks']> {
    const seen = new Set<string>();
    const result: HostMetricsItem['disks'] = [];
    for (const m of mounts) {
      if (PSEUDO_FS.has(m.fs) || seen.has(m.device) || result.length >= 256) continue;
      try {
        const s = await this.#statfs(m);
        if (s.blocks <= 0) continue;
        seen.add(m.device);
        result.push({
          mount: m.mount.slice(0, 512),
          fs: m.fs.slice(0, 512),
          totalBytes: s.blocks * s.bsize,
          usedBytes: (s.blocks - s.bfree) * s.bsize,
        });
      } catch {
        // unreadable or gone since /proc/mounts was read: skip it
      }
    }
    return result;
  }

  /** What `hello` and enrollment say about this host. */
  async facts(): Promise<HostFacts> {
    const osRelease = await readFile(this.#o.osReleasePath ?? '/etc/os-release', 'utf8').catch(() => '');
    const stat = parseStat(this.#readOr('stat'));
    const mem = parseMeminfo(this.#readOr('meminfo'));
    return {
      hostname: (this.#o.hostname ?? os.hostname()).slice(0, 255) || 'unknown',
      os: (parseOsRelease(osRelease) ?? `${os.type()} ${os.release()}`).slice(0, 255),
      kernel: os.release().slice(0, 255),
      arch: os.arch(),
      cpus: Math.max(1, stat.perCore.length || os.availableParallelism()),
      memoryBytes: mem.get('MemTotal') ?? os.totalmem(),
      ...(stat.bootTime ? { bootTime: stat.bootTime } : {}),
    };
  }
}

function memory(m: Map<string, number>): HostMetricsItem['memory'] {
  const total = m.get('MemTotal') ?? 0;
  const available =
    m.get('MemAvailable') ?? (m.get('MemFree') ?? 0) + (m.get('Buffers') ?? 0) + (m.get('Cached') ?? 0);
  const swapTotal = m.get('SwapTotal') ?? 0;
  return {
    totalBytes: total,
    usedBytes: Math.max(0, total - available),
    availableBytes: available,
    swapTotalBytes: swapTotal,
    swapUsedBytes: Math.max(0, swapTotal - (m.get('SwapFree') ?? 0)),
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;
