import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ContainerStatsItemSchema, ContainersItemSchema } from '@unity/shared';
import pino from 'pino';
import { ContainerCollector } from './containers.js';
import { EngineSet, LISTING_REFRESH_MS } from './engine-set.js';
import { candidateEndpoints, detectEngine } from './engines.js';
import { type PodmanTestEngine, startPodmanEngine, TEST_IMAGE } from './podman-test-engine.js';

describe('containers on a real Podman engine', { timeout: 120_000 }, () => {
  let engine: PodmanTestEngine;
  before(async () => {
    engine = await startPodmanEngine();
    await engine.runContainer(
      'unity-a',
      ['sleep', '600'],
      ['--label', 'com.docker.compose.project=shop', '--label', 'com.docker.compose.service=web'],
    );
    await engine.runContainer('unity-b');
  });
  after(async () => {
    await engine?.stop();
  });

  /** An engine set following the test engine's events, on a clock `tick` moves before collecting. */
  function followingSet() {
    const endpoints = [engine.endpoint];
    let now = Date.now();
    const set = new EngineSet({
      endpoints,
      explicit: endpoints,
      log: pino({ level: 'silent' }),
      now: () => now,
    });
    const tick = (ms: number) => {
      now += ms;
      return set.collect();
    };
    return { set, tick };
  }

  it('detects the engine as Podman', async () => {
    const detected = await detectEngine(engine.endpoint);
    assert.ok(detected, 'the socket answers /_ping');
    assert.equal(detected.ref.kind, 'podman');
    assert.equal(detected.ref.id, `podman:${engine.socketPath}`);
    assert.ok(detected.ref.version);
    assert.equal(await detectEngine('unix:///nonexistent/podman.sock'), undefined);
  });

  it('lists the containers running with memory, then shows a stopped one as exited', async () => {
    const detected = await detectEngine(engine.endpoint);
    assert.ok(detected);
    const collector = new ContainerCollector(detected);
    const first = await collector.collect();
    assert.ok(ContainersItemSchema.safeParse(first.containers).success);
    assert.ok(ContainerStatsItemSchema.safeParse(first.stats).success);
    const byName = new Map(first.containers.containers.map((c) => [c.name, c]));
    const a = byName.get('unity-a');
    const b = byName.get('unity-b');
    assert.ok(a && b, `both listed: ${[...byName.keys()]}`);
    assert.equal(a.state, 'running');
    assert.equal(b.state, 'running');
    assert.equal(a.image, TEST_IMAGE);
    assert.equal(a.composeProject, 'shop');
    assert.equal(a.composeService, 'web');
    assert.equal(a.labels['unity-test'], '1');
    for (const c of [a, b]) {
      const stat = first.stats.stats.find((s) => s.id === c.id);
      assert.ok(stat, `stats for ${c.name}`);
      assert.ok(stat.memoryBytes > 0, `memory of ${c.name}`);
      assert.ok(stat.memoryLimitBytes > 0);
      assert.ok(stat.pids >= 1);
    }

    await engine.podman(['stop', '--time', '0', 'unity-b']);
    const second = await collector.collect();
    const stopped = second.containers.containers.find((c) => c.name === 'unity-b');
    assert.equal(stopped?.state, 'exited');
    assert.ok(!second.stats.stats.some((s) => s.id === b.id), 'no stats for a stopped container');
    assert.ok(second.stats.stats.some((s) => s.id === a.id));
  });

  it('reports the engines that answer, and one that goes away is retried', async () => {
    const log = pino({ level: 'silent' });
    const endpoints = candidateEndpoints({
      dockerHosts: [engine.endpoint, 'unix:///nonexistent.sock'],
      autodetect: false,
    });
    // Events and health are tested in their own suites; here only the per-tick items matter.
    let now = Date.now();
    const set = new EngineSet({ endpoints, explicit: endpoints, log, followEvents: false, now: () => now });
    try {
      const items = await set.collect();
      assert.deepEqual(items.map((i) => i.kind).slice(0, 3), ['containers', 'container_stats', 'inventory']);
      assert.equal(set.engines.length, 1);
      // Nothing changed: the stats alone; neither the listing nor the inventory is due yet.
      now += 10_000;
      const again = (await set.collect()).map((i) => i.kind);
      assert.deepEqual(again, ['container_stats']);
      // A new container changes the listing: it goes out on the next tick.
      await engine.runContainer('unity-c');
      now += 10_000;
      const changed = await set.collect();
      assert.deepEqual(changed.map((i) => i.kind).slice(0, 2), ['containers', 'container_stats']);
      const listed = changed.find((i) => i.kind === 'containers');
      assert.ok(
        listed?.containers.some((c) => c.name === 'unity-c'),
        'the new container is listed',
      );
      now += 10_000;
      assert.ok(!(await set.collect()).some((i) => i.kind === 'containers'));
      // A minute on, still not: its status text aged, but the hub writes that line itself.
      now += 60_000;
      assert.ok(!(await set.collect()).some((i) => i.kind === 'containers'));
      // LISTING_REFRESH_MS after the last listing it is read and sent again, changed or not (a
      // safety net for a change no event reported).
      now += LISTING_REFRESH_MS;
      assert.deepEqual((await set.collect()).map((i) => i.kind).slice(0, 2), [
        'containers',
        'container_stats',
      ]);
    } finally {
      await set.stop();
    }
  });

  it('with the event stream up, skips unchanged listings yet lists a new container on the next tick', async () => {
    const { set, tick } = followingSet();
    try {
      await tick(0);
      // Let the event stream connect, then a quiet tick sends the stats alone.
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual((await tick(10_000)).map((i) => i.kind).slice(0, 1), ['container_stats']);
      const id = await engine.runContainer('unity-d');
      // Well within the listing's refresh: only the container's events can make it show up.
      let found = false;
      for (let i = 0; i < 20 && !found; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const items = await tick(1_000);
        const listed = items.find((i) => i.kind === 'containers');
        const stats = items.find((i) => i.kind === 'container_stats');
        found =
          listed?.containers.some((c) => c.name === 'unity-d') === true &&
          stats?.stats.some((s) => s.id === id) === true;
      }
      assert.ok(found, 'the new container is listed, with stats, from the event it caused');
    } finally {
      await set.stop();
    }
  });

  it('with the event stream up, reads the inventory again on the tick after a volume event, not at the refresh', async () => {
    const { set, tick } = followingSet();
    try {
      assert.ok(
        (await tick(0)).some((i) => i.kind === 'inventory'),
        'the first tick has one',
      );
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(!(await tick(10_000)).some((i) => i.kind === 'inventory'), 'a quiet tick has none');
      await engine.podman(['volume', 'create', 'unity-events-vol']);
      // Seconds, where the periodic refresh is minutes away: only the volume's event can do it.
      let volume: { name: string; sizeBytes?: number | undefined } | undefined;
      for (let i = 0; i < 20 && !volume; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const inventory = (await tick(1_000)).find((item) => item.kind === 'inventory');
        volume = inventory?.volumes.find((v) => v.name === 'unity-events-vol');
      }
      assert.ok(volume, 'the new volume is in the inventory of a tick right after its event');
      // With a volume on the engine, its size is asked for too (`/system/df`).
      assert.equal(typeof volume.sizeBytes, 'number');
    } finally {
      await set.stop();
      await engine.podman(['volume', 'rm', '--force', 'unity-events-vol']).catch(() => undefined);
    }
  });
});
