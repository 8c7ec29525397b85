/**
 * The synthetic collectors of a simulated agent: the same items a real agent sends (docs/protocol.md),
 * made up instead of read from procfs and the engine. Every container stat encodes its sampling
 * time in `memoryBytes` (epoch ms, exact in a float8) and the tick number in `pids`, so the prober
 * can tell which sample the query API shows and when it was taken.
 * @module
 */
import type { BatchItem, ContainerInfo, HostFacts, HostMetricsItem } from '@unity/shared';

export const ENGINE = { id: 'podman:/run/podman/podman.sock', kind: 'podman' as const, version: '5.4.2' };

export function hostFacts(index: number): HostFacts {
  return {
    hostname: `bench-host-${String(index).padStart(5, '0')}`,
    os: 'Debian GNU/Linux 13 (trixie)',
    kernel: '6.12.0-bench',
    arch: 'x64',
    cpus: 4,
    memoryBytes: 16 * 2 ** 30,
  };
}

export function inventory(index: number, containers: number): ContainerInfo[] {
  return Array.from({ length: containers }, (_, i) => ({
    id: `${String(index).padStart(8, '0')}${String(i).padStart(4, '0')}`.padEnd(64, 'c'),
    name: `svc-${i}`,
    image: `registry.example/app-${i % 7}:1.${i % 3}`,
    state: 'running' as const,
    status: 'Up 2 hours',
    createdAt: 1_700_000_000_000 + i,
    labels: { 'com.docker.compose.project': 'bench', 'com.docker.compose.service': `svc-${i}` },
    ports: i % 5 === 0 ? [{ privatePort: 8080, publicPort: 18_000 + i, protocol: 'tcp' }] : [],
    composeProject: 'bench',
    composeService: `svc-${i}`,
  }));
}

/** What a tick produces; `collect` is called once per tick with the sampling time. */
export class SyntheticCollector {
  readonly #containers: ContainerInfo[];
  readonly #inventoryEvery: number;
  #tick = 0;

  constructor(
    readonly index: number,
    containers: number,
    inventoryEvery: number,
  ) {
    this.#containers = inventory(index, containers);
    this.#inventoryEvery = inventoryEvery;
  }

  /** The host item (the real HostCollector's `sample`). */
  host(ts: number): HostMetricsItem {
    const phase = (ts / 60_000 + this.index) % 1;
    return {
      kind: 'host_metrics',
      ts,
      cpu: { total: 20 + 10 * phase, perCore: [20, 25, 30, 15] },
      load: [0.5, 0.6, 0.7],
      memory: {
        totalBytes: 16 * 2 ** 30,
        usedBytes: 6 * 2 ** 30,
        availableBytes: 10 * 2 ** 30,
        swapTotalBytes: 2 ** 30,
        swapUsedBytes: 0,
      },
      disks: [{ mount: '/', fs: 'ext4', totalBytes: 2 ** 40, usedBytes: 2 ** 39 }],
      diskIo: { readBytesPerSec: 1000, writeBytesPerSec: 5000 },
      net: [
        { iface: 'eth0', rxBytesPerSec: 12_000, txBytesPerSec: 8_000 },
        { iface: 'lo', rxBytesPerSec: 100, txBytesPerSec: 100 },
      ],
      uptimeSec: 7200 + ts / 1000,
    };
  }

  /** Inventory (first tick and every `inventoryEvery` ticks, as if it had changed) and stats. */
  engines(ts: number): BatchItem[] {
    const tick = ++this.#tick;
    const items: BatchItem[] = [];
    if (tick === 1 || (tick - 1) % this.#inventoryEvery === 0)
      items.push({ kind: 'containers', ts, engine: ENGINE, containers: this.#containers });
    items.push({
      kind: 'container_stats',
      ts,
      engineId: ENGINE.id,
      stats: this.#containers.map((c, i) => ({
        id: c.id,
        cpuPercent: (i % 10) + 0.5,
        memoryBytes: ts,
        memoryLimitBytes: 2 ** 31,
        netRxBytesPerSec: 100 * i,
        netTxBytesPerSec: 50 * i,
        blockReadBytesPerSec: 0,
        blockWriteBytesPerSec: 4096,
        pids: tick,
      })),
    });
    return items;
  }
}
