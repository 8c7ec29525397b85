import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EscalationChain, NotificationPolicy } from '@unity/shared';
import { silentLogger } from '../../log.js';
import { Router } from './router.js';
import {
  DEFAULT_SCENARIO_POLICY,
  expected,
  RecordingSink,
  runScenario,
  type ScenarioAlert,
  scenarioAlert,
} from './scenario.js';

const START = '2025-01-06T12:00:00Z'; // a Monday
const host = (name: string, hostLabel = 'h1'): ScenarioAlert => ({
  name,
  rule: 'HostOffline',
  labels: { host: hostLabel },
});
const policy = (p: Partial<NotificationPolicy>): NotificationPolicy => ({ ...DEFAULT_SCENARIO_POLICY, ...p });

describe('router dispatch (Alertmanager semantics, simulated time)', () => {
  it('batches alerts that arrive within group_wait into one notification', async () => {
    const { delivered, notifications } = await runScenario({
      start: START,
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        { at: '10s', fire: [{ name: 'db-1' }] },
      ],
      until: '10m',
    });
    assert.deepEqual(delivered, expected([['30s', 'ops', ['web-1', 'db-1']]]));
    const n = notifications[0]?.notification;
    assert.equal(n?.title, '[FIRING:2] Container down — web-1, db-1');
    assert.equal(n?.status, 'firing');
    assert.equal(n?.severity, 'critical');
    assert.deepEqual(n?.groupLabels, { alertname: 'Container down' });
    assert.deepEqual(n?.commonLabels, { alertname: 'Container down', host: 'h1', severity: 'critical' });
    assert.match(n?.id ?? '', /^[0-9a-f]{16}-1$/);
  });

  it('holds a late alert in an existing group until the next group_interval', async () => {
    const { delivered } = await runScenario({
      start: START,
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        { at: '1m', fire: [{ name: 'db-1' }] },
      ],
      until: '12m',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['web-1']],
        ['5m30s', 'ops', ['web-1', 'db-1']],
      ]),
    );
  });

  it('does not repeat an unchanged group before repeat_interval, then repeats on the interval grid', async () => {
    const { delivered } = await runScenario({
      start: START,
      evaluateEvery: '1m',
      events: [{ at: '0s', fire: [{ name: 'web-1', value: 0 }] }],
      until: '4h30m',
    });
    // 30 s + 48 × 5 min = 4 h 0 min 30 s: the first group_interval tick once 4 h have passed.
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['web-1']],
        ['4h30s', 'ops', ['web-1']],
      ]),
    );
  });

  it('sends a resolved notice at once, with the value at resolve time', async () => {
    const { delivered, notifications } = await runScenario({
      start: START,
      events: [
        {
          at: '0s',
          fire: [
            { name: 'web-1', value: 0 },
            { name: 'db-1', value: 0 },
          ],
        },
        { at: '2m7s', resolve: [{ name: 'web-1', value: 1 }] },
        { at: '3m', resolve: ['db-1'] },
      ],
      until: '20m',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['web-1', 'db-1']],
        ['2m7s', 'ops', ['db-1'], ['web-1']],
        ['3m', 'ops', [], ['db-1']],
      ]),
    );
    const partial = notifications[1]?.notification;
    assert.equal(partial?.title, '[FIRING:1, RESOLVED:1] Container down — db-1, web-1');
    assert.equal(partial?.alerts.find((a) => a.fingerprint === 'web-1')?.value, 1);
    assert.equal(partial?.alerts.find((a) => a.fingerprint === 'web-1')?.endsAt, '2025-01-06T12:02:07.000Z');
    const last = notifications[2]?.notification;
    assert.equal(last?.status, 'resolved');
    assert.equal(last?.title, '[RESOLVED] Container down — db-1');
  });

  it('says nothing about an alert that resolved before it was announced', async () => {
    const { delivered } = await runScenario({
      start: START,
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        { at: '20s', resolve: ['web-1'] },
      ],
      until: '10m',
    });
    assert.deepEqual(delivered, []);
  });

  it('takes an alert missing from an update as resolved', async () => {
    // A rule deleted while its alert fired: the next update simply no longer has it.
    const { delivered } = await runScenario({
      start: START,
      events: [
        { at: '0s', fire: [{ name: 'web-1' }, { name: 'db-1' }] },
        { at: '1m', vanish: ['db-1'] },
      ],
      until: '2m',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['web-1', 'db-1']],
        ['1m', 'ops', ['web-1'], ['db-1']],
      ]),
    );
  });
});

describe('router silences, inhibition and time', () => {
  it('a silence suppresses, and its expiry restores a still-firing alert at the next group_interval', async () => {
    const { delivered } = await runScenario({
      start: START,
      events: [
        {
          at: '0s',
          silence: {
            id: 's1',
            matchers: [{ label: 'container', op: '=', value: 'web-1' }],
            startsAt: '0s',
            endsAt: '8m',
          },
        },
        { at: '0s', fire: [{ name: 'web-1' }, { name: 'db-1' }] },
      ],
      until: '20m',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['db-1']],
        ['10m30s', 'ops', ['web-1', 'db-1']],
      ]),
    );
  });

  it('a silence added later hides repeats and resolves of what it matches', async () => {
    const { delivered } = await runScenario({
      start: START,
      config: { policy: policy({ repeatInterval: '10m' }) },
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        {
          at: '2m',
          silence: {
            id: 's1',
            matchers: [{ label: 'alertname', op: '=~', value: 'Container.*' }],
            startsAt: '2m',
            endsAt: '1h',
          },
        },
        { at: '30m', resolve: ['web-1'] },
      ],
      until: '40m',
    });
    assert.deepEqual(delivered, expected([['30s', 'ops', ['web-1']]]));
  });

  it('a recurring silence holds only inside its schedule', async () => {
    // Every day 12:05–12:20 UTC, for a week.
    const { delivered } = await runScenario({
      start: START,
      config: { policy: policy({ groupInterval: '1m', repeatInterval: '5m' }) },
      events: [
        {
          at: '0s',
          silence: {
            id: 'nightly',
            matchers: [{ label: 'container', op: '=', value: 'web-1' }],
            startsAt: '0s',
            endsAt: '168h',
            schedule: [{ times: [{ start: '12:05', end: '12:20' }] }],
          },
        },
        { at: '0s', fire: [{ name: 'web-1' }] },
      ],
      until: '25m',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['web-1']],
        // 12:05:30 would repeat, but the silence holds; at 12:20:30 it is announced again.
        ['20m30s', 'ops', ['web-1']],
      ]),
    );
  });

  it('inhibits the containers of an offline host while it fires and releases them after it resolves', async () => {
    const { delivered } = await runScenario({
      start: START,
      events: [
        {
          at: '0s',
          fire: [
            host('h1-offline'),
            { name: 'web-1' },
            { name: 'api-2', labels: { container: 'api-2', host: 'h2' } },
          ],
        },
        { at: '10m', resolve: ['h1-offline'] },
      ],
      until: '20m',
    });
    assert.deepEqual(
      delivered,
      expected([
        // Container down groups web-1 (h1, inhibited) and api-2 (h2, not).
        ['30s', 'ops', ['api-2']],
        ['30s', 'ops', ['h1-offline']],
        ['10m', 'ops', [], ['h1-offline']],
        ['10m30s', 'ops', ['api-2', 'web-1']],
      ]),
    );
  });

  it('user inhibition rules: critical mutes warning with the same host, not on other hosts', async () => {
    const { delivered } = await runScenario({
      start: START,
      config: {
        policy: policy({ groupBy: ['...'] }),
        inhibitionRules: [
          {
            id: 'crit-over-warn',
            sourceMatchers: [{ label: 'severity', op: '=', value: 'critical' }],
            targetMatchers: [{ label: 'severity', op: '=', value: 'warning' }],
            equal: ['host'],
          },
        ],
      },
      events: [
        {
          at: '0s',
          fire: [
            { name: 'disk-h1', rule: 'Disk full', labels: { host: 'h1' } },
            { name: 'cpu-h1', rule: 'CPU high', severity: 'warning', labels: { host: 'h1' } },
            { name: 'cpu-h2', rule: 'CPU high', severity: 'warning', labels: { host: 'h2' } },
          ],
        },
      ],
      until: '2m',
    });
    assert.deepEqual(delivered.map((d) => d.firing[0]).sort(), ['cpu-h2', 'disk-h1']);
  });

  it('mutes a route inside its mute timing, in the interval’s time zone, with an exclusive end', async () => {
    // 08:58:30 in New York (EST, UTC−5). Muted 00:00–09:00 on weekdays, local time.
    const { delivered } = await runScenario({
      start: '2025-01-06T13:58:30Z',
      config: {
        policy: policy({
          groupInterval: '1m',
          routes: [
            {
              id: 'office',
              matchers: [{ label: 'alertname', op: '=', value: 'Container down' }],
              contactPointId: 'email',
              muteTimeIntervals: ['before-office'],
            },
          ],
        }),
        timeIntervals: [
          {
            name: 'before-office',
            timeIntervals: [
              {
                times: [{ start: '00:00', end: '09:00' }],
                weekdays: ['monday:friday'],
                location: 'America/New_York',
              },
            ],
          },
        ],
      },
      events: [{ at: '0s', fire: [{ name: 'web-1' }] }],
      until: '5m',
    });
    // 08:59:00 is muted; 09:00:00 is not (the end is exclusive).
    assert.deepEqual(delivered, expected([['1m30s', 'email', ['web-1']]]));
  });

  it('routes by time: business hours to email, after hours to the pager', async () => {
    const timeIntervals = [
      {
        name: 'business-hours',
        timeIntervals: [
          {
            times: [{ start: '09:00', end: '17:00' }],
            weekdays: ['monday:friday'],
            location: 'Europe/Paris',
          },
        ],
      },
    ];
    const tree = policy({
      routes: [
        { id: 'day', contactPointId: 'email', activeTimeIntervals: ['business-hours'], continue: true },
        { id: 'night', contactPointId: 'pager', muteTimeIntervals: ['business-hours'] },
      ],
    });
    // 12:00 UTC is 13:00 in Paris: business hours. 18:00 UTC is 19:00: after hours.
    const day = await runScenario({
      start: START,
      config: { policy: tree, timeIntervals },
      events: [{ at: '0s', fire: [{ name: 'web-1' }] }],
      until: '1m',
    });
    assert.deepEqual(day.delivered, expected([['30s', 'email', ['web-1']]]));
    const night = await runScenario({
      start: '2025-01-06T18:00:00Z',
      config: { policy: tree, timeIntervals },
      events: [{ at: '0s', fire: [{ name: 'web-1' }] }],
      until: '1m',
    });
    assert.deepEqual(night.delivered, expected([['30s', 'pager', ['web-1']]]));
  });

  it('mutes on the last day of the month through a negative day of month', async () => {
    const config = {
      policy: policy({ muteTimeIntervals: ['month-end'] }),
      timeIntervals: [{ name: 'month-end', timeIntervals: [{ daysOfMonth: ['-1'] }] }],
    };
    const last = await runScenario({
      start: '2024-02-29T10:00:00Z', // leap year: the 29th is the last day
      config,
      events: [{ at: '0s', fire: [{ name: 'web-1' }] }],
      until: '2m',
    });
    assert.deepEqual(last.delivered, []);
    const notLast = await runScenario({
      start: '2025-02-27T10:00:00Z',
      config,
      events: [{ at: '0s', fire: [{ name: 'web-1' }] }],
      until: '2m',
    });
    assert.deepEqual(notLast.delivered, expected([['30s', 'ops', ['web-1']]]));
  });
});

describe('router acknowledgement and escalation', () => {
  it('an ack stops repeats; when it times out the group is notified again at once', async () => {
    const { delivered } = await runScenario({
      start: START,
      config: { policy: policy({ repeatInterval: '1h' }) },
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        { at: '10m', ack: { alert: 'web-1', timeout: '2h' } },
      ],
      until: '3h20m',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['web-1']],
        // No repeat at 1h0m30s nor 2h0m30s: acknowledged. The ack runs out at 2h10m.
        ['2h10m', 'ops', ['web-1']],
        // Repeats resume an hour later, on the group_interval grid.
        ['3h10m30s', 'ops', ['web-1']],
      ]),
    );
  });

  it('an ack without timeout holds until resolve; a new alert in the group is still announced', async () => {
    const { delivered } = await runScenario({
      start: START,
      config: { policy: policy({ repeatInterval: '1h' }) },
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        { at: '1m', ack: { alert: 'web-1' } },
        { at: '3h', fire: [{ name: 'db-1' }] },
        { at: '3h2m', resolve: ['web-1', 'db-1'] },
      ],
      until: '5h',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['web-1']],
        // No repeats of the acknowledged web-1 at 1h0m30s nor 2h0m30s; db-1 is new.
        ['3h30s', 'ops', ['web-1', 'db-1']],
        ['3h2m', 'ops', [], ['web-1', 'db-1']],
      ]),
    );
  });

  const chain: EscalationChain = {
    id: 'oncall',
    name: 'On call',
    steps: [
      { contactPointId: 'alice', wait: '10m' },
      { contactPointId: 'bob', wait: '10m' },
    ],
    repeat: 1,
  };
  const escalating = policy({
    contactPointId: undefined,
    escalationChainId: 'oncall',
    repeatInterval: '12h',
  });

  it('escalates step by step while unacknowledged, and runs the chain `repeat` more times', async () => {
    const { delivered } = await runScenario({
      start: START,
      config: { policy: escalating, escalationChains: [chain] },
      events: [{ at: '0s', fire: [{ name: 'web-1' }] }],
      until: '2h',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'alice', ['web-1']],
        ['10m30s', 'bob', ['web-1']],
        ['20m30s', 'alice', ['web-1']],
        ['30m30s', 'bob', ['web-1']],
      ]),
    );
  });

  it('an ack stops the escalation; the resolve goes to everyone reached', async () => {
    const { delivered } = await runScenario({
      start: START,
      config: { policy: escalating, escalationChains: [chain] },
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        { at: '15m', ack: { alert: 'web-1' } },
        { at: '50m', resolve: ['web-1'] },
      ],
      until: '1h',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'alice', ['web-1']],
        ['10m30s', 'bob', ['web-1']],
        ['50m', 'alice', [], ['web-1']],
        ['50m', 'bob', [], ['web-1']],
      ]),
    );
  });
});

describe('router routing', () => {
  it('continue=true delivers to two contact points', async () => {
    const { delivered } = await runScenario({
      start: START,
      config: {
        policy: policy({
          routes: [
            {
              id: 'pager',
              matchers: [{ label: 'severity', op: '=', value: 'critical' }],
              contactPointId: 'pager',
              continue: true,
            },
            { id: 'chat', matchers: [{ label: 'host', op: '=~', value: 'h[0-9]+' }], contactPointId: 'chat' },
            { id: 'never', matchers: [{ label: 'host', op: '=~', value: 'h' }], contactPointId: 'never' },
          ],
        }),
      },
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        { at: '0s', fire: [{ name: 'cpu-1', severity: 'warning', rule: 'CPU high', labels: { host: 'x' } }] },
      ],
      until: '1m',
    });
    assert.deepEqual(delivered.map((d) => `${d.to}:${d.firing.join(',')}`).sort(), [
      'chat:web-1',
      'ops:cpu-1',
      'pager:web-1',
    ]);
  });

  it('drops notifications beyond a route’s rate limit, and counts them', async () => {
    const { delivered, router } = await runScenario({
      start: START,
      config: { policy: policy({ groupBy: ['...'], id: 'root', rateLimit: { count: 2, period: '1h' } }) },
      events: [{ at: '0s', fire: ['a', 'b', 'c', 'd'].map((name) => ({ name })) }],
      until: '2m',
    });
    assert.equal(delivered.length, 2);
    assert.deepEqual(router.droppedByRoute(), { root: 2 });
  });

  it('a restart from persisted state sends no second page, and still tells the resolve', async () => {
    const { delivered } = await runScenario({
      start: START,
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        { at: '2m', restart: true },
        { at: '20m', restart: true },
        { at: '30m', resolve: ['web-1'] },
      ],
      until: '40m',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['web-1']],
        ['30m', 'ops', [], ['web-1']],
      ]),
    );
  });

  it('an alert that resolved while the hub was down is told resolved after the restart', async () => {
    const { delivered } = await runScenario({
      start: START,
      events: [
        { at: '0s', fire: [{ name: 'web-1' }, { name: 'db-1' }] },
        // The new router's first update: web-1 resolved in the meantime, db-1 still fires.
        { at: '10m', restart: true, resolve: ['web-1'] },
      ],
      until: '20m',
    });
    assert.deepEqual(
      delivered,
      expected([
        ['30s', 'ops', ['web-1', 'db-1']],
        ['10m', 'ops', ['db-1'], ['web-1']],
      ]),
    );
  });

  it('a restart in the middle of group_wait keeps the batch time', async () => {
    const { delivered } = await runScenario({
      start: START,
      events: [
        { at: '0s', fire: [{ name: 'web-1' }] },
        { at: '10s', restart: true },
        { at: '20s', fire: [{ name: 'db-1' }] },
      ],
      until: '2m',
    });
    assert.deepEqual(delivered, expected([['30s', 'ops', ['web-1', 'db-1']]]));
  });
});

describe('router dispatch without a tick', () => {
  it('sends a new group at once when group_wait is 0, and waits for the tick otherwise', async () => {
    const now = new Date(START);
    const sent = async (groupWait: string) => {
      const sink = new RecordingSink();
      const router = new Router({
        sink,
        log: silentLogger(),
        alertsUrl: 'http://hub.test/alerts',
        config: {
          policy: policy({ groupWait }),
          timeIntervals: [],
          silences: [],
          inhibitionRules: [],
          escalationChains: [],
        },
      });
      await router.update([scenarioAlert({ name: 'web-1' }, START)], now);
      return sink.received.map((r) => r.notification.status);
    };
    assert.deepEqual(await sent('0s'), ['firing']);
    assert.deepEqual(await sent('30s'), []);
  });
});
