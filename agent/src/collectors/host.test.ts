import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HostFactsSchema, HostMetricsItemSchema } from '@unity/shared';
import { HostCollector, type StatfsResult } from './host.js';
import {
  cpuPercent,
  parseDiskstats,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseOsRelease,
  parseStat,
} from './procfs.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const disks: Record<string, StatfsResult> = {
  '/': { blocks: 1000, bfree: 250, bsize: 4096 },
  '/mnt/my data': { blocks: 500, bfree: 500, bsize: 1024 },
  '/var/lib/containers': { blocks: 1000, bfree: 250, bsize: 4096 },
};

/** A collector reading a copy of fixture tree proc-1 under a temp dir; `advance` swaps in proc-2. */
async function collector() {
  const root = await mkdtemp(join(tmpdir(), 'unity-proc-'));
  await cp(fixture('proc-1'), root, { recursive: true });
  let now = 1_000;
  const statfsCalls: string[] = [];
  const host = new HostCollector({
    procRoot: root,
    osReleasePath: fixture('os-release'),
    now: () => now,
    statfs: async (path) => {
      statfsCalls.push(path);
      const s = disks[path];
      if (!s) throw new Error('ENOENT');
      return s;
    },
  });
  const advance = async (ms: number) => {
    // In place, as the kernel changes /proc: the collector keeps its files open between samples.
    for (const name of ['stat', 'loadavg', 'meminfo', 'diskstats', 'mounts', 'uptime', 'net/dev'])
      await writeFile(join(root, name), await readFile(join(fixture('proc-2'), name)));
    now += ms;
  };
  after(() => rm(root, { recursive: true, force: true }));
  return { host, advance, statfsCalls, root };
}

describe('HostCollector', () => {
  it('reports zero rates on the first sample and real values for the rest', async () => {
    const { host } = await collector();
    const first = await host.sample();
    assert.ok(HostMetricsItemSchema.safeParse(first).success);
    assert.equal(first.ts, 1_000);
    assert.deepEqual(first.cpu, { total: 0, perCore: [0, 0] });
    assert.deepEqual(first.diskIo, { readBytesPerSec: 0, writeBytesPerSec: 0 });
    assert.deepEqual(first.load, [0.52, 0.58, 0.59]);
    assert.deepEqual(first.memory, {
      totalBytes: 8_192_000_000,
      usedBytes: 2_048_000_000,
      availableBytes: 6_144_000_000,
      swapTotalBytes: 2_048_000_000,
      swapUsedBytes: 512_000_000,
    });
    assert.equal(first.uptimeSec, 12345.67);
    assert.deepEqual(
      first.net.map((n) => n.iface),
      ['eth0', 'wlan0'],
      'loopback is skipped',
    );
  });

  it('computes CPU, disk I/O and network rates from the deltas between samples', async () => {
    const { host, advance } = await collector();
    await host.sample();
    await advance(10_000);
    const second = await host.sample();
    assert.equal(second.ts, 11_000);
    assert.equal(second.cpu.total, 43.75);
    assert.deepEqual(second.cpu.perCore, [78.57, 16.67]);
    // Whole disks only (sda and nvme0n1; not partitions, loop or dm), sectors of 512 bytes, over 10 s.
    assert.deepEqual(second.diskIo, { readBytesPerSec: 204_800, writeBytesPerSec: 1_024_000 });
    assert.deepEqual(second.net, [
      { iface: 'eth0', rxBytesPerSec: 10_000, txBytesPerSec: 5_000 },
      { iface: 'wlan0', rxBytesPerSec: 500, txBytesPerSec: 0 },
    ]);
    assert.deepEqual(second.load, [1.5, 0.75, 0.6]);
  });

  it('lists real mounts once per device, skipping pseudo filesystems and unreadable mounts', async () => {
    const { host, statfsCalls } = await collector();
    const sample = await host.sample();
    assert.deepEqual(sample.disks, [
      { mount: '/', fs: 'ext4', totalBytes: 4_096_000, usedBytes: 3_072_000 },
      { mount: '/mnt/my data', fs: 'xfs', totalBytes: 512_000, usedBytes: 0 },
    ]);
    assert.ok(!statfsCalls.some((p) => p.startsWith('/proc') || p.startsWith('/sys') || p === '/run'));
  });

  it('reads a proc file longer than its read buffer whole (a host with many container mounts)', async () => {
    const { host, root } = await collector();
    const overlays = Array.from(
      { length: 400 },
      (_, i) =>
        `overlay /var/lib/containers/storage/overlay/${String(i).padStart(64, '0')}/merged overlay rw 0 0`,
    );
    await writeFile(
      join(root, 'mounts'),
      [...overlays, '/dev/sdb1 /mnt/my\\040data xfs rw 0 0', ''].join('\n'),
    );
    const sample = await host.sample();
    assert.deepEqual(
      sample.disks.map((d) => d.mount),
      ['/mnt/my data'],
      'the line past the first 16 KB is read',
    );
    host.close();
  });

  it('describes the host', async () => {
    const { host } = await collector();
    const facts = await host.facts();
    assert.ok(HostFactsSchema.safeParse(facts).success);
    assert.equal(facts.os, 'Debian GNU/Linux 12 (bookworm)');
    assert.equal(facts.cpus, 2);
    assert.equal(facts.memoryBytes, 8_192_000_000);
    assert.equal(facts.bootTime, 1_700_000_000);
    const named = await new HostCollector({ procRoot: fixture('proc-1'), hostname: 'web-1' }).facts();
    assert.equal(named.hostname, 'web-1');
  });

  it('samples the real /proc of this machine', async () => {
    const host = new HostCollector();
    await host.sample();
    await new Promise((r) => setTimeout(r, 50));
    const sample = await host.sample();
    assert.ok(HostMetricsItemSchema.safeParse(sample).success, JSON.stringify(sample).slice(0, 500));
    assert.ok(sample.memory.totalBytes > 0);
    assert.ok(sample.disks.length > 0, 'at least the root filesystem');
  });
});

describe('procfs parsers', () => {
  it('cpuPercent is 0 without a previous reading or elapsed time, and capped at 100', () => {
    assert.equal(cpuPercent(undefined, { busy: 5, total: 10 }), 0);
    assert.equal(cpuPercent({ busy: 5, total: 10 }, { busy: 5, total: 10 }), 0);
    assert.equal(cpuPercent({ busy: 0, total: 0 }, { busy: 10, total: 10 }), 100);
  });

  it('keeps whole disks only', () => {
    const names = parseDiskstats(
      [
        'sda',
        'sda1',
        'vdb',
        'vdb2',
        'nvme1n1',
        'nvme1n1p3',
        'mmcblk0',
        'mmcblk0p1',
        'loop3',
        'dm-1',
        'md0',
        'xvda',
      ]
        .map((n) => `8 0 ${n} 1 0 8 0 1 0 8 0 0 0 0`)
        .join('\n'),
    ).map((d) => d.name);
    assert.deepEqual(names, ['sda', 'vdb', 'nvme1n1', 'mmcblk0', 'xvda']);
  });

  it('reads the cpu lines and btime of /proc/stat, whatever the interrupt lines hold', () => {
    const intr = `intr 9999 ${Array.from({ length: 3000 }, (_, i) => i % 7).join(' ')}`;
    const stat = parseStat(
      [
        'cpu  10 2 3 80 5 0 0 0 0 0',
        'cpu0 5 1 1 40 3 0 0 0 0 0',
        'cpu1 5 1 2 40 2 0 0 0',
        intr,
        'ctxt 5',
        'btime 1764000000',
        'softirq 1 2 3',
      ].join('\n'),
    );
    assert.deepEqual(stat.total, { busy: 15, total: 100 });
    assert.deepEqual(stat.perCore, [
      { busy: 7, total: 50 },
      { busy: 8, total: 50 },
    ]);
    assert.equal(stat.bootTime, 1_764_000_000);
  });

  it('reads the memory fields of /proc/meminfo by name, in bytes', () => {
    const text = [
      'MemTotal:        8000000 kB',
      'MemFree:          100000 kB',
      'MemAvailable:    6000000 kB',
      'Buffers:             100 kB',
      'SwapCached:          999 kB',
      'Cached:           200000 kB',
      'SwapTotal:       2000000 kB',
      'SwapFree:        1500000 kB',
      'HugePages_Total:       0',
    ].join('\n');
    const m = parseMeminfo(text);
    assert.equal(m.get('MemTotal'), 8_000_000 * 1024);
    assert.equal(m.get('Cached'), 200_000 * 1024, 'Cached, not SwapCached');
    assert.equal(m.get('SwapFree'), 1_500_000 * 1024);
    // A kernel without MemAvailable (before 3.14): the field is missing, not zero.
    assert.equal(parseMeminfo(text.replace(/MemAvailable.*\n/, '')).has('MemAvailable'), false);
  });

  it('reads bytes received and sent per interface of /proc/net/dev', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo: 4305190900  394101    0    0    0     0          0         0 4305190900  394101    0    0    0     0       0          0',
      '  eth0:1234 5 0 0 0 0 0 0 5678 6 0 0 0 0 0 0',
    ].join('\n');
    assert.deepEqual(parseNetDev(text), [
      { iface: 'lo', rxBytes: 4_305_190_900, txBytes: 4_305_190_900 },
      { iface: 'eth0', rxBytes: 1234, txBytes: 5678 },
    ]);
  });

  it('unescapes mount paths and reads PRETTY_NAME', () => {
    assert.equal(parseMounts('/dev/x /a\\040b\\011c ext4 rw 0 0')[0]?.mount, '/a b\tc');
    assert.equal(parseOsRelease("ID=x\nPRETTY_NAME='Alpine Linux v3.20'\n"), 'Alpine Linux v3.20');
    assert.equal(parseOsRelease('ID=x'), undefined);
  });
});
