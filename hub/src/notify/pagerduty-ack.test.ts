/**
 * Acknowledging in Unity acknowledges in PagerDuty: on a real hub, a firing group routed to a
 * contact point with a PagerDuty channel and a webhook triggers an incident (Events API v2 at a
 * local server speaking its format); `POST /api/alerts/:fingerprint/ack` (editors, not viewers)
 * sends PagerDuty an `acknowledge` event with the same dedup_key, and nothing to the webhook;
 * the group resolving sends `resolve`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scenarioAlert } from '../alerts/route/scenario.js';
import { createUser } from '../auth/users.js';
import { type HttpPeer, startPeer } from '../testing/http-peer.js';
import { login, startTestHub, type TestHub, waitFor } from '../testing/hub.js';

const ROUTING_KEY = 'Q'.repeat(32);

describe('PagerDuty acknowledge from Unity', () => {
  let hub: TestHub;
  let pd: HttpPeer;
  let hook: HttpPeer;
  let admin: string;
  let editor: string;
  let viewer: string;

  const call = async (cookie: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  type Event = { routing_key: string; event_action: string; dedup_key: string };
  const events = () => pd.requests.map((r) => JSON.parse(r.body) as Event);

  before(async () => {
    // Events API v2 answers 202 with a status and the dedup_key.
    pd = await startPeer((req) => ({
      status: 202,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        status: 'success',
        message: 'Event processed',
        dedup_key: (JSON.parse(req.body) as Event).dedup_key,
      }),
    }));
    hook = await startPeer();
    // No evaluation tick: its picture lacks the alert handed to the router, and would resolve it.
    hub = await startTestHub({ notify: { pollMs: 100 }, env: { UNITY_ALERT_EVAL_INTERVAL: '1h' } });
    admin = await login(hub);
    await createUser(hub.deps.db, { username: 'ed', password: 'editor password 1', role: 'editor' });
    await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 1', role: 'viewer' });
    editor = await login(hub, 'ed', 'editor password 1');
    viewer = await login(hub, 'vi', 'viewer password 1');
  });
  after(async () => {
    await hub.close();
    await pd.close();
    await hook.close();
  });

  it('triggers, acknowledges with the same dedup_key, then resolves', async () => {
    const pager = await call(admin, 'POST', '/api/channels', {
      name: 'pager',
      settings: { type: 'pagerduty', routingKey: ROUTING_KEY, apiUrl: pd.url },
    });
    const webhook = await call(admin, 'POST', '/api/channels', {
      name: 'hook',
      settings: { type: 'webhook', url: `${hook.url}/hook` },
    });
    assert.equal(pager.status, 201);
    assert.equal(webhook.status, 201);
    const cp = await call(admin, 'POST', '/api/contact-points', {
      name: 'on call',
      channelIds: [pager.body.id, webhook.body.id],
    });
    assert.equal(cp.status, 201);
    const policy = await call(editor, 'PUT', '/api/notification-policy', {
      contactPointId: cp.body.id,
      groupBy: ['alertname'],
      groupWait: '0s',
    });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));

    const startsAt = new Date().toISOString();
    const alert = scenarioAlert({ name: 'db-1', rule: 'Database down' }, startsAt);
    await hub.deps.alertRouter.update([alert]);
    await hub.deps.alertRouter.tick();
    await pd.waitFor(1, 5000);
    await hook.waitFor(1, 5000);
    const [trigger] = events();
    assert.equal(trigger?.event_action, 'trigger');
    assert.equal(trigger?.routing_key, ROUTING_KEY);

    assert.equal((await call(viewer, 'POST', '/api/alerts/db-1/ack', {})).status, 403);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pd.requests.length, 1, 'a refused ack sends nothing');

    const acked = await call(editor, 'POST', '/api/alerts/db-1/ack', { comment: 'on it' });
    assert.equal(acked.status, 200);
    await pd.waitFor(2, 5000);
    const ack = events()[1];
    assert.deepEqual(ack, {
      routing_key: ROUTING_KEY,
      dedup_key: trigger?.dedup_key,
      event_action: 'acknowledge',
    });
    // Acknowledging again changes nothing: the group is already acknowledged.
    assert.equal((await call(admin, 'POST', '/api/alerts/db-1/ack', {})).status, 200);

    await hub.deps.alertRouter.update([{ ...alert, status: 'resolved', endsAt: new Date().toISOString() }]);
    await hub.deps.alertRouter.tick();
    await pd.waitFor(3, 5000);
    const resolve = events()[2];
    assert.deepEqual(resolve, {
      routing_key: ROUTING_KEY,
      dedup_key: trigger?.dedup_key,
      event_action: 'resolve',
    });
    await hook.waitFor(2, 5000);
    await waitFor(() => pd.requests.length === 3, 500);
    const hookBodies = hook.requests.map((r) => (JSON.parse(r.body) as { status: string }).status);
    assert.deepEqual(hookBodies, ['firing', 'resolved'], 'the webhook is not told about the acknowledgement');
    assert.equal(pd.requests.length, 3);
  });
});
