import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container } from '@unity/shared';
import { filterContainers, groupByStack, sortContainers } from './container-groups.js';

const c = (name: string, over: Partial<Container> = {}): Container => ({
  id: name,
  hostId: 'h1',
  engineId: 'podman:/s',
  engineKind: 'podman',
  containerId: name,
  name,
  image: 'img',
  state: 'running',
  status: '',
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

const all = [
  c('shop-web', { composeProject: 'shop', cpuPercent: 5, memoryBytes: 100, labels: { tier: 'front' } }),
  c('shop-db', { composeProject: 'shop', cpuPercent: 50, memoryBytes: 10, state: 'exited' }),
  c('lonely', { cpuPercent: 20, memoryBytes: 1000, hostId: 'h2' }),
];

describe('containers page logic', () => {
  it('filters by host, state, label (key or key=value) and part of the name', () => {
    const names = (f: Parameters<typeof filterContainers>[1]) => filterContainers(all, f).map((x) => x.name);
    assert.deepEqual(names({ host: 'h2' }), ['lonely']);
    assert.deepEqual(names({ state: 'exited' }), ['shop-db']);
    assert.deepEqual(names({ label: 'tier' }), ['shop-web']);
    assert.deepEqual(names({ label: 'tier=back' }), []);
    assert.deepEqual(names({ name: 'SHOP' }), ['shop-web', 'shop-db']);
  });

  it('sorts by CPU or memory, biggest first, and groups in that order with loose containers last', () => {
    assert.deepEqual(
      sortContainers(all, 'cpu').map((x) => x.name),
      ['shop-db', 'lonely', 'shop-web'],
    );
    const groups = groupByStack(sortContainers(all, 'memory'));
    assert.deepEqual(
      groups.map((g) => [g.stack, g.running, g.containers.map((x) => x.name)]),
      [
        ['shop', 1, ['shop-web', 'shop-db']],
        [null, 1, ['lonely']],
      ],
    );
  });
});
