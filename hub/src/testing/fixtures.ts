/**
 * Sample protocol objects for tests.
 * @module
 */
import type { BatchFrame, HostFacts, HostMetricsItem } from '@unity/shared';

export const hostFacts: HostFacts = {
  hostname: 'test-host',
  os: 'Debian 12',
  kernel: '6.1.0',
  arch: 'x64',
  cpus: 4,
  memoryBytes: 8e9,
};

export function hostMetrics(ts: number, cpu = 12.5): HostMetricsItem {
  return {
    kind: 'host_metrics',
    ts,
    cpu: { total: cpu, perCore: [cpu, cpu] },
    load: [0.5, 0.4, 0.3],
    memory: { totalBytes: 8e9, usedBytes: 2e9, availableBytes: 6e9, swapTotalBytes: 0, swapUsedBytes: 0 },
    disks: [{ mount: '/', fs: 'ext4', totalBytes: 1e11, usedBytes: 5e10 }],
    diskIo: { readBytesPerSec: 100, writeBytesPerSec: 200 },
    net: [
      { iface: 'eth0', rxBytesPerSec: 1000, txBytesPerSec: 500 },
      { iface: 'lo', rxBytesPerSec: 99, txBytesPerSec: 99 },
    ],
    uptimeSec: 1234,
  };
}

export const ENGINE = { id: 'podman:/run/podman/podman.sock', kind: 'podman' as const, version: '4.3.1' };

/** A batch with host metrics, a full inventory of `names` and stats for each. */
export function batch(seq: number, ts: number, names: string[] = ['web', 'db']): BatchFrame {
  return {
    type: 'batch',
    seq,
    items: [
      hostMetrics(ts),
      {
        kind: 'containers',
        ts,
        engine: ENGINE,
        containers: names.map((n) => ({
          id: `${n}-engine-id`,
          name: n,
          image: 'localhost/busybox:latest',
          state: 'running',
          status: 'Up 1 minute',
          labels: { 'com.docker.compose.project': 'demo' },
          ports: [],
          composeProject: 'demo',
        })),
      },
      {
        kind: 'container_stats',
        ts,
        engineId: ENGINE.id,
        stats: names.map((n) => ({
          id: `${n}-engine-id`,
          cpuPercent: 3,
          memoryBytes: 1e6,
          memoryLimitBytes: 1e9,
          netRxBytesPerSec: 1,
          netTxBytesPerSec: 2,
          blockReadBytesPerSec: 3,
          blockWriteBytesPerSec: 4,
          pids: 1,
        })),
      },
    ],
  };
}
