import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Probe, ProbeSchema } from '@unity/shared';
import { createUser } from '../../auth/users.js';
import { login, startTestHub, type TestHub } from '../../testing/hub.js';
import { probesFor } from '../probe-store.js';
import { checkLatePushProbes, missedDeadlines } from './late-check.js';
import { MAX_PING_BODY } from './ping-routes.js';

type Json = Record<string, unknown>;

const pushProbe = (input: Json): Extract<Probe, { kind: 'push' }> =>
  ProbeSchema.parse({
    kind: 'push',
    name: 'job',
    id: '00000000-0000-4000-8000-000000000001',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...input,
  }) as Extract<Probe, { kind: 'push' }>;

describe('push probe deadlines', () => {
  it('is late once per missed period, after period plus grace', () => {
    const probe = pushProbe({ periodSeconds: 60, graceSeconds: 30 });
    assert.deepEqual(missedDeadlines(probe, { time: 0, expectedAt: null }, 89_999), []);
    assert.deepEqual(missedDeadlines(probe, { time: 0, expectedAt: null }, 90_000), [
      { expectedAt: 60_000, deadline: 90_000 },
    ]);
    // After a late result, the next period counts from the expected time it was late for.
    assert.deepEqual(missedDeadlines(probe, { time: 90_000, expectedAt: 60_000 }, 149_999), []);
    assert.equal(missedDeadlines(probe, { time: 90_000, expectedAt: 60_000 }, 150_000).length, 1);
    // A long silence records only the newest periods.
    const many = missedDeadlines(probe, { time: 0, expectedAt: null }, 86_400_000, 10);
    assert.equal(many.length, 10);
    assert.equal(many.at(-1)?.expectedAt, 86_340_000);
  });

  it('follows a cron schedule in its time zone across the spring DST change', () => {
    const probe = pushProbe({ cron: '0 9 * * *', timeZone: 'Europe/Berlin', graceSeconds: 600 });
    const lastPing = Date.parse('2026-03-28T08:01:00Z'); // 09:01 CET
    // 09:00 CEST on the 29th is 07:00 UTC: late at 07:10 UTC, not at 08:10 as a fixed offset would say.
    assert.deepEqual(
      missedDeadlines(probe, { time: lastPing, expectedAt: null }, Date.parse('2026-03-29T07:09:59Z')),
      [],
    );
    assert.deepEqual(
      missedDeadlines(probe, { time: lastPing, expectedAt: null }, Date.parse('2026-03-29T07:10:00Z')).map(
        (m) => new Date(m.expectedAt).toISOString(),
      ),
      ['2026-03-29T07:00:00.000Z'],
    );
  });

  it('never hands a push probe to an agent', () => {
    const http = ProbeSchema.parse({
      kind: 'http',
      name: 'web',
      url: 'https://example.com/',
      id: '00000000-0000-4000-8000-000000000002',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    });
    const all: Probe[] = [pushProbe({ periodSeconds: 60 }), http];
    assert.deepEqual(
      probesFor(all, '00000000-0000-4000-8000-00000000aaaa').map((p) => p.kind),
      ['http'],
    );
  });
});

describe('push probes over HTTP', () => {
  let hub: TestHub;
  const cookies: Record<'editor' | 'viewer', string> = { editor: '', viewer: '' };
  const call = async (
    who: keyof typeof cookies | 'anonymous',
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const headers: Record<string, string> = {};
    if (who !== 'anonymous') headers.cookie = cookies[who];
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const errorOf = (r: { body: Json }) => (r.body.error as { message: string }).message;
  /** The ping URL's path, e.g. /push/abc… */
  const pathOf = (pushUrl: unknown) => new URL(String(pushUrl)).pathname;
  const ping = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${hub.url}${path}`, init);
    return { status: res.status, text: await res.text() };
  };
  const results = async (id: string) =>
    (await call('viewer', 'GET', `/api/probes/${id}/results?from=0&to=${Date.now() + 1e12}&limit=1000`)).body
      .items as Json[];
  const create = async (spec: Json) => {
    const res = await call('editor', 'POST', '/api/probes', { kind: 'push', ...spec });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.id as string, path: pathOf(res.body.pushUrl) };
  };

  before(async () => {
    hub = await startTestHub();
    await createUser(hub.deps.db, { username: 'ed', password: 'editor password 1', role: 'editor' });
    await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 1', role: 'viewer' });
    cookies.editor = await login(hub, 'ed', 'editor password 1');
    cookies.viewer = await login(hub, 'vi', 'viewer password 1');
  });
  after(() => hub.close());

  it('lets editors create push probes, with the ping URL shown once; viewers 403, anonymous 401', async () => {
    const spec = { kind: 'push', name: 'nightly backup', periodSeconds: 86_400 };
    assert.equal((await call('anonymous', 'POST', '/api/probes', spec)).status, 401);
    assert.equal((await call('viewer', 'POST', '/api/probes', spec)).status, 403);
    const created = await call('editor', 'POST', '/api/probes', spec);
    assert.equal(created.status, 201);
    assert.match(String(created.body.pushUrl), /^http:\/\/hub\.test:8080\/push\/[A-Za-z0-9_-]{32}$/);
    assert.deepEqual(
      { timeZone: created.body.timeZone, graceSeconds: created.body.graceSeconds },
      { timeZone: 'UTC', graceSeconds: 3600 },
    );
    const read = await call('viewer', 'GET', `/api/probes/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.pushUrl, undefined, 'only the hash is kept, so the URL is never shown again');
    assert.equal((read.body.status as Json).state, 'pending');
  });

  it('refuses bad schedules with a 400 naming the field', async () => {
    const cases: [Json, RegExp][] = [
      [{ periodSeconds: 5 }, /periodSeconds/],
      [{ periodSeconds: 60, cron: '0 3 * * *' }, /cron/],
      [{ cron: '0 25 * * *' }, /cron/],
      [{ cron: '0 3 * * *', timeZone: 'Europe/Atlantis' }, /timeZone/],
      [{}, /periodSeconds/],
    ];
    for (const [spec, field] of cases) {
      const res = await call('editor', 'POST', '/api/probes', { kind: 'push', name: 'bad', ...spec });
      assert.equal(res.status, 400, JSON.stringify(spec));
      assert.match(errorOf(res), field);
    }
  });

  it('records success, start/fail with the duration and message, exit codes, and HEAD pings', async () => {
    const { id, path } = await create({ name: 'pinged', periodSeconds: 3600 });
    assert.deepEqual(await ping(path), { status: 200, text: 'OK\n' });
    assert.equal((await ping(`${path}/start`, { method: 'POST' })).status, 200);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await ping(`${path}/fail`, { method: 'POST', body: 'disk full\n' })).status, 200);
    await new Promise((r) => setTimeout(r, 2));
    assert.equal((await ping(`${path}/0`, { method: 'HEAD' })).status, 200);
    await new Promise((r) => setTimeout(r, 2));
    assert.equal((await ping(`${path}/3`, { method: 'POST' })).status, 200);
    const items = (await results(id)).reverse();
    assert.deepEqual(
      items.map((r) => [r.ok, r.status, (r.details as Json).ping]),
      [
        [true, null, 'success'],
        [false, null, 'fail'],
        [true, 0, 'exit'],
        [false, 3, 'exit'],
      ],
    );
    const failed = items[1] as Json;
    assert.equal((failed.details as Json).message, 'disk full\n');
    assert.ok(Number(failed.latencyMs) >= 25, `duration from /start: ${failed.latencyMs}`);
    assert.equal(items[2]?.latencyMs, null, 'one /start measures one run');
    assert.match(String(items[3]?.error), /code 3/);
    assert.equal(((await call('viewer', 'GET', `/api/probes/${id}`)).body.status as Json).state, 'down');
    // A success brings it back up (a second later: six pings within one would pass the rate limit).
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await ping(path, { method: 'POST' })).status, 200);
    assert.equal(((await call('viewer', 'GET', `/api/probes/${id}`)).body.status as Json).state, 'up');
  });

  it('cuts a message at 10 KB, answers 404 to an unknown token and 429 past 5 pings a second', async () => {
    const { id, path } = await create({ name: 'chatty', periodSeconds: 3600 });
    assert.equal((await ping(path, { method: 'POST', body: 'x'.repeat(50_000) })).status, 200);
    const [stored] = await results(id);
    assert.equal(String((stored?.details as Json | undefined)?.message).length, MAX_PING_BODY);

    const unknown = await ping('/push/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    assert.deepEqual(unknown, { status: 404, text: 'no push check with this token\n' });
    assert.equal((await ping(`${path}/256`)).status, 400);
    assert.equal((await ping(`${path}/nope`)).status, 404);

    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await ping(`${path}/start`)).status);
    assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
  });

  it('rotates the token for editors only; the old URL stops working', async () => {
    const { id, path } = await create({ name: 'rotated', periodSeconds: 3600 });
    assert.equal((await call('anonymous', 'POST', `/api/probes/${id}/push-token`)).status, 401);
    assert.equal((await call('viewer', 'POST', `/api/probes/${id}/push-token`)).status, 403);
    const rotated = await call('editor', 'POST', `/api/probes/${id}/push-token`);
    assert.equal(rotated.status, 200);
    const fresh = pathOf(rotated.body.pushUrl);
    assert.notEqual(fresh, path);
    assert.equal((await ping(path)).status, 404);
    assert.equal((await ping(fresh)).status, 200);
  });

  it('records a late failure after period plus grace, once per period, and the probe-down alert fires', async () => {
    const { id, path } = await create({ name: 'late job', periodSeconds: 60, graceSeconds: 30 });
    // Never pinged: nothing to be late against.
    assert.equal(await checkLatePushProbes(hub.deps.db, Date.now() + 3_600_000), 0);
    await ping(path);
    const [first] = await results(id);
    const pingedAt = Date.parse(String(first?.time));

    assert.equal(await checkLatePushProbes(hub.deps.db, pingedAt + 89_000), 0);
    assert.equal(((await call('viewer', 'GET', `/api/probes/${id}`)).body.status as Json).state, 'up');
    assert.equal(await checkLatePushProbes(hub.deps.db, pingedAt + 91_000), 1);
    assert.equal(await checkLatePushProbes(hub.deps.db, pingedAt + 95_000), 0, 'once per missed period');
    const [late] = await results(id);
    assert.deepEqual([late?.ok, late?.time], [false, new Date(pingedAt + 90_000).toISOString()]);
    assert.match(String(late?.error), /^late: no ping by/);
    assert.equal(((await call('viewer', 'GET', `/api/probes/${id}`)).body.status as Json).state, 'down');
    assert.equal(
      await checkLatePushProbes(hub.deps.db, pingedAt + 151_000),
      1,
      'the next period is late too',
    );

    const templates = (await call('viewer', 'GET', '/api/alert-rule-templates')).body.items as {
      id: string;
      rule: Json;
    }[];
    const rule = await call('editor', 'POST', '/api/alert-rules', {
      ...templates.find((t) => t.id === 'probe-down')?.rule,
      selector: { object: 'probe', matchers: [{ label: 'probe', op: '=', value: 'late job' }] },
      for: 0,
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    await hub.deps.alerts.evaluate();
    const alerts = (await call('viewer', 'GET', `/api/alerts?ruleId=${rule.body.id}`)).body.items as {
      state: string;
      labels: Json;
    }[];
    const firing = alerts.filter((a) => a.state === 'firing');
    assert.equal(firing.length, 1);
    assert.deepEqual([firing[0]?.labels.probe, firing[0]?.labels.probe_kind], ['late job', 'push']);
  });
});
