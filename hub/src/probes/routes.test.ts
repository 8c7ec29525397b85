import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type HubFrame, ProbeUptimeSchema } from '@unity/shared';
import { createUser } from '../auth/users.js';
import { backends } from '../testing/databases.js';
import {
  type AgentSocket,
  connectAgent,
  enrollAgent,
  login,
  startTestHub,
  type TestHub,
  waitFor,
} from '../testing/hub.js';
import { pruneProbeResults } from './retention.js';

type Json = Record<string, unknown>;

for (const backend of backends)
  describe(`probes API on ${backend.name}`, () => {
    let hub: TestHub;
    let socket: AgentSocket;
    let agentId: string;
    /** Frames the hub sent the fake agent, in order. */
    const received: HubFrame[] = [];
    const cookies: Record<'admin' | 'editor' | 'viewer', string> = { admin: '', editor: '', viewer: '' };
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
    /** Every stored result of a probe, whatever its time. */
    const listed = async (id: string) =>
      (await call('viewer', 'GET', `/api/probes/${id}/results?from=0&to=${Date.now() + 1e12}&limit=10000`))
        .body.items as Json[];
    let seq = 0;
    /** Sends probe results as the agent would and waits for the ack. */
    const sendResults = async (items: Json[]) => {
      seq++;
      socket.ws.send(JSON.stringify({ type: 'batch', seq, items }));
      await waitFor(() => received.some((f) => f.type === 'ack' && f.seq === seq), 5000);
    };

    before(async () => {
      hub = await startTestHub({ database: await backend.open() });
      await createUser(hub.deps.db, { username: 'ed', password: 'editor password 1', role: 'editor' });
      await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 1', role: 'viewer' });
      cookies.admin = await login(hub);
      cookies.editor = await login(hub, 'ed', 'editor password 1');
      cookies.viewer = await login(hub, 'vi', 'viewer password 1');
      const agent = await enrollAgent(hub, 'probe-1');
      agentId = agent.agentId;
      socket = await connectAgent(hub, agent);
      // Answer every command like an agent would, and keep every frame.
      void (async () => {
        for (;;) {
          const frame = await socket.next();
          received.push(frame);
          if (frame.type === 'cmd')
            socket.ws.send(JSON.stringify({ type: 'cmd_result', id: frame.id, ok: true, result: {} }));
        }
      })();
    });
    after(async () => {
      socket.ws.close();
      await hub.close();
    });

    it('refuses anonymous callers and viewers’ writes; viewers read', async () => {
      for (const [method, path] of [
        ['GET', '/api/probes'],
        ['POST', '/api/probes'],
        ['GET', '/api/probes/6f1c2a8e-1f59-4f3e-9d0c-6a8f0f3c2b11/results'],
      ] as const)
        assert.equal(
          (await call('anonymous', method, path, method === 'POST' ? {} : undefined)).status,
          401,
          path,
        );
      assert.equal((await call('viewer', 'GET', '/api/probes')).status, 200);
      const write = await call('viewer', 'POST', '/api/probes', {
        kind: 'http',
        name: 'x',
        url: 'http://a.test/',
      });
      assert.equal(write.status, 403);
      const id = '6f1c2a8e-1f59-4f3e-9d0c-6a8f0f3c2b11';
      assert.equal((await call('viewer', 'PATCH', `/api/probes/${id}`, { name: 'y' })).status, 403);
      assert.equal((await call('viewer', 'DELETE', `/api/probes/${id}`)).status, 403);
    });

    it('validates definitions and names the field', async () => {
      const fast = await call('editor', 'POST', '/api/probes', {
        kind: 'http',
        name: 'fast',
        url: 'http://a.test/',
        intervalSeconds: 5,
      });
      assert.equal(fast.status, 400);
      assert.match(errorOf(fast), /intervalSeconds/);
      const badUrl = await call('editor', 'POST', '/api/probes', {
        kind: 'http',
        name: 'x',
        url: 'ftp://a.test/',
      });
      assert.match(errorOf(badUrl), /url must be an http/);
      const kind = await call('editor', 'POST', '/api/probes', { kind: 'smtp', name: 'x' });
      assert.equal(kind.status, 400);
      assert.match(errorOf(kind), /kind/);
      const cond = await call('editor', 'POST', '/api/probes', {
        kind: 'http',
        name: 'x',
        url: 'http://a.test/',
        conditions: '[STATUS] == 200 && ([BODY].ok == true',
      });
      assert.equal(cond.status, 400);
      assert.match(
        errorOf(cond),
        /conditions: expected '\)' to close the '\(' at 19, found the end of the condition at position 37/,
      );
      const agent = await call('editor', 'POST', '/api/probes', {
        kind: 'tcp',
        name: 'x',
        host: 'a.test',
        port: 22,
        agentIds: ['6f1c2a8e-1f59-4f3e-9d0c-6a8f0f3c2b11'],
      });
      assert.equal(agent.status, 400);
      assert.match(errorOf(agent), /agentIds: unknown agent/);
    });

    it('creates, lists, patches and deletes, pushing the set to the agent each time', async () => {
      const created = await call('editor', 'POST', '/api/probes', {
        kind: 'http',
        name: 'web',
        url: 'http://127.0.0.1:9/',
        intervalSeconds: 30,
      });
      assert.equal(created.status, 201);
      const id = created.body.id as string;
      assert.equal(created.body.method, 'GET', 'defaults applied');
      assert.equal(created.body.retries, 0);
      const lastSet = () =>
        received.filter((f) => f.type === 'cmd' && f.kind === 'probes.set').at(-1) as
          | { args: { probes: { id: string; name: string }[] } }
          | undefined;
      await waitFor(() => lastSet()?.args.probes.some((p) => p.id === id) ?? false, 5000);

      const list = await call('viewer', 'GET', '/api/probes');
      const item = (list.body.items as Json[]).find((p) => p.id === id) as Json;
      assert.equal((item.status as Json).state, 'pending');

      const patched = await call('editor', 'PATCH', `/api/probes/${id}`, { name: 'web renamed', retries: 1 });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.name, 'web renamed');
      assert.equal(patched.body.url, 'http://127.0.0.1:9/', 'untouched fields kept');
      await waitFor(() => lastSet()?.args.probes.find((p) => p.id === id)?.name === 'web renamed', 5000);
      const badPatch = await call('editor', 'PATCH', `/api/probes/${id}`, { timeoutSeconds: 0 });
      assert.equal(badPatch.status, 400);
      assert.match(errorOf(badPatch), /timeoutSeconds/);

      // A probe assigned to another agent is not in this agent's set.
      const other = await enrollAgent(hub, 'probe-2');
      const elsewhere = await call('editor', 'POST', '/api/probes', {
        kind: 'ping',
        name: 'elsewhere',
        host: '127.0.0.1',
        agentIds: [other.agentId],
      });
      assert.equal(elsewhere.status, 201);

      assert.equal((await call('editor', 'DELETE', `/api/probes/${id}`)).status, 204);
      assert.equal((await call('viewer', 'GET', `/api/probes/${id}`)).status, 404);
      await waitFor(() => lastSet() !== undefined && !lastSet()?.args.probes.some((p) => p.id === id), 5000);
      assert.ok(!lastSet()?.args.probes.some((p) => p.id === elsewhere.body.id));
    });

    it('stores results from batches; state, results, uptime and maintenance follow them', async () => {
      const now = Date.now();
      const inWindow = now - 30 * 60_000;
      const created = await call('editor', 'POST', '/api/probes', {
        kind: 'http',
        name: 'api',
        url: 'https://127.0.0.1:9/',
        retries: 1,
        maintenance: [
          {
            start: new Date(inWindow - 60_000).toISOString(),
            end: new Date(inWindow + 60_000).toISOString(),
          },
        ],
      });
      const id = created.body.id as string;
      const result = (ago: number, ok: boolean, latencyMs: number, extra: Json = {}) => ({
        kind: 'probe_result',
        ts: now - ago,
        probeId: id,
        ok,
        latencyMs,
        ...extra,
      });
      const certAt = now + 5 * 86_400_000;
      // 8 passed runs, 1 failure inside the maintenance window, then 1 failure: with retries 1, still up.
      await sendResults([
        ...Array.from({ length: 8 }, (_, i) =>
          result(3_600_000 + i * 60_000, true, 10 * (i + 1), { status: 200, certExpiresAt: certAt }),
        ),
        result(now - inWindow, false, 5, { error: 'maintenance work' }),
        result(120_000, false, 7, { error: 'connection refused' }),
      ]);
      let probe = await call('viewer', 'GET', `/api/probes/${id}`);
      assert.equal((probe.body.status as Json).state, 'up', 'one failure is within retries');
      // A second failure in a row: down.
      await sendResults([result(60_000, false, 7, { error: 'connection refused' })]);
      probe = await call('viewer', 'GET', `/api/probes/${id}`);
      const status = probe.body.status as {
        state: string;
        locations: { agentId: string; up: boolean; lastError: string }[];
      };
      assert.equal(status.state, 'down');
      assert.deepEqual(status.locations, [
        {
          agentId,
          up: false,
          lastTime: new Date(now - 60_000).toISOString(),
          lastError: 'connection refused',
        },
      ]);

      const results = await call('viewer', 'GET', `/api/probes/${id}/results?limit=3`);
      const items = results.body.items as Json[];
      assert.equal(items.length, 3);
      assert.deepEqual(
        items.map((i) => [i.ok, i.latencyMs, i.maintenance]),
        [
          [false, 7, false],
          [false, 7, false],
          [false, 5, true],
        ],
      );
      const ranged = await call(
        'viewer',
        'GET',
        `/api/probes/${id}/results?from=${now - 3_890_000}&to=${now - 3_500_000}`,
      );
      assert.equal((ranged.body.items as Json[]).length, 5);
      assert.equal((await call('viewer', 'GET', `/api/probes/${id}/results?limit=0`)).status, 400);

      const uptime = ProbeUptimeSchema.parse((await call('viewer', 'GET', `/api/probes/${id}/uptime`)).body);
      // 10 counted runs (the one in maintenance is not counted), 2 failed.
      assert.deepEqual(uptime.periods['24h'], { uptimePercent: 80, checks: 10, failures: 2 });
      assert.deepEqual(uptime.periods['90d'], uptime.periods['24h']);
      assert.equal(uptime.latency.p50, 45);
      assert.ok((uptime.latency.p99 ?? 0) > 79 && (uptime.latency.p99 ?? 0) <= 80);
      assert.ok(
        uptime.certificateDaysLeft !== null &&
          uptime.certificateDaysLeft >= 4.9 &&
          uptime.certificateDaysLeft <= 5,
      );

      // A replayed batch stores nothing twice; a result of a deleted probe does not fail the batch.
      await sendResults([
        result(30_000, true, 1),
        { ...result(30_000, true, 1), probeId: '6f1c2a8e-1f59-4f3e-9d0c-6a8f0f3c2b11' },
      ]);
      const after = ProbeUptimeSchema.parse((await call('viewer', 'GET', `/api/probes/${id}/uptime`)).body);
      assert.equal(after.periods['24h'].checks, 11);
      probe = await call('viewer', 'GET', `/api/probes/${id}`);
      assert.equal((probe.body.status as Json).state, 'up', 'a passed run brings it back up');

      // Retention keeps 95 days: 94 days on, everything is still there; 96 days on, nothing.
      await pruneProbeResults(hub.deps, now + 94 * 86_400_000);
      assert.equal((await listed(id)).length, 12);
      await pruneProbeResults(hub.deps, now + 96 * 86_400_000);
      assert.equal((await listed(id)).length, 0);
    });

    it('feeds the alert engine: probe down and certificate expiring, from the built-in templates', async () => {
      const templates = (await call('viewer', 'GET', '/api/alert-rule-templates')).body.items as {
        id: string;
        rule: Json;
      }[];
      const template = (id: string) => templates.find((t) => t.id === id)?.rule as Json;
      assert.ok(template('probe-down') && template('certificate-expiring'));
      const created = await call('editor', 'POST', '/api/probes', {
        kind: 'http',
        name: 'alerted',
        url: 'https://127.0.0.1:9/',
        tags: ['shop'],
      });
      const id = created.body.id as string;
      const now = Date.now();
      await sendResults([
        {
          kind: 'probe_result',
          ts: now - 2000,
          probeId: id,
          ok: false,
          error: 'refused',
          certExpiresAt: now + 3 * 86_400_000,
        },
      ]);
      const only = { matchers: [{ label: 'probe', op: '=', value: 'alerted' }] };
      const down = await call('editor', 'POST', '/api/alert-rules', {
        ...template('probe-down'),
        selector: { object: 'probe', ...only },
        for: 0,
      });
      assert.equal(down.status, 201, JSON.stringify(down.body));
      const cert = await call('editor', 'POST', '/api/alert-rules', {
        ...template('certificate-expiring'),
        selector: { object: 'probe', ...only },
      });
      assert.equal(cert.status, 201, JSON.stringify(cert.body));
      // A probe rule on a metric is refused with a reason.
      const metric = await call('editor', 'POST', '/api/alert-rules', {
        name: 'x',
        selector: { object: 'probe' },
        condition: {
          kind: 'threshold',
          metric: 'cpu_percent',
          aggregation: 'avg',
          windowSec: 60,
          op: '>',
          threshold: 1,
        },
      });
      assert.equal(metric.status, 400);
      assert.match(errorOf(metric), /probes have no metrics here/);

      await hub.deps.alerts.evaluate();
      const firing = async (ruleId: string) =>
        (
          (await call('viewer', 'GET', `/api/alerts?ruleId=${ruleId}`)).body.items as {
            state: string;
            labels: Json;
          }[]
        ).filter((a) => a.state === 'firing');
      const downAlerts = await firing(down.body.id as string);
      assert.equal(downAlerts.length, 1);
      assert.deepEqual(
        { probe: downAlerts[0]?.labels.probe, tags: downAlerts[0]?.labels.probe_tags },
        { probe: 'alerted', tags: 'shop' },
      );
      assert.equal((await firing(cert.body.id as string)).length, 1);

      // Back up: the down alert resolves; a maintenance window silences the certificate too.
      await sendResults([
        { kind: 'probe_result', ts: now - 1000, probeId: id, ok: true, certExpiresAt: now + 3 * 86_400_000 },
      ]);
      const patched = await call('editor', 'PATCH', `/api/probes/${id}`, {
        maintenance: [
          { start: new Date(now - 60_000).toISOString(), end: new Date(now + 3_600_000).toISOString() },
        ],
      });
      assert.equal(patched.status, 200);
      assert.equal(
        ((await call('viewer', 'GET', `/api/probes/${id}`)).body.status as Json).state,
        'maintenance',
      );
      await hub.deps.alerts.evaluate();
      assert.equal((await firing(down.body.id as string)).length, 0);
      assert.equal((await firing(cert.body.id as string)).length, 0);
    });
  });
