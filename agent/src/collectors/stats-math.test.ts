import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseState } from './containers.js';
import { engineKind } from './engines.js';
import {
  containerStat,
  cpuPercent,
  libpodSnapshot,
  type RawStats,
  ratePerSec,
  snapshot,
} from './stats-math.js';

const raw = (over: {
  cpu: number;
  system?: number;
  read: string;
  rx?: number;
  blkRead?: number;
}): RawStats => ({
  read: over.read,
  pids_stats: { current: 3 },
  cpu_stats: {
    cpu_usage: { total_usage: over.cpu, percpu_usage: [0, 0] },
    ...(over.system !== undefined ? { system_cpu_usage: over.system } : {}),
    online_cpus: 2,
  },
  memory_stats: { usage: 10_000_000, limit: 1_000_000_000, stats: { inactive_file: 4_000_000 } },
  networks: { eth0: { rx_bytes: over.rx ?? 0, tx_bytes: 100 }, eth1: { rx_bytes: 50, tx_bytes: 0 } },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: 'Read', value: over.blkRead ?? 0 },
      { op: 'Write', value: 7 },
      { op: 'Total', value: 999 },
    ],
  },
});

describe('container stats math', () => {
  it('takes CPU % from total_usage over system_cpu_usage, times online CPUs', () => {
    const a = snapshot(raw({ cpu: 1e9, system: 100e9, read: '2026-01-01T00:00:00Z' }), 0);
    const b = snapshot(raw({ cpu: 1.5e9, system: 102e9, read: '2026-01-01T00:00:01Z' }), 0);
    // 0.5 s of CPU over 2 s of all-CPU time on 2 CPUs: half a core = 50 %.
    assert.equal(cpuPercent(a, b), 50);
    assert.equal(cpuPercent(undefined, b), 0, 'first sample');
    assert.equal(cpuPercent(b, a), 0, 'counter went back (restart)');
  });

  it('falls back to wall-clock time when Podman omits system_cpu_usage', () => {
    const a = snapshot(raw({ cpu: 0, read: '2026-01-01T00:00:00Z' }), 0);
    const b = snapshot(raw({ cpu: 2.5e9, read: '2026-01-01T00:00:10Z' }), 0);
    assert.equal(a.systemCpuNs, undefined);
    assert.equal(cpuPercent(a, b), 25);
  });

  it('ignores a Podman system_cpu_usage that counts only busy time', () => {
    // Seen on Podman 4.3 / cgroup v1: over 10 s on 2 CPUs the "system" counter rose by 4 s (busy
    // time only, not 20 s of total time), which would make 2 s of container CPU read 100 %.
    const opts = { systemCpu: false };
    const a = snapshot(raw({ cpu: 0, system: 100e9, read: '2026-01-01T00:00:00Z' }), 0, opts);
    const b = snapshot(raw({ cpu: 2e9, system: 104e9, read: '2026-01-01T00:00:10Z' }), 0, opts);
    assert.equal(cpuPercent(a, b), 20);
  });

  it('uses the agent clock when the answer has no real timestamp', () => {
    const s = snapshot(raw({ cpu: 0, read: '0001-01-01T00:00:00Z' }), 1234);
    assert.equal(s.atMs, 1234);
  });

  it('subtracts reclaimable cache from memory and sums networks and block I/O', () => {
    const s = snapshot(raw({ cpu: 0, read: '2026-01-01T00:00:00Z', rx: 1000, blkRead: 4096 }), 0);
    assert.equal(s.memoryBytes, 6_000_000);
    assert.equal(s.memoryLimitBytes, 1_000_000_000);
    assert.equal(s.netRx, 1050);
    assert.equal(s.netTx, 100);
    assert.equal(s.blockRead, 4096);
    assert.equal(s.blockWrite, 7);
    assert.equal(s.pids, 3);
    assert.equal(snapshot({}, 5).memoryBytes, 0, 'an empty answer reads as zeros');
  });

  it('turns counters into per-second rates between two samples', () => {
    const a = snapshot(raw({ cpu: 0, system: 0, read: '2026-01-01T00:00:00Z', rx: 1000, blkRead: 0 }), 0);
    const b = snapshot(raw({ cpu: 0, system: 0, read: '2026-01-01T00:00:04Z', rx: 9000, blkRead: 4096 }), 0);
    const stat = containerStat('c1', a, b);
    assert.equal(stat.netRxBytesPerSec, 2000);
    assert.equal(stat.netTxBytesPerSec, 0);
    assert.equal(stat.blockReadBytesPerSec, 1024);
    assert.equal(containerStat('c1', undefined, b).netRxBytesPerSec, 0, 'no rate on the first sample');
    assert.equal(ratePerSec(10, 5, 1), 0);
    assert.equal(ratePerSec(0, 5, 0), 0);
  });

  it('recognises Podman from /version and maps its states', () => {
    assert.equal(engineKind({ Components: [{ Name: 'Podman Engine' }] }), 'podman');
    assert.equal(
      engineKind({ Platform: { Name: 'Docker Engine - Community' }, Components: [{ Name: 'Engine' }] }),
      'docker',
    );
    assert.equal(normaliseState('Running'), 'running');
    assert.equal(normaliseState('stopped'), 'exited');
    assert.equal(normaliseState('configured'), 'created');
    assert.equal(normaliseState('weird'), 'unknown');
  });

  it("reads Podman's one-call libpod stats like the compatible answer", () => {
    // Shaped as Podman 4.3 answers GET /libpod/containers/stats?stream=false (one entry; the
    // nanosecond clock rounded to what a JS number holds, as JSON.parse does).
    const entry = {
      ContainerID: 'c1',
      PerCPU: [1_507_006, 37_139_747],
      CPUNano: 38_646_753,
      SystemNano: 1_795_436_988_163_604_000,
      MemUsage: 331_776,
      MemLimit: 25_276_063_744,
      NetInput: 100,
      NetOutput: 50,
      BlockInput: 4096,
      BlockOutput: 0,
      PIDs: 1,
    };
    const a = libpodSnapshot(entry, 0);
    assert.equal(a.atMs, 1_795_436_988_163.604);
    assert.equal(a.onlineCpus, 2);
    assert.equal(a.systemCpuNs, undefined, 'CPU share by wall-clock time, as for compatible Podman answers');
    const b = libpodSnapshot(
      { ...entry, CPUNano: entry.CPUNano + 5e9, SystemNano: entry.SystemNano + 10e9 },
      0,
    );
    const stat = containerStat('c1', a, b);
    assert.equal(stat.cpuPercent, 50);
    assert.equal(stat.memoryBytes, 331_776);
    assert.equal(stat.pids, 1);
    assert.equal(libpodSnapshot({}, 1234).atMs, 1234, 'no reading time: the agent clock');
  });
});
