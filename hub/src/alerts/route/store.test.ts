import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_NOTIFICATION_POLICY, type NotifiedAlert } from '@unity/shared';
import { migrate } from '../../db/migrate.js';
import { silentLogger } from '../../log.js';
import { backends, type TestDatabase } from '../../testing/databases.js';
import { RoutingRuntime } from './runtime.js';
import { RecordingSink, scenarioAlert } from './scenario.js';
import {
  createEscalationChain,
  createInhibitionRule,
  createSilence,
  createTimeInterval,
  deleteEscalationChain,
  deleteInhibitionRule,
  deleteTimeInterval,
  expireSilence,
  getPolicy,
  listAcks,
  listEscalationChains,
  listInhibitionRules,
  listSilences,
  listTimeIntervals,
  loadGroupStates,
  loadRoutingConfig,
  putPolicy,
  updateEscalationChain,
  updateInhibitionRule,
  updateTimeInterval,
} from './store.js';

const log = silentLogger();
const T0 = Date.parse('2025-01-06T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

for (const backend of backends) {
  describe(`alert routing storage on ${backend.name}`, () => {
    let database: TestDatabase;

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
    });
    after(async () => {
      await database.close();
    });

    it('keeps the policy tree in one row, the default until saved', async () => {
      const db = database.db;
      assert.deepEqual(await getPolicy(db), {
        policy: DEFAULT_NOTIFICATION_POLICY,
        updatedAt: null,
        updatedBy: null,
      });
      const policy = { ...DEFAULT_NOTIFICATION_POLICY, contactPointId: 'ops' };
      await putPolicy(db, policy, 'admin', at(0));
      await putPolicy(db, { ...policy, groupWait: '10s' }, 'editor', at(60));
      const stored = await getPolicy(db);
      assert.equal(stored.policy.groupWait, '10s');
      assert.equal(stored.updatedBy, 'editor');
      assert.equal(stored.updatedAt, at(60).toISOString());
    });

    it('time intervals: create once per name, update, delete', async () => {
      const db = database.db;
      const biz = {
        name: 'business hours',
        timeIntervals: [{ weekdays: ['monday:friday'], location: 'Europe/Paris' }],
      };
      assert.equal(await createTimeInterval(db, biz), true);
      assert.equal(await createTimeInterval(db, biz), false);
      assert.equal(await updateTimeInterval(db, 'business hours', [{ weekdays: ['monday'] }]), true);
      assert.equal(await updateTimeInterval(db, 'nope', [{ weekdays: ['monday'] }]), false);
      assert.deepEqual(await listTimeIntervals(db), [
        { name: 'business hours', timeIntervals: [{ weekdays: ['monday'] }] },
      ]);
      assert.equal(await deleteTimeInterval(db, 'business hours'), true);
      assert.equal(await deleteTimeInterval(db, 'business hours'), false);
    });

    it('silences: pending, active, expired, and expiring ends them now', async () => {
      const db = database.db;
      const matchers = [{ label: 'host', op: '=' as const, value: 'h1' }];
      const active = await createSilence(
        db,
        { matchers, endsAt: at(3600).toISOString(), comment: 'maintenance' },
        'admin',
        at(0),
      );
      assert.equal(active.state, 'active');
      assert.equal(active.startsAt, at(0).toISOString());
      assert.equal(active.createdBy, 'admin');
      const pending = await createSilence(
        db,
        {
          matchers,
          startsAt: at(7200).toISOString(),
          endsAt: at(9000).toISOString(),
          comment: 'nightly',
          schedule: [{ times: [{ start: '02:00', end: '03:00' }] }],
        },
        'editor',
        at(1),
      );
      assert.equal(pending.state, 'pending');
      assert.deepEqual(pending.schedule, [{ times: [{ start: '02:00', end: '03:00' }] }]);
      assert.deepEqual(
        (await listSilences(db, at(10))).map((s) => s.state),
        ['pending', 'active'],
      );
      assert.deepEqual(
        (await listSilences(db, at(10), 'active')).map((s) => s.id),
        [active.id],
      );
      const expired = await expireSilence(db, active.id, at(20));
      assert.equal(expired?.state, 'expired');
      assert.equal(expired?.endsAt, at(20).toISOString());
      const never = await expireSilence(db, pending.id, at(30));
      assert.equal(never?.state, 'expired');
      assert.equal(await expireSilence(db, '00000000-0000-0000-0000-000000000000', at(30)), undefined);
      assert.deepEqual(await listSilences(db, at(40), 'active'), []);
      assert.equal((await loadRoutingConfig(db, at(40))).silences.length, 0);
    });

    it('inhibition rules and escalation chains: CRUD', async () => {
      const db = database.db;
      const rule = await createInhibitionRule(db, {
        name: 'critical over warning',
        sourceMatchers: [{ label: 'severity', op: '=', value: 'critical' }],
        targetMatchers: [{ label: 'severity', op: '=', value: 'warning' }],
        equal: ['host'],
      });
      assert.equal(rule.builtin, false);
      const changed = await updateInhibitionRule(db, rule.id, { ...rule, equal: ['host', 'container'] });
      assert.deepEqual(changed?.equal, ['host', 'container']);
      assert.deepEqual(
        (await listInhibitionRules(db)).map((r) => r.name),
        ['critical over warning'],
      );
      assert.equal(await deleteInhibitionRule(db, rule.id), true);

      const chain = await createEscalationChain(db, {
        name: 'on call',
        steps: [{ contactPointId: 'alice', wait: '10m' }],
      });
      assert.ok(chain);
      assert.equal(chain.repeat, 0);
      assert.equal(await createEscalationChain(db, { name: 'on call', steps: chain.steps }), undefined);
      const other = await createEscalationChain(db, { name: 'weekend', steps: chain.steps });
      assert.ok(other);
      assert.equal(
        await updateEscalationChain(db, other.id, { name: 'on call', steps: chain.steps }),
        'taken',
      );
      const updated = await updateEscalationChain(db, chain.id, { ...chain, repeat: 2 });
      assert.equal(typeof updated === 'object' && updated.repeat, 2);
      assert.equal(
        await updateEscalationChain(db, '00000000-0000-0000-0000-000000000000', { ...chain, name: 'nobody' }),
        'missing',
      );
      assert.deepEqual(
        (await listEscalationChains(db)).map((c) => c.name),
        ['on call', 'weekend'],
      );
      assert.equal(await deleteEscalationChain(db, other.id), true);
    });

    it('a hub restart from the stored dispatch state sends no second page', async () => {
      const db = database.db;
      await putPolicy(
        db,
        { ...DEFAULT_NOTIFICATION_POLICY, contactPointId: 'ops', repeatInterval: '1h' },
        'admin',
      );
      const alerts: NotifiedAlert[] = [
        scenarioAlert({ name: 'web-1' }, at(0).toISOString()),
        scenarioAlert({ name: 'db-1' }, at(0).toISOString()),
      ];
      const start = async (sink: RecordingSink) =>
        RoutingRuntime.start({
          db,
          log,
          sink,
          alertsUrl: 'http://hub.test/alerts',
          tickMs: 0,
          clock: () => T0,
        });

      const sinkA = new RecordingSink();
      const first = await start(sinkA);
      for (let s = 0; s <= 120; s += 1) {
        if (s % 15 === 0) await first.update(alerts, at(s));
        await first.tick(at(s));
      }
      assert.deepEqual(
        sinkA.received.map((r) => r.notification.alerts.map((a) => a.fingerprint).sort()),
        [['db-1', 'web-1']],
      );
      // Acknowledge db-1 before the restart: the ack outlives it too.
      const ack = await first.acknowledge('db-1', 'admin', { comment: 'on it' });
      assert.equal(ack?.acknowledgedBy, 'admin');
      await first.stop();
      const saved = await loadGroupStates(db);
      assert.equal(saved.length, 1);
      assert.deepEqual(saved[0]?.notifiedFiring, ['db-1', 'web-1']);
      assert.equal(saved[0]?.seq, 1);
      assert.deepEqual(
        (await listAcks(db)).map((a) => a.fingerprint),
        ['db-1'],
      );

      const sinkB = new RecordingSink();
      const second = await start(sinkB);
      for (let s = 300; s <= 1800; s += 1) {
        if (s % 15 === 0) await second.update(alerts, at(s));
        await second.tick(at(s));
      }
      assert.equal(sinkB.received.length, 0, 'no second page after the restart');
      const [group] = second.groups();
      assert.equal(group?.lastNotifiedAt, at(30).toISOString());
      assert.equal(group?.alerts.find((a) => a.fingerprint === 'db-1')?.acknowledgement?.comment, 'on it');
      // web-1 resolves: told at once, with the seq carried on.
      await second.update(
        [alerts[1] as NotifiedAlert, { ...(alerts[0] as NotifiedAlert), status: 'resolved' }],
        at(1801),
      );
      assert.equal(sinkB.received.length, 1);
      assert.deepEqual(
        sinkB.received[0]?.notification.alerts.map((a) => `${a.fingerprint}:${a.status}`),
        ['db-1:firing', 'web-1:resolved'],
      );
      assert.match(sinkB.received[0]?.notification.id ?? '', /-2$/);
      // Everything resolves: the group and the ack are gone from the store too.
      await second.update([{ ...(alerts[1] as NotifiedAlert), status: 'resolved' }], at(1802));
      await second.stop();
      assert.deepEqual(await loadGroupStates(db), []);
      assert.deepEqual(await listAcks(db), []);
    });
  });
}
