import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineClient } from '../engine/engine-client.js';
import { ContainerCollector, LIBPOD_STATS_PATH, type ListedContainer } from './containers.js';
import type { RawLibpodStats } from './stats-math.js';

/**
 * The collector's memory of each container's last counters, across ticks. The engine here is a
 * script of libpod answers (the real engine's answers are tested in containers.test.ts; its
 * counters cannot be steered), so each rate has one right value.
 */
describe('rates across ticks', () => {
  const SEC = 1e9;
  /** Counters of container `id` at second `t`: `cpu` ns used, `net` bytes received. */
  const entry = (id: string, t: number, cpu: number, net: number): RawLibpodStats => ({
    ContainerID: id,
    PerCPU: [0, 0],
    CPUNano: cpu,
    SystemNano: (1_800_000_000 + t) * SEC,
    MemUsage: 1024,
    MemLimit: 2048,
    NetInput: net,
    NetOutput: 0,
    BlockInput: 0,
    BlockOutput: 0,
    PIDs: 1,
  });
  const listed = (ids: string[]): ListedContainer[] =>
    ids.map((Id) => ({ Id, Names: [`/${Id}`], State: 'running' }));

  function scripted(ticks: Array<RawLibpodStats[]>) {
    let tick = -1;
    const client = {
      json: async (path: string) => {
        if (path === '/containers/json') {
          tick++;
          return listed((ticks[tick] ?? []).map((e) => e.ContainerID ?? ''));
        }
        if (path === LIBPOD_STATS_PATH) return { Stats: ticks[tick] };
        throw new Error(`unexpected ${path}`);
      },
    } as unknown as EngineClient;
    const engine = { ref: { kind: 'podman', id: 'podman:test' }, client, endpoint: 'x', key: 'x' } as const;
    return new ContainerCollector(engine as never);
  }

  it('measures each tick against the one before, and starts afresh after a container was gone', async () => {
    const collector = scripted([
      [entry('a', 0, 0, 0), entry('b', 0, 0, 0)],
      // 10 s later: a used half a core and received 1000 B/s; b a tenth of a core.
      [entry('a', 10, 5 * SEC, 10_000), entry('b', 10, 1 * SEC, 0)],
      // Another 10 s: a a full core and 500 B/s (against the second tick, not the first); b gone.
      [entry('a', 20, 15 * SEC, 15_000)],
      // b is back with counters that kept counting while the agent could not see it: its first
      // tick back has no rate (no reading of the last 10 s to compare with), a's goes on.
      [entry('a', 30, 15 * SEC, 15_000), entry('b', 30, 9 * SEC, 0)],
      [entry('a', 40, 16 * SEC, 15_000), entry('b', 40, 11 * SEC, 0)],
    ]);
    const ticks: Array<Record<string, { cpu: number; rx: number }>> = [];
    for (let i = 0; i < 5; i++) {
      const { stats } = await collector.collect();
      ticks.push(
        Object.fromEntries(stats.stats.map((s) => [s.id, { cpu: s.cpuPercent, rx: s.netRxBytesPerSec }])),
      );
    }
    assert.deepEqual(ticks, [
      { a: { cpu: 0, rx: 0 }, b: { cpu: 0, rx: 0 } },
      { a: { cpu: 50, rx: 1000 }, b: { cpu: 10, rx: 0 } },
      { a: { cpu: 100, rx: 500 } },
      { a: { cpu: 0, rx: 0 }, b: { cpu: 0, rx: 0 } },
      { a: { cpu: 10, rx: 0 }, b: { cpu: 20, rx: 0 } },
    ]);
  });
});
