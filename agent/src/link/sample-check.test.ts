import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BatchItem, BatchItemSchema, type ContainerInfo } from '@unity/shared';
import { HostCollector } from '../collectors/host.js';
import { containerStat, libpodSnapshot } from '../collectors/stats-math.js';
import { checkSample } from './sample-check.js';

/** A container_stats item as the collector builds it (two snapshots apart). */
function statsItem(): BatchItem {
  const raw = (cpu: number, ns: number) => ({
    ContainerID: 'c'.repeat(64),
    CPUNano: cpu,
    SystemNano: ns,
    MemUsage: 1_000_000,
    MemLimit: 8e9,
    NetInput: 10,
    NetOutput: 20,
    BlockInput: 0,
    BlockOutput: 4096,
    PIDs: 3,
    PerCPU: [1, 2],
  });
  const at = Date.now() * 1e6;
  const stat = containerStat(
    'c'.repeat(64),
    libpodSnapshot(raw(1e9, at), 0),
    libpodSnapshot(raw(2e9, at + 1e10), 0),
  );
  return {
    kind: 'container_stats',
    ts: Date.now(),
    engineId: 'podman-1',
    stats: [stat, { ...stat, id: 'd' }],
  };
}

/** Every way of breaking one value: wrong type, negative, not finite, fractional, too long. */
const BAD_VALUES: unknown[] = [
  -1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  0.5,
  101,
  '1',
  null,
  undefined,
  'x'.repeat(600),
  [],
  {},
];

/** Each leaf path of `value` (arrays by index) with the value at it. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [path, ...value.flatMap((v, i) => leaves(v, [...path, i]))];
  if (typeof value === 'object' && value !== null)
    return [path, ...Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))];
  return [path];
}

function withValue(item: unknown, path: (string | number)[], value: unknown): BatchItem {
  const copy = structuredClone(item) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1) as string | number] = value;
  return copy as unknown as BatchItem;
}

/** The hand check must say what the schema says, for the item and every one-value breakage of it. */
function agreesWithSchema(item: BatchItem): number {
  let compared = 0;
  const cases = [item];
  for (const path of leaves(item))
    if (path.length > 0 && path[0] !== 'kind')
      for (const bad of BAD_VALUES) cases.push(withValue(item, path, bad));
  for (const c of cases) {
    const expected = BatchItemSchema.safeParse(c).success;
    assert.equal(
      checkSample(c),
      expected,
      `${JSON.stringify(c).slice(0, 300)} should be ${expected ? 'accepted' : 'refused'}`,
    );
    compared++;
  }
  return compared;
}

describe('checkSample', () => {
  it('accepts and refuses container stats exactly as the protocol schema does', () => {
    const item = statsItem();
    assert.equal(checkSample(item), true);
    assert.ok(agreesWithSchema(item) > 100);
    const many = {
      ...item,
      stats: Array.from({ length: 10_001 }, () => (item as { stats: unknown[] }).stats[0]),
    };
    assert.equal(checkSample(many as BatchItem), false);
  });

  it('accepts and refuses host samples exactly as the protocol schema does', async () => {
    const host = new HostCollector({ statfs: async () => ({ blocks: 100, bfree: 40, bsize: 4096 }) });
    await host.sample();
    const item = await host.sample();
    assert.equal(checkSample(item), true);
    const withDisk: BatchItem = {
      ...item,
      disks: [{ mount: '/', fs: 'ext4', totalBytes: 10, usedBytes: 5 }],
      net: [{ iface: 'eth0', rxBytesPerSec: 1, txBytesPerSec: 2 }],
    };
    assert.ok(agreesWithSchema(withDisk) > 100);
  });

  it('accepts and refuses container listings exactly as the protocol schema does', () => {
    const container: ContainerInfo = {
      id: 'c'.repeat(64),
      name: 'web-1',
      image: 'docker.io/library/nginx:1.27',
      state: 'running',
      status: 'Up 3 minutes',
      createdAt: Date.now() - 60_000,
      labels: { 'com.docker.compose.project': 'web', 'unity.logs': 'ship' },
      ports: [
        { privatePort: 80, publicPort: 8080, ip: '0.0.0.0', protocol: 'tcp' },
        { privatePort: 53, protocol: 'udp' },
      ],
      composeProject: 'web',
      composeService: 'nginx',
    };
    const item: BatchItem = {
      kind: 'containers',
      ts: Date.now(),
      engine: { id: 'podman:/run/podman/podman.sock', kind: 'podman', version: '4.3.1' },
      containers: [container, { ...container, id: 'd'.repeat(64), state: 'exited', ports: [], labels: {} }],
    };
    assert.equal(checkSample(item), true);
    assert.ok(agreesWithSchema(item) > 300);
    // Values a one-value breakage does not reach: an unknown state or engine, a label key too long.
    for (const broken of [
      { ...container, state: 'sleeping' as ContainerInfo['state'] },
      { ...container, labels: { ['k'.repeat(257)]: 'v' } },
      { ...container, ports: Array.from({ length: 513 }, () => container.ports[1]) },
    ]) {
      const c = { ...item, containers: [broken] } as BatchItem;
      assert.equal(checkSample(c), false);
      assert.equal(BatchItemSchema.safeParse(c).success, false);
    }
    assert.equal(checkSample({ ...item, engine: { id: 'x', kind: 'lxc' } } as unknown as BatchItem), false);
  });

  it('leaves every other kind to the schema', () => {
    assert.equal(checkSample({ kind: 'gap', ts: 1, fromSeq: 1, toSeq: 2, droppedItems: 3 }), undefined);
  });
});
