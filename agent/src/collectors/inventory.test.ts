import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InventoryItemSchema } from '@unity/shared';
import { ContainerCollector } from './containers.js';
import { detectEngine, type Engine } from './engines.js';
import { InventoryCollector } from './inventory.js';
import { type PodmanTestEngine, startPodmanEngine, TEST_IMAGE } from './podman-test-engine.js';

describe('inventory of a real Podman engine', { timeout: 180_000 }, () => {
  let podman: PodmanTestEngine;
  let engine: Engine;
  before(async () => {
    podman = await startPodmanEngine();
    await podman.podman(['pod', 'create', '--name', 'inv-pod', '--network', 'none']);
    await podman.runContainer('inv-in-pod', ['sleep', '600'], ['--pod', 'inv-pod']);
    await podman.podman(['volume', 'create', 'inv-used']);
    await podman.podman(['volume', 'create', 'inv-orphan']);
    await podman.podman(['network', 'create', 'inv-net']);
    // Created on a network of its own, never started: it sends no traffic.
    await podman.podman([
      'create',
      '--name',
      'inv-on-net',
      '--network',
      'inv-net',
      '-v',
      'inv-used:/data',
      TEST_IMAGE,
      'sleep',
      '600',
    ]);
    await podman.podman(['tag', TEST_IMAGE, 'localhost/inv-spare:1']);
    const detected = await detectEngine(podman.endpoint);
    assert.ok(detected);
    engine = detected;
  });
  after(async () => {
    await podman?.podman(['pod', 'rm', '--force', '--all']).catch(() => undefined);
    await podman?.stop();
  });

  it('lists pods, images, volumes and networks with who uses them', async () => {
    const { listing } = await new ContainerCollector(engine).collect();
    const inventory = new InventoryCollector(engine, { intervalMs: 60_000 });
    const item = await inventory.collect(listing);
    await inventory.close();
    assert.ok(item);
    assert.ok(InventoryItemSchema.safeParse(item).success);
    const byName = new Map(listing.map((c) => [(c.Names?.[0] ?? '').replace(/^\//, ''), c.Id]));

    const pod = item.pods?.find((p) => p.name === 'inv-pod');
    assert.ok(pod, `pods: ${item.pods?.map((p) => p.name)}`);
    assert.ok(pod.infraId);
    assert.deepEqual(pod.containers.map((c) => c.id).sort(), [byName.get('inv-in-pod'), pod.infraId].sort());

    const volumes = new Map(item.volumes.map((v) => [v.name, v]));
    assert.deepEqual(volumes.get('inv-used')?.containers, [byName.get('inv-on-net')]);
    assert.deepEqual(volumes.get('inv-orphan')?.containers, []);

    const net = item.networks.find((n) => n.name === 'inv-net');
    assert.deepEqual(
      net?.containers.map((c) => c.name),
      ['inv-on-net'],
    );

    const busybox = item.images.find((i) => i.tags.includes(TEST_IMAGE));
    assert.ok(busybox && busybox.containers.length >= 2, 'the busybox image is used');
    assert.ok(busybox.tags.includes('localhost/inv-spare:1'), 'a second tag of the same image');
    assert.ok(busybox.sizeBytes > 0);
  });

  it('sends an unchanged inventory once, and again right after a container change', async () => {
    let now = 1_000_000;
    const inventory = new InventoryCollector(engine, { intervalMs: 60_000, now: () => now });
    const containers = new ContainerCollector(engine);
    assert.ok(await inventory.collect((await containers.collect()).listing), 'first one is sent');
    now += 61_000;
    assert.equal(await inventory.collect((await containers.collect()).listing), undefined, 'unchanged');
    now += 1_000;
    await podman.podman(['rm', '--force', 'inv-on-net']);
    const next = await inventory.collect((await containers.collect()).listing);
    assert.ok(next, 'a removed container makes it due and changed, before the interval');
    assert.deepEqual(next.volumes.find((v) => v.name === 'inv-used')?.containers, []);
    assert.deepEqual(next.networks.find((n) => n.name === 'inv-net')?.containers, []);
    await inventory.close();
  });
});
