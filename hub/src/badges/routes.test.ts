import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DOMParser, onWarningStopParsing } from '@xmldom/xmldom';
import { createUser } from '../auth/users.js';
import { containerKey } from '../containers/container-id.js';
import { storeProbeResults } from '../probes/result-store.js';
import { batch, ENGINE } from '../testing/fixtures.js';
import {
  type AgentSocket,
  connectAgent,
  enrollAgent,
  login,
  startTestHub,
  type TestHub,
} from '../testing/hub.js';

const DAY = 86_400_000;
const UNKNOWN = '00000000-0000-4000-8000-00000000beef';

type Who = 'admin' | 'editor' | 'viewer' | 'anonymous';

/** A badge fetched, its SVG parsed strictly (any XML warning throws) and its texts read. */
type Fetched = { status: number; headers: Headers; body: string; title: string | undefined };

function titleOf(svg: string): string | undefined {
  const doc = new DOMParser({ onError: onWarningStopParsing }).parseFromString(svg, 'image/svg+xml');
  assert.equal(doc.documentElement?.tagName, 'svg');
  return doc.getElementsByTagName('title')[0]?.textContent ?? undefined;
}

/** Every text the SVG draws. */
const textsOf = (svg: string) =>
  Array.from(
    new DOMParser({ onError: onWarningStopParsing })
      .parseFromString(svg, 'image/svg+xml')
      .getElementsByTagName('text'),
  ).map((t) => t.textContent);

describe('badges', () => {
  let hub: TestHub;
  let socket: AgentSocket;
  let hostId: string;
  const cookies: Record<Exclude<Who, 'anonymous'>, string> = { admin: '', editor: '', viewer: '' };
  const probes = { up: '', down: '', private: '', quiet: '' };

  const api = async (who: Who, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (who !== 'anonymous') headers.cookie = cookies[who];
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const badge = async (path: string, headers: Record<string, string> = {}): Promise<Fetched> => {
    const res = await fetch(`${hub.url}/badge${path}`, { headers });
    const body = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body,
      title: res.status === 200 ? titleOf(body) : undefined,
    };
  };
  const createProbe = async (name: string) => {
    const res = await api('admin', 'POST', '/api/probes', { kind: 'http', name, url: 'http://a.test/' });
    assert.equal(res.status, 201);
    return res.body.id as string;
  };
  const publish = async (kind: 'probes' | 'containers' | 'hosts', id: string, value = true) =>
    assert.equal((await api('admin', 'PUT', `/api/${kind}/${id}/public`, { public: value })).status, 200);

  before(async () => {
    hub = await startTestHub();
    await createUser(hub.deps.db, { username: 'ed', password: 'editor password 1', role: 'editor' });
    await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 1', role: 'viewer' });
    cookies.admin = await login(hub);
    cookies.editor = await login(hub, 'ed', 'editor password 1');
    cookies.viewer = await login(hub, 'vi', 'viewer password 1');
    const agent = await enrollAgent(hub, 'web-1');
    hostId = agent.agentId;
    socket = await connectAgent(hub, agent);
    socket.ws.send(JSON.stringify(batch(1, Date.now(), ['web', 'db'])));
    const ack = await socket.next();
    assert.equal(ack.type, 'ack');

    probes.up = await createProbe('Shop <API> & "co"');
    probes.down = await createProbe('billing');
    probes.private = await createProbe('secret-intranet');
    probes.quiet = await createProbe('quiet');
    const now = Date.now();
    const run = (probeId: string, ago: number, ok: boolean, latencyMs?: number, cert?: number) => ({
      kind: 'probe_result' as const,
      ts: now - ago,
      probeId,
      ok,
      ...(latencyMs === undefined ? {} : { latencyMs }),
      ...(cert === undefined ? {} : { certExpiresAt: cert }),
    });
    await storeProbeResults(hub.deps.db, hostId, 1, [
      // 24h: 3 of 4 passed; 7d: 3 of 5 passed. Mean of passed latencies 200 ms.
      run(probes.up, 3 * DAY, false),
      run(probes.up, 40_000, false, 5000),
      run(probes.up, 30_000, true, 100),
      run(probes.up, 20_000, true, 200),
      run(probes.up, 10_000, true, 300, now + 40.5 * DAY),
      run(probes.down, 10_000, false),
      run(probes.private, 10_000, true, 50),
    ]);
    for (const id of [probes.up, probes.down, probes.quiet]) await publish('probes', id);
  });
  after(async () => {
    socket.ws.close();
    await hub.close();
  });

  describe('marking public', () => {
    const path = () => `/api/probes/${probes.private}/public`;

    it('lets editors mark a probe; refuses viewers (403) and anonymous callers (401)', async () => {
      assert.equal((await api('viewer', 'PUT', path(), { public: true })).status, 403);
      assert.equal((await api('anonymous', 'PUT', path(), { public: true })).status, 401);
      assert.equal((await badge(`/probe/${probes.private}/status.svg`)).title, 'status: not public');
      assert.equal((await api('viewer', 'GET', `/api/probes/${probes.private}`)).body.public, false);
      const res = await api('editor', 'PUT', path(), { public: true });
      assert.deepEqual(res, { status: 200, body: { id: probes.private, public: true } });
      assert.equal((await api('viewer', 'GET', `/api/probes/${probes.private}`)).body.public, true);
      assert.equal((await badge(`/probe/${probes.private}/status.svg`)).title, 'secret-intranet: up');
      assert.equal((await api('editor', 'PUT', path(), { public: false })).status, 200);
      assert.equal((await badge(`/probe/${probes.private}/status.svg`)).title, 'status: not public');
    });

    it('answers 400 naming the problem for a bad body, and changes nothing', async () => {
      for (const body of [{ public: 'yes' }, {}, { public: true, extra: 1 }, 'not json']) {
        const res = await api('editor', 'PUT', path(), body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match((res.body.error as { message: string }).message, /public|JSON|extra/);
      }
      assert.equal((await badge(`/probe/${probes.private}/status.svg`)).title, 'status: not public');
    });

    it('answers 404 for an unknown probe, container or host', async () => {
      assert.equal(
        (await api('admin', 'PUT', `/api/probes/${UNKNOWN}/public`, { public: true })).status,
        404,
      );
      const container = await api('admin', 'PUT', '/api/containers/0123456789abcdef/public', {
        public: true,
      });
      assert.equal(container.status, 404);
      assert.equal((await api('admin', 'PUT', `/api/hosts/${UNKNOWN}/public`, { public: true })).status, 404);
    });

    it('needs hosts:write for hosts (admins) and containers:act for containers (editors)', async () => {
      const web = containerKey(hostId, ENGINE.id, 'web-engine-id');
      assert.equal((await api('editor', 'PUT', `/api/hosts/${hostId}/public`, { public: true })).status, 403);
      assert.equal(
        (await api('viewer', 'PUT', `/api/containers/${web}/public`, { public: true })).status,
        403,
      );
      assert.equal(
        (await api('editor', 'PUT', `/api/containers/${web}/public`, { public: false })).status,
        200,
      );
    });
  });

  describe('probe badges', () => {
    it('shows a public probe up as valid SVG, with its name escaped, cacheable for a minute', async () => {
      const res = await badge(`/probe/${probes.up}/status.svg`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
      assert.equal(res.title, 'Shop <API> & "co": up');
      assert.match(res.body, /Shop &lt;API&gt; &amp; &quot;co&quot;/);
      assert.match(res.body, /fill="#4c1"/);
    });

    it('shows a failing probe down in red', async () => {
      const res = await badge(`/probe/${probes.down}/status.svg`);
      assert.equal(res.title, 'billing: down');
      assert.match(res.body, /fill="#e05d44"/);
    });

    it('shows uptime over the asked period, 24h by default, and refuses an unknown period', async () => {
      assert.equal((await badge(`/probe/${probes.up}/uptime.svg`)).title, 'uptime 24h: 75%');
      assert.equal((await badge(`/probe/${probes.up}/uptime.svg?period=7d`)).title, 'uptime 7d: 60%');
      assert.equal(
        (await badge(`/probe/${probes.quiet}/uptime.svg?period=30d`)).title,
        'uptime 30d: no data',
      );
      const bad = await fetch(`${hub.url}/badge/probe/${probes.up}/uptime.svg?period=1y`);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: { message: string } }).error.message, /period must be/);
    });

    it('shows the mean response time of recent passed runs', async () => {
      assert.equal((await badge(`/probe/${probes.up}/response.svg`)).title, 'response: 200 ms');
      assert.equal((await badge(`/probe/${probes.quiet}/response.svg`)).title, 'response: no data');
    });

    it('shows days until the certificate expires, or that there is none', async () => {
      assert.equal((await badge(`/probe/${probes.up}/cert.svg`)).title, 'certificate: 40 days');
      assert.equal((await badge(`/probe/${probes.down}/cert.svg`)).title, 'certificate: no certificate');
    });

    it('takes a label override and the flat-square style, and validates them', async () => {
      const res = await badge(
        `/probe/${probes.up}/status.svg?label=${encodeURIComponent('<b>shop</b>')}&style=flat-square`,
      );
      assert.equal(res.title, '<b>shop</b>: up');
      assert.match(res.body, /crispEdges/);
      assert.doesNotMatch(res.body, /Shop/);
      const bad = await fetch(`${hub.url}/badge/probe/${probes.up}/status.svg?style=plastic`);
      assert.equal(bad.status, 400);
      assert.match(
        ((await bad.json()) as { error: { message: string } }).error.message,
        /style must be flat/,
      );
      assert.equal(
        (await fetch(`${hub.url}/badge/probe/${probes.up}/status.svg?label=${'x'.repeat(65)}`)).status,
        400,
      );
    });
  });

  describe('private and unknown objects', () => {
    it('answer one and the same grey "not public" badge, never cached, with no name or state', async () => {
      const label: Record<string, string> = {
        status: 'status',
        uptime: 'uptime 24h',
        response: 'response',
        cert: 'certificate',
      };
      for (const kind of Object.keys(label)) {
        const hidden = await badge(`/probe/${probes.private}/${kind}.svg`);
        const unknown = await badge(`/probe/${UNKNOWN}/${kind}.svg`);
        const malformed = await badge(`/probe/not-a-uuid/${kind}.svg`);
        assert.equal(hidden.status, 200);
        assert.match(hidden.title ?? '', /: not public$/);
        assert.match(hidden.body, /fill="#9f9f9f"/);
        assert.equal(hidden.headers.get('cache-control'), 'no-store');
        assert.doesNotMatch(hidden.body, /secret-intranet/);
        // The only words drawn: the metric's generic label and "not public".
        assert.deepEqual(new Set(textsOf(hidden.body)), new Set([label[kind], 'not public']));
        for (const other of [unknown, malformed]) {
          assert.equal(other.status, hidden.status);
          assert.equal(other.body, hidden.body);
          assert.equal(other.headers.get('etag'), hidden.headers.get('etag'));
          assert.equal(other.headers.get('cache-control'), hidden.headers.get('cache-control'));
        }
      }
    });

    it('does the same for containers and hosts until they are marked public', async () => {
      const web = containerKey(hostId, ENGINE.id, 'web-engine-id');
      const unknownContainer = await badge('/container/0123456789abcdef/status.svg');
      const hiddenContainer = await badge(`/container/${web}/status.svg`);
      assert.equal(hiddenContainer.title, 'status: not public');
      assert.equal(hiddenContainer.body, unknownContainer.body);
      const hiddenHost = await badge(`/host/${hostId}/status.svg`);
      assert.equal(hiddenHost.body, (await badge(`/host/${UNKNOWN}/status.svg`)).body);
      assert.doesNotMatch(hiddenHost.body + hiddenContainer.body, /web|online|running/);

      await publish('containers', web);
      await publish('hosts', hostId);
      assert.equal((await badge(`/container/${web}/status.svg`)).title, 'web: running');
      assert.equal((await badge(`/host/${hostId}/status.svg`)).title, 'test-host: online');
      const db = containerKey(hostId, ENGINE.id, 'db-engine-id');
      assert.equal((await badge(`/container/${db}/status.svg`)).title, 'status: not public');
    });
  });

  describe('conditional requests', () => {
    it('answers 304 to a matching If-None-Match, weak or in a list, and 200 otherwise', async () => {
      const path = `/probe/${probes.up}/response.svg`;
      const first = await badge(path);
      const etag = first.headers.get('etag') ?? '';
      assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
      for (const header of [etag, `W/${etag}`, `"other", ${etag}`]) {
        const again = await badge(path, { 'if-none-match': header });
        assert.equal(again.status, 304, header);
        assert.equal(again.body, '');
        assert.equal(again.headers.get('etag'), etag);
      }
      assert.equal((await badge(path, { 'if-none-match': '"other"' })).status, 200);
      // Another style is another picture, so another tag.
      const square = await badge(`${path}?style=flat-square`);
      assert.notEqual(square.headers.get('etag'), etag);
    });
  });
});
