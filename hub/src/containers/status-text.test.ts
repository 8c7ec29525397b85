import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration, type StatusFacts, statusText } from './status-text.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe('humanDuration (the words docker ps uses)', () => {
  it('counts seconds, then minutes, hours rounded, days, weeks, months and years', () => {
    const cases: Array<[number, string]> = [
      [0, 'Less than a second'],
      [999, 'Less than a second'],
      [S, '1 second'],
      [59 * S + 999, '59 seconds'],
      [60 * S, 'About a minute'],
      [2 * MIN - 1, 'About a minute'],
      [2 * MIN, '2 minutes'],
      [59 * MIN + 59 * S, '59 minutes'],
      [60 * MIN, 'About an hour'],
      [H + 29 * MIN, 'About an hour'],
      [H + 30 * MIN, '2 hours'],
      [47 * H + 29 * MIN, '47 hours'],
      [47 * H + 30 * MIN, '2 days'],
      [13 * D, '13 days'],
      [14 * D, '2 weeks'],
      [59 * D, '8 weeks'],
      [60 * D, '2 months'],
      [729 * D, '24 months'],
      [730 * D, '2 years'],
    ];
    for (const [ms, words] of cases) assert.equal(humanDuration(ms), words, `${ms} ms`);
  });
});

describe('statusText', () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const facts = (over: Partial<StatusFacts>): StatusFacts => ({
    state: 'running',
    startedAt: null,
    finishedAt: null,
    exitCode: 0,
    health: 'none',
    ...over,
  });

  it('says how long a running container has been up, with its health', () => {
    assert.equal(statusText(facts({ startedAt: now - 3 * MIN }), now), 'Up 3 minutes');
    assert.equal(
      statusText(facts({ startedAt: now - 3 * H, health: 'healthy' }), now),
      'Up 3 hours (healthy)',
    );
    assert.equal(
      statusText(facts({ startedAt: now - 5 * S, health: 'unhealthy' }), now),
      'Up 5 seconds (unhealthy)',
    );
    assert.equal(
      statusText(facts({ startedAt: now - 5 * S, health: 'starting' }), now),
      'Up 5 seconds (health: starting)',
    );
    // A restarted container's inspection keeps the previous run's finish, before this start.
    assert.equal(statusText(facts({ startedAt: now - 2 * D, finishedAt: now - 3 * D }), now), 'Up 2 days');
  });

  it('ages with the clock: the same facts read differently a minute later', () => {
    const f = facts({ startedAt: now - 2 * MIN });
    assert.equal(statusText(f, now), 'Up 2 minutes');
    assert.equal(statusText(f, now + MIN), 'Up 3 minutes');
  });

  it('says how long ago a stopped container exited, and with which code', () => {
    const stopped = { startedAt: now - H, finishedAt: now - 10 * MIN, exitCode: 137 };
    assert.equal(statusText(facts({ state: 'exited', ...stopped }), now), 'Exited (137) 10 minutes ago');
    assert.equal(
      statusText(facts({ state: 'restarting', ...stopped }), now),
      'Restarting (137) 10 minutes ago',
    );
    assert.equal(
      statusText(facts({ state: 'paused', startedAt: now - H }), now),
      'Up About an hour (Paused)',
    );
  });

  it('needs no times for the states whose line has none', () => {
    assert.equal(statusText(facts({ state: 'created' }), now), 'Created');
    assert.equal(statusText(facts({ state: 'dead' }), now), 'Dead');
    assert.equal(statusText(facts({ state: 'removing' }), now), 'Removal In Progress');
  });

  it('leaves the line to the engine when the inspection cannot say it', () => {
    // Never inspected, or an unknown state.
    assert.equal(statusText(facts({}), now), undefined);
    assert.equal(statusText(facts({ state: 'exited' }), now), undefined);
    assert.equal(statusText(facts({ state: 'unknown', startedAt: now - MIN }), now), undefined);
    // The inspection is from the run before: listed up, but it finished after it started.
    assert.equal(statusText(facts({ startedAt: now - H, finishedAt: now - MIN }), now), undefined);
    // Listed exited, but the inspection saw it start after its last finish (still running then).
    assert.equal(
      statusText(facts({ state: 'exited', startedAt: now - MIN, finishedAt: now - H }), now),
      undefined,
    );
  });

  it('never says a negative time when the agent’s clock runs ahead of the hub’s', () => {
    assert.equal(statusText(facts({ startedAt: now + 5 * S }), now), 'Up Less than a second');
  });
});
