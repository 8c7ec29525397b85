/**
 * The router's acknowledge hook: when every firing alert of an announced group is acknowledged,
 * the contact points the group reached (the route's, or every escalation step reached so far)
 * get an `acknowledged` notification through `NotificationSink.acknowledge`, once; a group never
 * announced has nothing to acknowledge; a sink without the method is left alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Acknowledgement, Notification, NotificationSink } from '@unity/shared';
import { silentLogger } from '../../log.js';
import { Router, type RoutingConfig } from './router.js';
import { scenarioAlert } from './scenario.js';

class AckSink implements NotificationSink {
  readonly sent: { to: string; n: Notification }[] = [];
  readonly acked: { to: string; n: Notification }[] = [];
  async enqueue(to: string, n: Notification) {
    this.sent.push({ to, n });
  }
  async acknowledge(to: string, n: Notification) {
    this.acked.push({ to, n });
  }
}

const T0 = Date.parse('2025-01-06T12:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const config = (
  p: Partial<RoutingConfig['policy']>,
  chains: RoutingConfig['escalationChains'] = [],
): RoutingConfig => ({
  policy: { contactPointId: 'ops', groupBy: ['alertname'], groupWait: '0s', ...p },
  timeIntervals: [],
  silences: [],
  inhibitionRules: [],
  escalationChains: chains,
});
const ack = (fingerprint: string, startsAt: string, by = 'ed', when = 60_000): Acknowledgement => ({
  fingerprint,
  alertStartsAt: startsAt,
  acknowledgedBy: by,
  acknowledgedAt: at(when).toISOString(),
  comment: null,
  expiresAt: null,
});

describe('router: acknowledgements reach channels that can say so', () => {
  it('tells the route’s contact point once every firing alert of the group is acknowledged', async () => {
    const sink = new AckSink();
    const router = new Router({
      sink,
      log: silentLogger(),
      alertsUrl: 'http://hub.test/alerts',
      config: config({}),
    });
    const startsAt = at(0).toISOString();
    const a = scenarioAlert({ name: 'web-1' }, startsAt);
    const b = scenarioAlert({ name: 'db-1' }, startsAt);
    await router.update([a, b], at(0));
    await router.tick(at(1000));
    assert.equal(sink.sent.length, 1);

    router.acknowledge(ack('web-1', startsAt), at(60_000));
    await router.tick(at(61_000));
    assert.equal(sink.acked.length, 0, 'one of two alerts acknowledged: the group is not');
    router.acknowledge(ack('db-1', startsAt, 'vera', 62_000), at(62_000));
    await router.tick(at(63_000));
    assert.equal(sink.acked.length, 1);
    const [{ to, n } = { to: '', n: undefined }] = sink.acked;
    assert.equal(to, 'ops');
    assert.equal(n?.groupKey, sink.sent[0]?.n.groupKey);
    assert.equal(n?.status, 'firing');
    // Named after whoever completed the acknowledgement.
    assert.deepEqual(n?.acknowledged, { by: 'vera', at: at(62_000).toISOString() });
    assert.equal(n?.id, `${sink.sent[0]?.n.id}-ack`);
    // Further ticks and a repeated ack do not announce it again.
    router.acknowledge(ack('db-1', startsAt), at(70_000));
    await router.tick(at(3600_000));
    assert.equal(sink.acked.length, 1);
  });

  it('tells every contact point an escalation reached, and nothing for a group never announced', async () => {
    const sink = new AckSink();
    const chain = {
      id: '00000000-0000-4000-8000-0000000000c1',
      name: 'pager chain',
      repeat: 0,
      steps: [
        { contactPointId: 'chat', wait: '1m' },
        { contactPointId: 'pager', wait: '5m' },
      ],
      createdAt: at(0).toISOString(),
      updatedAt: at(0).toISOString(),
    };
    const router = new Router({
      sink,
      log: silentLogger(),
      alertsUrl: 'http://hub.test/alerts',
      config: config({ contactPointId: undefined, escalationChainId: chain.id, groupWait: '30s' }, [chain]),
    });
    const startsAt = at(0).toISOString();
    await router.update([scenarioAlert({ name: 'web-1' }, startsAt)], at(0));
    // Acknowledged before its group wait ended: never announced, nothing to acknowledge.
    router.acknowledge(ack('web-1', startsAt), at(10_000));
    await router.tick(at(11_000));
    assert.equal(sink.acked.length, 0);
    assert.equal(sink.sent.length, 0);

    await router.update([scenarioAlert({ name: 'db-1' }, startsAt)], at(20_000));
    for (let s = 21; s <= 120; s++) await router.tick(at(s * 1000));
    assert.deepEqual(
      sink.sent.map((x) => x.to),
      ['chat', 'pager'],
      'step 1 at the group wait, step 2 a minute later',
    );
    router.acknowledge(ack('db-1', startsAt), at(121_000));
    await router.tick(at(122_000));
    assert.deepEqual(sink.acked.map((x) => x.to).sort(), ['chat', 'pager']);
  });
});
