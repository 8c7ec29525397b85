import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BatchFrame, InventoryItem } from '@unity/shared';
import { createAgent } from '../agents/agent-store.js';
import { migrate } from '../db/migrate.js';
import { storeBatch } from '../ingest/writer.js';
import { silentLogger } from '../log.js';
import { backends, type TestDatabase } from '../testing/databases.js';
import { batch, ENGINE, hostFacts } from '../testing/fixtures.js';
import { listImages, listNetworks, listPods, listStacks, listVolumes } from './views.js';

const log = silentLogger();
const T0 = Date.UTC(2025, 0, 1);
const DOCKER = { id: 'docker:/var/run/docker.sock', kind: 'docker' as const };

function inventory(ts: number, over: Partial<InventoryItem> = {}): InventoryItem {
  return {
    kind: 'inventory',
    ts,
    engine: ENGINE,
    images: [
      { id: 'sha256:used', tags: ['app:1'], sizeBytes: 1e6, dangling: false, containers: ['web-engine-id'] },
      { id: 'sha256:spare', tags: [], sizeBytes: 5e5, dangling: true, containers: [] },
    ],
    volumes: [
      {
        name: 'data',
        driver: 'local',
        mountpoint: '/v/data',
        sizeBytes: 4096,
        labels: {},
        containers: ['db-engine-id'],
      },
      { name: 'leftover', driver: 'local', mountpoint: '/v/leftover', labels: {}, containers: [] },
    ],
    networks: [
      {
        id: 'net-1',
        name: 'front',
        driver: 'bridge',
        internal: false,
        containers: [
          {
            id: 'web-engine-id',
            name: 'web',
            ports: [{ privatePort: 80, publicPort: 8080, protocol: 'tcp' }],
          },
        ],
      },
    ],
    pods: [
      {
        id: 'pod-1',
        name: 'shop',
        status: 'Running',
        infraId: 'infra-1',
        labels: {},
        containers: [
          { id: 'infra-1', name: 'pod-1-infra', status: 'running' },
          { id: 'web-engine-id', name: 'web', status: 'running' },
        ],
      },
    ],
    ...over,
  };
}

const frame = (seq: number, items: BatchFrame['items']): BatchFrame => ({ type: 'batch', seq, items });

for (const backend of backends) {
  describe(`inventory storage on ${backend.name}`, () => {
    let database: TestDatabase;
    let hostId: string;

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      hostId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'B'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      await storeBatch(database.db, hostId, batch(1, T0), log);
    });
    after(async () => {
      await database.close();
    });

    it('stores an inventory and flags unused images and orphaned volumes', async () => {
      await storeBatch(database.db, hostId, frame(2, [inventory(T0 + 1000)]), log);
      const images = await listImages(database.db, { host: hostId });
      assert.deepEqual(
        images.map((i) => [i.imageId, i.unused, i.dangling]),
        [
          ['sha256:spare', true, true],
          ['sha256:used', false, false],
        ],
      );
      const volumes = await listVolumes(database.db, { host: hostId });
      assert.deepEqual(
        volumes.map((v) => [v.name, v.orphaned, v.sizeBytes]),
        [
          ['data', false, 4096],
          ['leftover', true, null],
        ],
      );
      assert.deepEqual(
        (await listVolumes(database.db, { orphaned: true })).map((v) => v.name),
        ['leftover'],
      );
      const [net] = await listNetworks(database.db, { host: hostId });
      assert.equal(net?.containers[0]?.ports[0]?.publicPort, 8080);
      assert.equal(net?.unused, false);
      const [pod] = await listPods(database.db, { host: hostId });
      assert.deepEqual(
        pod?.containers.map((c) => [c.name, c.infra]),
        [
          ['pod-1-infra', true],
          ['web', false],
        ],
      );
    });

    it('replaces the engine inventory as a whole, leaving another engine on the host alone', async () => {
      await storeBatch(
        database.db,
        hostId,
        frame(3, [inventory(T0 + 2000, { engine: DOCKER, pods: undefined, networks: [] })]),
        log,
      );
      await storeBatch(
        database.db,
        hostId,
        frame(4, [inventory(T0 + 3000, { images: [], volumes: inventory(0).volumes.slice(1), pods: [] })]),
        log,
      );
      const images = await listImages(database.db, { host: hostId });
      assert.deepEqual(
        images.map((i) => i.engineKind),
        ['docker', 'docker'],
        'the podman images are gone, the docker ones stay',
      );
      assert.equal((await listImages(database.db, { engine: 'podman' })).length, 0);
      assert.deepEqual(
        (await listVolumes(database.db, { engine: 'podman' })).map((v) => v.name),
        ['leftover'],
      );
      assert.equal((await listPods(database.db, { host: hostId })).length, 0);
    });

    it('derives stacks from the containers with running and total counts', async () => {
      const stacks = await listStacks(database.db, { host: hostId });
      const demo = stacks.find((s) => s.name === 'demo');
      assert.ok(demo);
      assert.equal(demo.total, 2);
      assert.equal(demo.running, 2);
      assert.equal(demo.engineKind, 'podman');
    });
  });
}
