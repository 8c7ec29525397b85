import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident, PublicItemState } from '@unity/shared';
import { containerState, overallStatus } from './public-view.js';

const items = (...states: PublicItemState[]) => states.map((state) => ({ state }));
const incident = (severity: Incident['severity'], resolved = false): Incident => ({
  id: 'i',
  title: 't',
  severity,
  status: resolved ? 'resolved' : 'investigating',
  createdAt: '2026-01-01T00:00:00Z',
  resolvedAt: resolved ? '2026-01-01T01:00:00Z' : null,
  updates: [],
});

describe('the overall status', () => {
  it('is operational, partial or major as items go down', () => {
    assert.equal(overallStatus(items('up', 'up'), []), 'operational');
    assert.equal(overallStatus(items('up', 'down'), []), 'partial_outage');
    assert.equal(overallStatus(items('down', 'down', 'paused'), []), 'major_outage');
    assert.equal(overallStatus(items('maintenance', 'up'), []), 'operational');
  });

  it('says no data while nothing has reported, operational for an empty page', () => {
    assert.equal(overallStatus(items('pending', 'paused'), []), 'no_data');
    assert.equal(overallStatus([], []), 'operational');
  });

  it('follows open incidents the owner marked major or critical, not resolved ones', () => {
    assert.equal(overallStatus(items('up'), [incident('major')]), 'partial_outage');
    assert.equal(overallStatus(items('up'), [incident('critical')]), 'major_outage');
    assert.equal(overallStatus(items('up'), [incident('minor')]), 'operational');
    assert.equal(overallStatus(items('up'), [incident('critical', true)]), 'operational');
  });
});

describe('a container’s state', () => {
  const at = (state: string, status: string, health: string | null = null, removedAt: Date | null = null) =>
    containerState({ state, status, health, removedAt });
  it('is up while running and not unhealthy', () => {
    assert.equal(at('running', 'Up 3 hours'), 'up');
    assert.equal(at('running', 'Up 3 hours (unhealthy)'), 'down');
    assert.equal(at('exited', 'Exited (1)'), 'down');
    assert.equal(at('paused', 'Paused'), 'paused');
    assert.equal(at('running', 'Up', null, new Date()), 'down');
  });
  it('takes health from the last inspection over the status line, which the agent sends only on changes', () => {
    assert.equal(at('running', 'Up 3 hours (healthy)', 'unhealthy'), 'down');
    assert.equal(at('running', 'Up 3 hours (unhealthy)', 'healthy'), 'up');
    assert.equal(at('running', 'Up 3 hours', 'none'), 'up');
    assert.equal(at('exited', 'Exited (0)', 'healthy'), 'down');
  });
});
