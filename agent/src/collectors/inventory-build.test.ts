import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildImages,
  buildNetworks,
  buildPods,
  buildVolumes,
  containerFingerprint,
  type RawContainer,
} from './inventory-build.js';

const web: RawContainer = {
  Id: 'c-web',
  Names: ['/web'],
  ImageID: 'sha256:aaa',
  State: 'running',
  Ports: [{ PrivatePort: 80, PublicPort: 8080, IP: '0.0.0.0', Type: 'tcp' }],
  Mounts: [{ Type: 'volume', Name: 'data' }, { Type: 'bind' }],
  NetworkSettings: { Networks: { front: { NetworkID: 'n-front-id', IPAddress: '10.1.0.2' } } },
};
const worker: RawContainer = {
  Id: 'c-worker',
  Names: ['/worker'],
  ImageID: 'aaa',
  State: 'exited',
  NetworkSettings: { Networks: { podman: { NetworkID: 'podman' } } },
};

describe('inventory builders', () => {
  it('marks images no container uses as unused, and untagged ones as dangling', () => {
    const images = buildImages(
      [
        { Id: 'sha256:aaa', RepoTags: ['app:1'], Size: 100, Created: 1_700_000_000 },
        { Id: 'sha256:bbb', RepoTags: ['<none>:<none>'], Size: 50 },
        { Id: 'sha256:ccc', RepoTags: null, Size: null },
      ],
      [web, worker],
    );
    const byId = new Map(images.map((i) => [i.id, i]));
    // `sha256:` or not, the same image: the stopped worker still holds it.
    assert.deepEqual(byId.get('sha256:aaa')?.containers, ['c-web', 'c-worker']);
    assert.equal(byId.get('sha256:aaa')?.dangling, false);
    assert.equal(byId.get('sha256:aaa')?.createdAt, 1_700_000_000_000);
    assert.deepEqual(byId.get('sha256:bbb')?.containers, []);
    assert.equal(byId.get('sha256:bbb')?.dangling, true);
    assert.deepEqual(byId.get('sha256:bbb')?.tags, []);
    assert.equal(byId.get('sha256:ccc')?.sizeBytes, 0);
  });

  it('finds the containers mounting a volume and takes sizes only where the engine computed them', () => {
    const volumes = buildVolumes(
      [
        { Name: 'data', Driver: 'local', Mountpoint: '/v/data', CreatedAt: '2025-01-01T00:00:00Z' },
        { Name: 'old', Driver: 'local', Mountpoint: '/v/old' },
      ],
      [web, worker],
      {
        Volumes: [
          { Name: 'data', UsageData: { Size: 4096 } },
          { Name: 'old', UsageData: { Size: -1 } },
        ],
      },
    );
    assert.deepEqual(
      volumes.map((v) => [v.name, v.containers, v.sizeBytes]),
      [
        ['data', ['c-web'], 4096],
        ['old', [], undefined],
      ],
    );
    assert.equal(volumes[0]?.createdAt, Date.UTC(2025, 0, 1));
  });

  it("attaches containers to networks by name or id, merging the engine's own list", () => {
    const networks = buildNetworks(
      [
        { Id: 'n-front-id', Name: 'front', Driver: 'bridge' },
        // Podman's compat list calls its default network `bridge`; containers call it `podman`.
        { Id: 'n-default', Name: 'bridge', Driver: 'bridge', Containers: { 'c-worker': { Name: 'worker' } } },
        { Id: 'n-empty', Name: 'empty', Driver: 'bridge', Internal: true },
      ],
      [web, worker],
    );
    const byName = new Map(networks.map((n) => [n.name, n]));
    assert.deepEqual(byName.get('front')?.containers, [
      {
        id: 'c-web',
        name: 'web',
        ipv4: '10.1.0.2',
        ports: [{ privatePort: 80, publicPort: 8080, ip: '0.0.0.0', protocol: 'tcp' }],
      },
    ]);
    assert.deepEqual(
      byName.get('bridge')?.containers.map((c) => c.name),
      ['worker'],
    );
    assert.deepEqual(byName.get('empty')?.containers, []);
    assert.equal(byName.get('empty')?.internal, true);
  });

  it('keeps pods with their containers and infra container', () => {
    const [pod] = buildPods([
      {
        Id: 'p1',
        Name: 'shop',
        Status: 'Running',
        InfraId: 'c-infra',
        Created: '2025-01-01T00:00:00Z',
        Containers: [
          { Id: 'c-web', Names: 'web', Status: 'running' },
          { Id: 'c-infra', Names: 'p1-infra', Status: 'running' },
        ],
      },
    ]);
    assert.equal(pod?.infraId, 'c-infra');
    assert.deepEqual(
      pod?.containers.map((c) => c.name),
      ['p1-infra', 'web'],
    );
  });

  it('changes the fingerprint when a container comes, goes, or changes state, not on reorder', () => {
    const base = containerFingerprint([web, worker]);
    assert.equal(containerFingerprint([worker, web]), base);
    assert.notEqual(containerFingerprint([web]), base);
    assert.notEqual(containerFingerprint([web, { ...worker, State: 'running' }]), base);
  });
});
