import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AcknowledgementSchema,
  AlertGroupSchema,
  EscalationChainSchema,
  InhibitionRuleSchema,
  NotificationPolicyResponseSchema,
  SilenceSchema,
  TimeIntervalSchema,
} from '@unity/shared';
import { z } from 'zod';
import { createUser } from '../../auth/users.js';
import { login, startTestHub, type TestHub } from '../../testing/hub.js';
import { RecordingSink, scenarioAlert } from './scenario.js';

type Call = { status: number; body: unknown };

describe('alert routing API', () => {
  let hub: TestHub;
  const sink = new RecordingSink();
  let admin: string;
  let editor: string;
  let viewer: string;

  const call = async (method: string, path: string, cookie?: string, body?: unknown): Promise<Call> => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const message = (r: Call) => (r.body as { error: { message: string } }).error.message;

  before(async () => {
    // No evaluation tick: its picture lacks the alerts handed to the router, and would resolve them.
    hub = await startTestHub({ notificationSink: sink, env: { UNITY_ALERT_EVAL_INTERVAL: '1h' } });
    await createUser(hub.deps.db, { username: 'ed', password: 'editor password 1', role: 'editor' });
    await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 1', role: 'viewer' });
    admin = await login(hub);
    editor = await login(hub, 'ed', 'editor password 1');
    viewer = await login(hub, 'vi', 'viewer password 1');
  });
  after(() => hub.close());

  it('anonymous callers get 401 on every routing endpoint', async () => {
    for (const [method, path] of [
      ['GET', '/api/notification-policy'],
      ['PUT', '/api/notification-policy'],
      ['GET', '/api/silences'],
      ['POST', '/api/silences'],
      ['DELETE', '/api/silences/00000000-0000-0000-0000-000000000000'],
      ['GET', '/api/time-intervals'],
      ['POST', '/api/time-intervals'],
      ['GET', '/api/inhibition-rules'],
      ['POST', '/api/escalation-chains'],
      ['POST', '/api/alerts/abc/ack'],
      ['GET', '/api/alert-groups'],
    ] as const) {
      const r = await call(method, path, undefined, method === 'GET' ? undefined : {});
      assert.equal(r.status, 401, `${method} ${path}`);
    }
  });

  it('the policy tree: viewers read, editors write, ids are assigned, references checked', async () => {
    const initial = await call('GET', '/api/notification-policy', viewer);
    assert.equal(initial.status, 200);
    assert.equal(NotificationPolicyResponseSchema.parse(initial.body).policy.groupWait, '30s');

    const tree = {
      contactPointId: 'ops',
      groupBy: ['alertname'],
      routes: [{ matchers: [{ label: 'severity', op: '=', value: 'critical' }], contactPointId: 'pager' }],
    };
    assert.equal((await call('PUT', '/api/notification-policy', viewer, tree)).status, 403);
    const saved = await call('PUT', '/api/notification-policy', editor, tree);
    assert.equal(saved.status, 200);
    const stored = NotificationPolicyResponseSchema.parse(saved.body);
    assert.equal(stored.policy.id, 'root');
    assert.match(stored.policy.routes?.[0]?.id ?? '', /^r-[0-9a-f]{8}$/);
    assert.equal(stored.updatedBy, 'ed');

    const badRegex = await call('PUT', '/api/notification-policy', editor, {
      routes: [{ matchers: [{ label: 'host', op: '=~', value: '(' }] }],
    });
    assert.equal(badRegex.status, 400);
    assert.match(message(badRegex), /routes\.0\.matchers\.0\.value/);
    const unknown = await call('PUT', '/api/notification-policy', editor, {
      routes: [{ muteTimeIntervals: ['nights'], escalationChainId: 'nope' }],
    });
    assert.equal(unknown.status, 400);
    assert.match(message(unknown), /unknown time interval nights/);
    const notJson = await call('PUT', '/api/notification-policy', editor, '{');
    assert.equal(notJson.status, 400);
  });

  it('time intervals: CRUD, conflicts, validation, and in-use ones cannot be deleted', async () => {
    const nights = {
      name: 'night time',
      timeIntervals: [{ times: [{ start: '22:00', end: '24:00' }], location: 'Europe/Paris' }],
    };
    assert.equal((await call('POST', '/api/time-intervals', viewer, nights)).status, 403);
    const created = await call('POST', '/api/time-intervals', editor, nights);
    assert.equal(created.status, 201);
    assert.deepEqual(TimeIntervalSchema.parse(created.body), nights);
    assert.equal((await call('POST', '/api/time-intervals', editor, nights)).status, 409);
    const bad = await call('POST', '/api/time-intervals', editor, {
      name: 'x',
      timeIntervals: [{ times: [{ start: '22:00', end: '06:00' }] }],
    });
    assert.equal(bad.status, 400);
    assert.match(message(bad), /start must be before end/);

    const path = `/api/time-intervals/${encodeURIComponent('night time')}`;
    const updated = await call('PUT', path, editor, { timeIntervals: [{ weekdays: ['saturday:sunday'] }] });
    assert.equal(updated.status, 200);
    assert.deepEqual((await call('GET', path, viewer)).body, {
      name: 'night time',
      timeIntervals: [{ weekdays: ['saturday:sunday'] }],
    });
    assert.equal(
      (await call('PUT', '/api/time-intervals/none', editor, { timeIntervals: [{}] })).status,
      404,
    );

    const policy = await call('PUT', '/api/notification-policy', editor, {
      contactPointId: 'ops',
      routes: [{ id: 'weekend', contactPointId: 'pager', muteTimeIntervals: ['night time'] }],
    });
    assert.equal(policy.status, 200);
    assert.equal((await call('DELETE', path, editor)).status, 409);
    await call('PUT', '/api/notification-policy', editor, { contactPointId: 'ops' });
    assert.equal((await call('DELETE', path, editor)).status, 204);
    assert.equal((await call('DELETE', path, editor)).status, 404);
    assert.deepEqual((await call('GET', '/api/time-intervals', viewer)).body, { items: [] });
  });

  it('silences: create, list by state, expire; viewers cannot write', async () => {
    const body = {
      matchers: [{ label: 'host', op: '=', value: 'h1' }],
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      comment: 'kernel update',
    };
    assert.equal((await call('POST', '/api/silences', viewer, body)).status, 403);
    const created = await call('POST', '/api/silences', editor, body);
    assert.equal(created.status, 201);
    const silence = SilenceSchema.parse(created.body);
    assert.equal(silence.state, 'active');
    assert.equal(silence.createdBy, 'ed');

    const everything = await call('POST', '/api/silences', editor, {
      ...body,
      matchers: [{ label: 'host', op: '=~', value: '.*' }],
    });
    assert.equal(everything.status, 400);
    assert.match(message(everything), /must not match an empty/);
    const past = await call('POST', '/api/silences', editor, { ...body, endsAt: '2020-01-01T00:00:00Z' });
    assert.equal(past.status, 400);
    const badState = await call('GET', '/api/silences?state=sleeping', viewer);
    assert.equal(badState.status, 400);

    const active = await call('GET', '/api/silences?state=active', viewer);
    assert.deepEqual(
      (active.body as { items: { id: string }[] }).items.map((s) => s.id),
      [silence.id],
    );
    assert.equal((await call('DELETE', `/api/silences/${silence.id}`, viewer)).status, 403);
    const expired = await call('DELETE', `/api/silences/${silence.id}`, editor);
    assert.equal(expired.status, 200);
    assert.equal(SilenceSchema.parse(expired.body).state, 'expired');
    assert.equal((await call('DELETE', '/api/silences/not-a-uuid', editor)).status, 400);
    assert.equal(
      (await call('DELETE', '/api/silences/00000000-0000-0000-0000-000000000000', editor)).status,
      404,
    );
  });

  it('inhibition rules: the built-in one is listed; CRUD for the rest', async () => {
    const list = await call('GET', '/api/inhibition-rules', viewer);
    const items = z.object({ items: z.array(InhibitionRuleSchema) }).parse(list.body).items;
    assert.deepEqual(
      items.map((r) => [r.id, r.builtin]),
      [['builtin-host-down', true]],
    );
    const input = {
      name: 'critical over warning',
      sourceMatchers: [{ label: 'severity', op: '=', value: 'critical' }],
      targetMatchers: [{ label: 'severity', op: '=', value: 'warning' }],
      equal: ['host'],
    };
    assert.equal((await call('POST', '/api/inhibition-rules', viewer, input)).status, 403);
    const created = await call('POST', '/api/inhibition-rules', editor, input);
    assert.equal(created.status, 201);
    const rule = InhibitionRuleSchema.parse(created.body);
    const updated = await call('PUT', `/api/inhibition-rules/${rule.id}`, editor, { ...input, equal: [] });
    assert.deepEqual(InhibitionRuleSchema.parse(updated.body).equal, []);
    assert.equal(
      (await call('POST', '/api/inhibition-rules', editor, { ...input, sourceMatchers: [] })).status,
      400,
    );
    assert.equal((await call('DELETE', '/api/inhibition-rules/builtin-host-down', admin)).status, 400);
    assert.equal((await call('DELETE', `/api/inhibition-rules/${rule.id}`, admin)).status, 204);
  });

  it('escalation chains: CRUD, unique names, in-use ones cannot be deleted', async () => {
    const input = {
      name: 'on call',
      steps: [
        { contactPointId: 'alice', wait: '10m' },
        { contactPointId: 'bob', wait: '10m' },
      ],
      repeat: 2,
    };
    assert.equal((await call('POST', '/api/escalation-chains', viewer, input)).status, 403);
    const created = await call('POST', '/api/escalation-chains', editor, input);
    assert.equal(created.status, 201);
    const chain = EscalationChainSchema.parse(created.body);
    assert.equal((await call('POST', '/api/escalation-chains', editor, input)).status, 409);
    const bad = await call('POST', '/api/escalation-chains', editor, { ...input, name: 'x', steps: [] });
    assert.equal(bad.status, 400);
    const updated = await call('PUT', `/api/escalation-chains/${chain.id}`, editor, { ...input, repeat: 0 });
    assert.equal(EscalationChainSchema.parse(updated.body).repeat, 0);

    assert.equal(
      (await call('PUT', '/api/notification-policy', editor, { escalationChainId: chain.id })).status,
      200,
    );
    assert.equal((await call('DELETE', `/api/escalation-chains/${chain.id}`, editor)).status, 409);
    await call('PUT', '/api/notification-policy', editor, { contactPointId: 'ops' });
    assert.equal((await call('DELETE', `/api/escalation-chains/${chain.id}`, editor)).status, 204);
  });

  it('acknowledges a firing alert, records who and when, and shows it in the alert groups', async () => {
    await call('PUT', '/api/notification-policy', admin, { contactPointId: 'ops', groupWait: '0s' });
    const startsAt = new Date().toISOString();
    await hub.deps.alertRouter.update([scenarioAlert({ name: 'web-1' }, startsAt)]);
    await hub.deps.alertRouter.tick();
    assert.equal(sink.received.length, 1);
    assert.equal(sink.received[0]?.contactPointId, 'ops');

    assert.equal((await call('POST', '/api/alerts/web-1/ack', viewer, {})).status, 403);
    assert.equal((await call('POST', '/api/alerts/nope/ack', editor, {})).status, 404);
    assert.equal((await call('POST', '/api/alerts/web-1/ack', editor, { timeout: 'soon' })).status, 400);
    assert.equal((await call('POST', '/api/alerts/bad%20id/ack', editor, {})).status, 400);
    const acked = await call('POST', '/api/alerts/web-1/ack', editor, { comment: 'looking', timeout: '30m' });
    assert.equal(acked.status, 200);
    const ack = AcknowledgementSchema.parse(acked.body);
    assert.equal(ack.acknowledgedBy, 'ed');
    assert.equal(ack.comment, 'looking');
    assert.equal(ack.alertStartsAt, startsAt);
    assert.ok(ack.expiresAt && Date.parse(ack.expiresAt) - Date.parse(ack.acknowledgedAt) === 30 * 60_000);
    // No body at all is fine too.
    const bare = await fetch(`${hub.url}/api/alerts/web-1/ack`, {
      method: 'POST',
      headers: { cookie: admin },
    });
    assert.equal(bare.status, 200);

    const groups = await call('GET', '/api/alert-groups', viewer);
    assert.equal(groups.status, 200);
    const [group] = z.object({ items: z.array(AlertGroupSchema) }).parse(groups.body).items;
    assert.equal(group?.acknowledged, true);
    assert.deepEqual(group?.contactPointIds, ['ops']);
    assert.equal(group?.alerts[0]?.acknowledgement?.acknowledgedBy, 'admin');
    assert.equal(group?.nextNotificationAt, null, 'acknowledged: nothing is due');
    assert.ok(group?.lastNotifiedAt);
  });
});
