/**
 * The prometheus and container kinds through the hub's API and agent socket, on PGlite and
 * PostgreSQL: who may create them, what is refused (a regex that does not compile, a cap over
 * the hard maximum, a container check without its host), that agents receive them in
 * `probes.set`, and that the samples of a scrape result sent over the socket are listed in
 * `/api/series` for every signed-in role and for no anonymous caller.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HubFrame } from '@unity/shared';
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

type Json = Record<string, unknown>;

for (const backend of backends)
  describe(`prometheus and container probes via the API on ${backend.name}`, () => {
    let hub: TestHub;
    let socket: AgentSocket;
    let agentId = '';
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

    before(async () => {
      hub = await startTestHub({ database: await backend.open() });
      await createUser(hub.deps.db, { username: 'ed', password: 'editor password 1', role: 'editor' });
      await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 1', role: 'viewer' });
      cookies.admin = await login(hub);
      cookies.editor = await login(hub, 'ed', 'editor password 1');
      cookies.viewer = await login(hub, 'vi', 'viewer password 1');
      const agent = await enrollAgent(hub, 'scraper');
      agentId = agent.agentId;
      socket = await connectAgent(hub, agent);
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

    const scrape = { kind: 'prometheus', name: 'node', url: 'http://127.0.0.1:9100/metrics' };

    it('refuses bad definitions with the field named, and viewers’ writes', async () => {
      const badRegex = await call('editor', 'POST', '/api/probes', { ...scrape, metrics: 'node_(' });
      assert.equal(badRegex.status, 400);
      assert.match(errorOf(badRegex), /metrics: must be a valid regular expression/);
      const badLabel = await call('editor', 'POST', '/api/probes', { ...scrape, labels: { mode: '[' } });
      assert.equal(badLabel.status, 400);
      assert.match(errorOf(badLabel), /labels\.mode: must be a valid regular expression/);
      const overCap = await call('editor', 'POST', '/api/probes', { ...scrape, maxSeries: 100_000 });
      assert.equal(overCap.status, 400);
      assert.match(errorOf(overCap), /maxSeries/);
      const unassigned = await call('editor', 'POST', '/api/probes', {
        kind: 'container',
        name: 'web',
        container: 'web',
      });
      assert.equal(unassigned.status, 400);
      assert.match(errorOf(unassigned), /agentIds: a container check needs the agent/);
      const badName = await call('editor', 'POST', '/api/probes', {
        kind: 'container',
        name: 'web',
        container: 'web; rm -rf',
        agentIds: [agentId],
      });
      assert.equal(badName.status, 400);
      assert.equal((await call('viewer', 'POST', '/api/probes', scrape)).status, 403);
      assert.equal((await call('anonymous', 'POST', '/api/probes', scrape)).status, 401);
      const list = await call('admin', 'GET', '/api/probes');
      assert.deepEqual(list.body.items, [], 'nothing was created');
    });

    it('sends both kinds to the agent and stores a scrape’s samples as series', async () => {
      const created = await call('editor', 'POST', '/api/probes', {
        ...scrape,
        metrics: 'node_.*',
        maxSeries: 10,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.maxSeries, 10);
      const container = await call('admin', 'POST', '/api/probes', {
        kind: 'container',
        name: 'web up',
        container: 'web',
        agentIds: [agentId],
      });
      assert.equal(container.status, 201, JSON.stringify(container.body));
      await waitFor(
        () =>
          received.some((f) => {
            if (f.type !== 'cmd' || f.kind !== 'probes.set') return false;
            const kinds = (f.args as { probes: { kind: string }[] }).probes.map((p) => p.kind).sort();
            return kinds.join() === 'container,prometheus';
          }),
        5000,
      );

      const ts = Date.now() - 1000;
      socket.ws.send(
        JSON.stringify({
          type: 'batch',
          seq: 1,
          items: [
            {
              kind: 'probe_result',
              ts,
              probeId: created.body.id,
              ok: true,
              latencyMs: 12,
              status: 200,
              details: { format: 'text', parsed: 3, matched: 2, series: 2, dropped: 0, nonFinite: 0 },
              samples: [
                { name: 'node_load1', labels: {}, value: 0.5 },
                {
                  name: 'node_cpu_seconds_total',
                  labels: { cpu: '0', mode: 'idle', job: 'x' },
                  value: 1234.5,
                },
              ],
            },
          ],
        }),
      );
      await waitFor(() => received.some((f) => f.type === 'ack' && f.seq === 1), 5000);

      const source = encodeURIComponent(`probe:${created.body.id}`);
      assert.equal((await call('anonymous', 'GET', `/api/series?source=${source}`)).status, 401);
      for (const who of ['viewer', 'editor', 'admin'] as const) {
        const listed = await call(who, 'GET', `/api/series?source=${source}`);
        assert.equal(listed.status, 200, who);
        const items = listed.body.items as { id: number; name: string; labels: Record<string, string> }[];
        assert.deepEqual(
          items.map((s) => [s.name, s.labels]),
          [
            [
              'node_load1',
              { job: 'node', instance: '127.0.0.1:9100', probe_id: created.body.id, host_id: agentId },
            ],
            [
              'node_cpu_seconds_total',
              {
                cpu: '0',
                mode: 'idle',
                exported_job: 'x',
                job: 'node',
                instance: '127.0.0.1:9100',
                probe_id: created.body.id,
                host_id: agentId,
              },
            ],
          ],
          who,
        );
      }
      const [load] = (await call('viewer', 'GET', `/api/series?source=${source}`)).body.items as {
        id: number;
      }[];
      const points = await call(
        'viewer',
        'GET',
        `/api/series/${load?.id}/points?from=${ts - 60_000}&to=${ts + 60_000}`,
      );
      assert.deepEqual(
        (points.body.points as { value: number }[]).map((p) => p.value),
        [0.5],
      );
      // The result itself is stored as usual, with its counts for the probe page.
      const results = await call('viewer', 'GET', `/api/probes/${created.body.id}/results`);
      assert.deepEqual((results.body.items as { details: Json }[])[0]?.details, {
        format: 'text',
        parsed: 3,
        matched: 2,
        series: 2,
        dropped: 0,
        nonFinite: 0,
      });
    });
  });
