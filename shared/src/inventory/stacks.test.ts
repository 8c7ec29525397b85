import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container } from '../api/schemas.js';
import { groupStacks, systemdUnitOf } from './stacks.js';

const container = (over: Partial<Container>): Container => ({
  id: over.name ?? 'x',
  hostId: 'h1',
  engineId: 'podman:/run/podman/podman.sock',
  engineKind: 'podman',
  containerId: 'cid',
  name: 'x',
  image: 'img',
  state: 'running',
  status: 'Up',
  labels: {},
  ports: [],
  composeProject: null,
  composeService: null,
  createdAt: null,
  updatedAt: 0,
  cpuPercent: null,
  memoryBytes: null,
  memoryLimitBytes: null,
  health: null,
  restartCount: null,
  exitCode: null,
  oomKilled: null,
  ...over,
});

describe('groupStacks', () => {
  it('groups by project per host and engine, counting services and running containers', () => {
    const stacks = groupStacks([
      container({ name: 'shop-web-1', composeProject: 'shop', composeService: 'web' }),
      container({ name: 'shop-web-2', composeProject: 'shop', composeService: 'web', state: 'exited' }),
      container({ name: 'shop-db-1', composeProject: 'shop', composeService: 'db' }),
      container({ name: 'loner' }),
      // Same project name under Docker on the same host: a stack of its own.
      container({
        name: 'shop-web-d',
        composeProject: 'shop',
        composeService: 'web',
        engineId: 'docker:/x',
        engineKind: 'docker',
      }),
      container({ name: 'other', composeProject: 'blog', hostId: 'h2' }),
    ]);
    assert.deepEqual(
      stacks.map((s) => [s.name, s.engineKind, s.running, s.total]),
      [
        ['blog', 'podman', 1, 1],
        ['shop', 'podman', 2, 3],
        ['shop', 'docker', 1, 1],
      ],
    );
    const shop = stacks[1];
    assert.deepEqual(shop?.services, [
      { name: 'db', running: 1, total: 1 },
      { name: 'web', running: 1, total: 2 },
    ]);
    assert.deepEqual(
      stacks[0]?.services.map((s) => s.name),
      ['(none)'],
    );
  });

  it('names the systemd unit of Quadlet-managed containers', () => {
    assert.equal(systemdUnitOf({ PODMAN_SYSTEMD_UNIT: 'web.service' }), 'web.service');
    assert.equal(systemdUnitOf({}), null);
    const [stack] = groupStacks([
      container({ composeProject: 'q', labels: { PODMAN_SYSTEMD_UNIT: 'q-web.service' } }),
    ]);
    assert.equal(stack?.containers[0]?.systemdUnit, 'q-web.service');
  });
});
