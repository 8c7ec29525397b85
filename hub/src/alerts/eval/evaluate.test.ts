import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertRuleSpecInput } from '@unity/shared';
import { evaluate } from './evaluate.js';
import { runScenario, T0 } from './scenario.js';

type Cond = AlertRuleSpecInput['condition'];
const cpuLast = (threshold: number, extra: object = {}): Cond => ({
  kind: 'threshold',
  metric: 'cpu_percent',
  aggregation: 'last',
  windowSec: 5,
  op: '>',
  threshold,
  ...extra,
});
const rule = (condition: Cond, extra: Partial<AlertRuleSpecInput> = {}): AlertRuleSpecInput => ({
  name: 'cpu high',
  selector: { object: 'container' },
  condition,
  ...extra,
});

describe('alert evaluation scenarios', () => {
  it('a pending instance whose condition clears is dropped without a notification', () => {
    const r = runScenario({
      rules: [rule(cpuLast(90), { for: 30 })],
      objects: { web: { cpu_percent: '95x2 0x3' } },
    });
    assert.deepEqual(r.notices, []);
    assert.deepEqual(r.changes, ['0 web inactive→pending', '20 web pending→inactive']);
  });

  it('fires once the condition held for `for`, and resolves at once with the value then', () => {
    const r = runScenario({
      rules: [rule(cpuLast(90), { for: 30 })],
      objects: { web: { cpu_percent: '0 95x6 42' } },
    });
    assert.deepEqual(r.notices, ['40 web firing', '70 web resolved']);
    assert.deepEqual(r.changes, [
      '10 web inactive→pending',
      '40 web pending→firing',
      '70 web firing→resolved',
    ]);
    const resolved = r.ticks.at(-1)?.alerts[0];
    assert.equal(resolved?.status, 'resolved');
    assert.equal(resolved?.value, 42);
    assert.equal(resolved?.startsAt, new Date(T0 + 40_000).toISOString());
    assert.equal(resolved?.endsAt, new Date(T0 + 70_000).toISOString());
    // Every evaluation reports each firing instance (the router dedups).
    assert.deepEqual(
      r.ticks.map((t) => t.alerts.length),
      [0, 0, 0, 0, 1, 1, 1, 1],
    );
  });

  it('keeps firing for keepFiringFor after the condition clears, and a return cancels the countdown', () => {
    const r = runScenario({
      rules: [rule(cpuLast(90), { keepFiringFor: 30 })],
      objects: { web: { cpu_percent: '95 0 0 95 0x4' } },
    });
    assert.deepEqual(r.notices, ['0 web firing', '70 web resolved']);
    const states = r.ticks.map((t) => t.states[0]?.keepFiringUntil ?? null);
    assert.deepEqual(states.slice(0, 5), [null, T0 + 40_000, T0 + 40_000, null, T0 + 70_000]);
  });

  it('applies hysteresis: raised above the threshold, cleared only past the clear threshold', () => {
    const r = runScenario({
      rules: [rule(cpuLast(90, { clearThreshold: 80 }))],
      objects: { web: { cpu_percent: '95 85 85 79 85 95' } },
    });
    assert.deepEqual(r.notices, ['0 web firing', '30 web resolved', '50 web firing']);
  });

  it('reports a flapping instance once, stays quiet while it flaps, and returns after a stable window', () => {
    const r = runScenario({
      rules: [rule(cpuLast(90), { flapping: { changes: 4, windowSec: 60 } })],
      objects: { web: { cpu_percent: '95 0 95 0 95 0 95 0 0x8 95x3' } },
    });
    assert.deepEqual(r.notices, [
      '0 web firing',
      '10 web resolved',
      '20 web firing',
      '30 web resolved',
      '30 web firing [flapping]',
      '130 web resolved [flapping]',
      '160 web firing',
    ]);
    const flap = r.ticks[3]?.alerts.find((a) => a.labels.flapping === 'true');
    assert.equal(flap?.annotations.flapping, 'true');
    assert.match(flap?.annotations.summary ?? '', /cpu high on web is flapping: 4 changes in 1 min/);
    assert.notEqual(flap?.fingerprint, r.ticks[0]?.alerts[0]?.fingerprint);
    // While flapping, the state machine still runs and records every change.
    assert.ok(r.changes.includes('60 web inactive→firing'));
  });

  it('handles no data as the rule says: nodata state, ok (default), alerting, keep_last', () => {
    const series = { web: { cpu_percent: '95 _ _ 95' } };
    const nodata = runScenario({ rules: [rule(cpuLast(90), { noDataState: 'nodata' })], objects: series });
    assert.deepEqual(nodata.changes, [
      '0 web inactive→firing',
      '10 web firing→nodata',
      '30 web nodata→firing',
    ]);
    assert.equal(nodata.ticks[1]?.alerts[0]?.labels.alertstate, 'nodata');
    assert.match(nodata.ticks[1]?.alerts[0]?.annotations.summary ?? '', /^No data for cpu high on web$/);

    const ok = runScenario({ rules: [rule(cpuLast(90))], objects: series });
    assert.deepEqual(ok.notices, ['0 web firing', '10 web resolved', '30 web firing']);

    const keep = runScenario({ rules: [rule(cpuLast(90), { noDataState: 'keep_last' })], objects: series });
    assert.deepEqual(keep.notices, ['0 web firing']);

    const alerting = runScenario({
      rules: [rule(cpuLast(90), { noDataState: 'alerting', for: 10 })],
      objects: { web: { cpu_percent: '0 _ _ 0' } },
    });
    assert.deepEqual(alerting.notices, ['20 web firing', '30 web resolved']);
  });

  it('puts a failing query in the error state unless the rule says otherwise', () => {
    const r = runScenario({
      rules: [rule(cpuLast(90))],
      objects: { web: { cpu_percent: '0 ! ! 0' } },
    });
    assert.deepEqual(r.changes, ['10 web inactive→error', '30 web error→resolved']);
    assert.equal(
      r.ticks[1]?.alerts[0]?.annotations.summary,
      'Could not evaluate cpu high on web: query failed',
    );
    const ok = runScenario({
      rules: [rule(cpuLast(90), { errorState: 'ok' })],
      objects: { web: { cpu_percent: '0 ! ! 0' } },
    });
    assert.deepEqual(ok.changes, []);
  });

  it('fires on absence once no sample came for afterSec', () => {
    const r = runScenario({
      rules: [rule({ kind: 'absence', afterSec: 30 }, { name: 'heartbeat' })],
      objects: { web: { samples: '1 1 _ _ _ _ 1' } },
    });
    assert.deepEqual(r.notices, ['40 web firing', '60 web resolved']);
    assert.match(r.ticks[4]?.alerts[0]?.annotations.summary ?? '', /^No data from web for 30 s$/);
  });

  it('fires on a rate of change over the window', () => {
    const r = runScenario({
      rules: [
        rule(
          { kind: 'rate_of_change', metric: 'memory_bytes', windowSec: 60, op: '>=', percent: 50 },
          { name: 'memory growth' },
        ),
      ],
      objects: { web: { memory_bytes: '100x6 160x9' } },
    });
    assert.deepEqual(r.notices, ['60 web firing', '110 web resolved']);
    assert.match(r.ticks[6]?.alerts[0]?.annotations.summary ?? '', /memory on web changed \+60 % in 1 min/);
  });

  it('counts restarts rising within the window', () => {
    const r = runScenario({
      rules: [
        rule({ kind: 'status', status: 'restarting', restarts: 3, windowSec: 60 }, { name: 'restart loop' }),
      ],
      objects: { web: { 'status:restarting': '0 0 1 2 3 3 3 3 3 3 3' } },
    });
    assert.deepEqual(r.notices, ['40 web firing', '80 web resolved']);
    assert.equal(
      r.ticks[4]?.alerts[0]?.annotations.summary,
      'Container web on h1 restarted 3 times in 1 min',
    );
  });

  it('gives an anomaly hint only when the short window and the latest value agree', () => {
    const baseline = '49 50 51 '.repeat(10);
    const anomaly: Cond = {
      kind: 'anomaly',
      metric: 'cpu_percent',
      shortWindowSec: 60,
      longWindowSec: 600,
      sensitivity: 5,
      direction: 'up',
    };
    const spike = runScenario({
      rules: [rule(anomaly, { name: 'cpu unusual' })],
      objects: { web: { cpu_percent: `${baseline} 80 50 50 50` } },
    });
    assert.deepEqual(spike.notices, []);
    const sustained = runScenario({
      rules: [rule(anomaly, { name: 'cpu unusual' })],
      objects: { web: { cpu_percent: `${baseline} 80x4` } },
    });
    assert.deepEqual(sustained.notices, ['310 web firing']);
    assert.match(
      sustained.ticks[31]?.alerts[0]?.annotations.summary ?? '',
      /^CPU on web is unusual: 60\.2 %, baseline 50 %$/,
    );
  });

  it('combines conditions per object with and / or / not', () => {
    const both = runScenario({
      rules: [
        rule({
          kind: 'composite',
          op: 'and',
          conditions: [cpuLast(90) as never, { kind: 'status', status: 'unhealthy' }],
        }),
      ],
      objects: { web: { cpu_percent: '95 95 95 0', 'status:unhealthy': '0 1 1 1' } },
    });
    assert.deepEqual(both.notices, ['10 web firing', '30 web resolved']);
    const either = runScenario({
      rules: [
        rule({
          kind: 'composite',
          op: 'or',
          conditions: [cpuLast(90) as never, { kind: 'status', status: 'unhealthy' }],
        }),
      ],
      objects: { web: { cpu_percent: '95 95 0 0 0', 'status:unhealthy': '0 1 1 0 0' } },
    });
    assert.deepEqual(either.notices, ['0 web firing', '30 web resolved']);
  });

  it('refers to other rules, on the same labels, in dependency order', () => {
    const hostDown = '00000000-0000-4000-8000-00000000000a';
    const hostUp = '00000000-0000-4000-8000-00000000000b';
    const r = runScenario({
      rules: [
        // Listed first on purpose: it depends on the two rules below.
        {
          name: 'stopped',
          selector: { object: 'container' },
          condition: {
            kind: 'composite',
            op: 'and',
            conditions: [
              { kind: 'status', status: 'stopped' },
              { kind: 'rule', ruleId: hostUp, on: ['host'] },
            ],
          },
        },
        {
          id: hostDown,
          name: 'offline',
          selector: { object: 'host' },
          condition: { kind: 'status', status: 'offline' },
        },
        {
          id: hostUp,
          name: 'online',
          selector: { object: 'host' },
          condition: { kind: 'composite', op: 'not', conditions: [{ kind: 'rule', ruleId: hostDown }] },
        },
      ],
      hosts: ['h1'],
      objects: { web: { 'status:stopped': '0 1 1 1' }, h1: { 'status:offline': '0 0 1 1' } },
    });
    assert.deepEqual(r.notices, [
      '0 online/h1 firing',
      '10 stopped/web firing',
      '20 offline/h1 firing',
      '20 online/h1 resolved',
      '20 stopped/web resolved',
    ]);
  });

  it('answers a reference cycle with the error state', () => {
    const a = '00000000-0000-4000-8000-00000000000a';
    const b = '00000000-0000-4000-8000-00000000000b';
    const r = runScenario({
      rules: [
        {
          id: a,
          name: 'a',
          selector: { object: 'host' },
          condition: { kind: 'composite', op: 'not', conditions: [{ kind: 'rule', ruleId: b }] },
        },
        {
          id: b,
          name: 'b',
          selector: { object: 'host' },
          condition: { kind: 'composite', op: 'not', conditions: [{ kind: 'rule', ruleId: a }] },
        },
      ],
      hosts: ['h1'],
      objects: { h1: { value: '0' } },
    });
    assert.deepEqual(r.changes, ['0 b/rule inactive→error', '0 a/rule inactive→error']);
  });

  it('keeps `for` progress and does not fire again across a restart from persisted state', () => {
    const r = runScenario({
      rules: [rule(cpuLast(90), { for: 60 })],
      objects: { web: { cpu_percent: '95x12' } },
      restartsAt: [30, 90],
    });
    assert.deepEqual(r.changes, ['0 web inactive→pending', '60 web pending→firing']);
    const starts = new Set(r.ticks.flatMap((t) => t.alerts.map((a) => a.startsAt)));
    assert.deepEqual([...starts], [new Date(T0 + 60_000).toISOString()]);
  });

  it('selects objects with anchored matchers and labels instances with the object and rule labels', () => {
    const r = runScenario({
      rules: [
        rule(cpuLast(90), {
          selector: { object: 'container', matchers: [{ label: 'container', op: '=~', value: 'web' }] },
          labels: { team: 'ops' },
        }),
      ],
      objects: { web: { cpu_percent: '95' }, 'web-2': { cpu_percent: '95' } },
    });
    assert.deepEqual(r.notices, ['0 web firing']);
    assert.deepEqual(r.ticks[0]?.alerts[0]?.labels, {
      alertname: 'cpu high',
      severity: 'warning',
      host: 'h1',
      container: 'web',
      team: 'ops',
    });
  });

  it('writes the history into the default message', () => {
    const r = runScenario({
      rules: [rule(cpuLast(90))],
      objects: { web: { cpu_percent: '95' } },
      firedCounts: () => 3,
    });
    const a = r.ticks[0]?.alerts[0];
    assert.equal(a?.annotations.summary, 'CPU on web is 95 % (last over 5 s, threshold > 90 %)');
    assert.match(a?.annotations.description ?? '', /Fired 4 times in the last 7 days\./);
    assert.match(a?.annotations.description ?? '', /http:\/\/hub\.test\/containers\/web$/);
  });

  it('resolves the instances of a rule that was deleted or disabled', () => {
    const r = runScenario({ rules: [rule(cpuLast(90))], objects: { web: { cpu_percent: '95' } } });
    const previous = r.ticks[0]?.states ?? [];
    const out = evaluate({ rules: [], data: new Map(), previous, now: T0 + 10_000 });
    assert.equal(out.alerts.length, 1);
    assert.equal(out.alerts[0]?.status, 'resolved');
    assert.deepEqual(out.removed, [previous[0]?.fingerprint]);
    assert.deepEqual(
      out.transitions.map((t) => `${t.from}→${t.to}`),
      ['firing→resolved'],
    );
  });
});
