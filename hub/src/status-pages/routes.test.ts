/**
 * Status pages end to end on both databases: the API (CRUD, validation, slug clash, who may
 * write), and the public page and its JSON (no sign-in, 404 that tells nothing, only what the
 * page lists, day bars from stored results, caching headers).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PublicStatusSchema, StatusPageDetailSchema, StatusPageSchema } from '@unity/shared';
import { createUser } from '../auth/users.js';
import { containerKey } from '../containers/container-id.js';
import { storeProbeResults } from '../probes/result-store.js';
import { backends } from '../testing/databases.js';
import { batch, ENGINE } from '../testing/fixtures.js';
import { connectAgent, enrollAgent, login, startTestHub, type TestHub } from '../testing/hub.js';

const DAY = 86_400_000;
type Who = 'admin' | 'editor' | 'viewer' | 'anonymous';

for (const backend of backends)
  describe(`status pages (${backend.name})`, () => {
    let hub: TestHub;
    let hostId: string;
    const cookies: Record<Exclude<Who, 'anonymous'>, string> = { admin: '', editor: '', viewer: '' };
    const probes = { shop: '', billing: '', secret: '' };

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
    const page = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${hub.url}${path}`, { headers });
      return { status: res.status, headers: res.headers, text: await res.text() };
    };
    const createProbe = async (name: string, url: string) => {
      const res = await api('admin', 'POST', '/api/probes', { kind: 'http', name, url });
      assert.equal(res.status, 201);
      return res.body.id as string;
    };

    before(async () => {
      hub = await startTestHub({ database: await backend.open() });
      await createUser(hub.deps.db, { username: 'ed', password: 'editor password 1', role: 'editor' });
      await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 1', role: 'viewer' });
      cookies.admin = await login(hub);
      cookies.editor = await login(hub, 'ed', 'editor password 1');
      cookies.viewer = await login(hub, 'vi', 'viewer password 1');
      const agent = await enrollAgent(hub, 'web-1');
      hostId = agent.agentId;
      const socket = await connectAgent(hub, agent);
      socket.ws.send(JSON.stringify(batch(1, Date.now(), ['web', 'db'])));
      assert.equal((await socket.next()).type, 'ack');
      socket.ws.close();

      probes.shop = await createProbe('Shop API', 'https://internal-shop.example.test/health');
      probes.billing = await createProbe('billing', 'https://billing.example.test/');
      probes.secret = await createProbe('secret-intranet', 'https://intranet.example.test/');
      const now = Date.now();
      // Noon (UTC) two days ago: the four runs fall on one day whatever the time of the test.
      const noon = Math.floor(now / DAY) * DAY - 2 * DAY + DAY / 2;
      const run = (probeId: string, ago: number, ok: boolean) => ({
        kind: 'probe_result' as const,
        ts: ago >= DAY ? noon - (ago - 2 * DAY) : now - ago,
        probeId,
        ok,
        latencyMs: 100,
      });
      await storeProbeResults(hub.deps.db, hostId, 1, [
        // Two days ago: 3 of 4 passed (75 %); today: both passed; billing down now.
        run(probes.shop, 2 * DAY, true),
        run(probes.shop, 2 * DAY + 60_000, true),
        run(probes.shop, 2 * DAY + 120_000, true),
        run(probes.shop, 2 * DAY + 180_000, false),
        run(probes.shop, 20_000, true),
        run(probes.shop, 10_000, true),
        run(probes.billing, 10_000, false),
        run(probes.secret, 10_000, true),
      ]);
    });
    after(() => hub.close());

    describe('the API', () => {
      it('creates, lists, reads, changes and deletes a page; editors may, viewers read only, anonymous gets 401', async () => {
        const created = await api('editor', 'POST', '/api/status-pages', {
          title: 'Draft',
          slug: 'draft-page',
          items: [{ kind: 'probe', id: probes.shop }],
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const draft = StatusPageSchema.parse(created.body);
        assert.equal(draft.theme, 'auto');
        assert.equal(draft.published, false);

        const listed = await api('viewer', 'GET', '/api/status-pages');
        assert.equal(listed.status, 200);
        assert.ok((listed.body.items as { slug: string }[]).some((p) => p.slug === 'draft-page'));
        assert.equal((await api('viewer', 'GET', `/api/status-pages/${draft.id}`)).status, 200);

        assert.equal((await api('anonymous', 'GET', '/api/status-pages')).status, 401);
        assert.equal(
          (await api('viewer', 'POST', '/api/status-pages', { title: 'x', slug: 'viewer-page' })).status,
          403,
        );
        assert.equal(
          (await api('viewer', 'PATCH', `/api/status-pages/${draft.id}`, { title: 'Hacked' })).status,
          403,
        );
        assert.equal((await api('viewer', 'DELETE', `/api/status-pages/${draft.id}`)).status, 403);

        const changed = await api('admin', 'PATCH', `/api/status-pages/${draft.id}`, {
          title: 'Renamed',
          theme: 'dark',
        });
        assert.equal(changed.status, 200);
        assert.equal(changed.body.title, 'Renamed');
        assert.equal(changed.body.theme, 'dark');
        assert.equal(changed.body.slug, 'draft-page', 'fields left out keep their value');

        assert.equal((await api('editor', 'DELETE', `/api/status-pages/${draft.id}`)).status, 204);
        assert.equal((await api('editor', 'GET', `/api/status-pages/${draft.id}`)).status, 404);
        assert.equal((await api('editor', 'DELETE', `/api/status-pages/${draft.id}`)).status, 404);
      });

      it('refuses bad input with a 400 naming the field, and stores nothing', async () => {
        const bad = [
          [{ title: 'x', slug: 'Not A Slug' }, 'slug'],
          [{ title: 'x', slug: '-dash' }, 'slug'],
          [{ title: '', slug: 'empty-title' }, 'title'],
          [{ title: 'x', slug: 'bad-theme', theme: 'neon' }, 'theme'],
          [{ title: 'x', slug: 'bad-item', items: [{ kind: 'host', id: 'x' }] }, 'kind'],
          [{ title: 'x', slug: 'bad-probe', items: [{ kind: 'probe', id: 'nope' }] }, 'probe id'],
          [{ title: 'x', slug: 'extra', owner: 'me' }, 'owner'],
          [
            {
              title: 'x',
              slug: 'twice',
              items: [
                { kind: 'probe', id: probes.shop },
                { kind: 'probe', id: probes.shop },
              ],
            },
            'twice',
          ],
          [
            {
              title: 'x',
              slug: 'unknown-probe',
              items: [{ kind: 'probe', id: '00000000-0000-4000-8000-000000000001' }],
            },
            'unknown probe',
          ],
          [
            { title: 'x', slug: 'unknown-container', items: [{ kind: 'container', id: '0123456789abcdef' }] },
            'unknown container',
          ],
        ] as const;
        for (const [body, word] of bad) {
          const res = await api('editor', 'POST', '/api/status-pages', body);
          assert.equal(res.status, 400, JSON.stringify(body));
          const error = res.body.error as { code: string; message: string };
          assert.equal(error.code, 'bad_request');
          assert.match(error.message, new RegExp(word), error.message);
        }
        assert.equal((await api('editor', 'POST', '/api/status-pages', 'not json')).status, 400);
        const listed = (await api('editor', 'GET', '/api/status-pages')).body.items as { slug: string }[];
        assert.deepEqual(
          listed.filter((p) => bad.some(([b]) => b.slug === p.slug)),
          [],
        );
      });

      it('answers 409 on a slug clash, on create and on rename', async () => {
        const first = await api('editor', 'POST', '/api/status-pages', { title: 'One', slug: 'taken' });
        assert.equal(first.status, 201);
        const clash = await api('editor', 'POST', '/api/status-pages', { title: 'Two', slug: 'taken' });
        assert.equal(clash.status, 409);
        assert.match((clash.body.error as { message: string }).message, /slug taken is taken/);
        const second = await api('editor', 'POST', '/api/status-pages', { title: 'Two', slug: 'free' });
        assert.equal(second.status, 201);
        const rename = await api('editor', 'PATCH', `/api/status-pages/${second.body.id}`, { slug: 'taken' });
        assert.equal(rename.status, 409);
        const same = await api('editor', 'PATCH', `/api/status-pages/${first.body.id}`, { slug: 'taken' });
        assert.equal(same.status, 200, 'keeping its own slug is no clash');
      });

      it('keeps incidents with their updates and maintenance notices; viewers cannot post them', async () => {
        const created = await api('editor', 'POST', '/api/status-pages', { title: 'Inc', slug: 'inc' });
        const id = created.body.id as string;
        const incident = await api('editor', 'POST', `/api/status-pages/${id}/incidents`, {
          title: 'Checkout errors',
          severity: 'major',
          message: 'Looking into it',
        });
        assert.equal(incident.status, 201);
        assert.equal(incident.body.status, 'investigating');
        const incidentId = incident.body.id as string;
        assert.equal(
          (
            await api('viewer', 'POST', `/api/status-pages/${id}/incidents/${incidentId}/updates`, {
              status: 'resolved',
              message: 'x',
            })
          ).status,
          403,
        );
        const bad = await api('editor', 'POST', `/api/status-pages/${id}/incidents/${incidentId}/updates`, {
          status: 'fixed',
          message: 'x',
        });
        assert.equal(bad.status, 400);
        assert.match((bad.body.error as { message: string }).message, /status must be/);
        const resolved = await api(
          'editor',
          'POST',
          `/api/status-pages/${id}/incidents/${incidentId}/updates`,
          {
            status: 'resolved',
            message: 'Fixed the database',
          },
        );
        assert.equal(resolved.status, 201);
        assert.equal(resolved.body.status, 'resolved');
        assert.ok(resolved.body.resolvedAt);

        const badWindow = await api('editor', 'POST', `/api/status-pages/${id}/maintenance`, {
          title: 'Upgrade',
          start: '2030-01-02T00:00:00Z',
          end: '2030-01-01T00:00:00Z',
        });
        assert.equal(badWindow.status, 400);
        assert.match((badWindow.body.error as { message: string }).message, /end must be after start/);
        const notice = await api('admin', 'POST', `/api/status-pages/${id}/maintenance`, {
          title: 'Upgrade',
          message: 'New database',
          start: '2030-01-01T00:00:00Z',
          end: '2030-01-01T02:00:00Z',
        });
        assert.equal(notice.status, 201);

        const detail = StatusPageDetailSchema.parse(
          (await api('viewer', 'GET', `/api/status-pages/${id}`)).body,
        );
        assert.equal(detail.incidents.length, 1);
        assert.deepEqual(
          detail.incidents[0]?.updates.map((u) => [u.status, u.message]),
          [
            ['resolved', 'Fixed the database'],
            ['investigating', 'Looking into it'],
          ],
        );
        assert.deepEqual(
          detail.maintenance.map((m) => m.title),
          ['Upgrade'],
        );
        assert.equal(
          (await api('editor', 'DELETE', `/api/status-pages/${id}/maintenance/${notice.body.id}`)).status,
          204,
        );
        assert.equal(
          (await api('editor', 'DELETE', `/api/status-pages/${id}/incidents/${incidentId}`)).status,
          204,
        );
        const empty = StatusPageDetailSchema.parse(
          (await api('viewer', 'GET', `/api/status-pages/${id}`)).body,
        );
        assert.equal(empty.incidents.length + empty.maintenance.length, 0);
      });
    });

    describe('the public page', () => {
      let pageId: string;
      const web = () => containerKey(hostId, ENGINE.id, 'web-engine-id');

      before(async () => {
        const created = await api('editor', 'POST', '/api/status-pages', {
          title: 'Acme <status>',
          slug: 'acme',
          description: 'Our services',
          items: [
            { kind: 'probe', id: probes.shop, displayName: 'Shop' },
            { kind: 'probe', id: probes.billing },
            { kind: 'container', id: web(), displayName: 'Web frontend' },
          ],
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        pageId = created.body.id as string;
      });

      it('answers the same 404 for a draft, an unknown and a malformed slug, with no data', async () => {
        for (const path of ['/status/acme', '/status/nothing-here', '/status/NOT_valid']) {
          const res = await page(path);
          assert.equal(res.status, 404, path);
          assert.equal(res.headers.get('cache-control'), 'no-store');
          assert.doesNotMatch(res.text, /Acme|Shop|billing/);
        }
        assert.equal((await page('/status/acme/status.json')).status, 404);
      });

      it('once published shows, without sign-in, the chosen items and nothing else', async () => {
        assert.equal(
          (await api('editor', 'PATCH', `/api/status-pages/${pageId}`, { published: true })).status,
          200,
        );
        const res = await page('/status/acme');
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /text\/html/);
        assert.match(res.text, /<title>Acme &lt;status&gt;<\/title>/, 'texts are escaped');
        assert.match(res.text, /Shop/);
        assert.match(res.text, /billing/);
        assert.match(res.text, /Web frontend/);
        assert.match(res.text, /Partial outage/, 'billing is down, the rest up');
        assert.doesNotMatch(res.text, /Shop API/, 'the display name replaces the probe name');
        assert.doesNotMatch(res.text, /secret-intranet/);
        assert.doesNotMatch(res.text, /example\.test/, 'no probe target');
        assert.doesNotMatch(res.text, /<script|style=/, 'nothing the CSP would block');
        assert.equal((res.text.match(/<li class="u-/g) ?? []).length, 180, '90 bars for each of two probes');
      });

      it('serves JSON with 90 UTC days from the stored results', async () => {
        const res = await page('/status/acme/status.json');
        assert.equal(res.status, 200);
        const status = PublicStatusSchema.parse(JSON.parse(res.text));
        assert.equal(status.status, 'partial_outage');
        assert.deepEqual(
          status.items.map((i) => [i.name, i.kind, i.state]),
          [
            ['Shop', 'probe', 'up'],
            ['billing', 'probe', 'down'],
            ['Web frontend', 'container', 'up'],
          ],
        );
        const shop = status.items[0];
        assert.ok(shop);
        assert.equal(shop.days.length, 90);
        const today = new Date().toISOString().slice(0, 10);
        assert.equal(shop.days[89]?.date, today);
        const twoDaysAgo = shop.days.find((d) => d.checks === 4);
        assert.ok(twoDaysAgo, JSON.stringify(shop.days.filter((d) => d.checks > 0)));
        assert.equal(twoDaysAgo.uptimePercent, 75);
        assert.equal(shop.uptimePercent, Math.round((5 / 6) * 1e6) / 1e4);
        assert.doesNotMatch(res.text, /example\.test|secret-intranet|Shop API/);
        assert.doesNotMatch(res.text, new RegExp(probes.shop), 'no ids either');
      });

      it('counts today’s new runs at the next render (past days come from the history cache)', async () => {
        const read = async () =>
          PublicStatusSchema.parse(JSON.parse((await page('/status/acme/status.json')).text)).items[0]
            ?.days ?? [];
        const before = await read();
        await storeProbeResults(hub.deps.db, hostId, 2, [
          { kind: 'probe_result', ts: Date.now() - 1000, probeId: probes.shop, ok: false, latencyMs: 1 },
        ]);
        // A write drops the rendered page; the history of past days stays.
        await api('editor', 'PATCH', `/api/status-pages/${pageId}`, { description: 'Our services' });
        const after = await read();
        assert.equal(after[89]?.checks, (before[89]?.checks ?? 0) + 1);
        assert.deepEqual(after.slice(0, 89), before.slice(0, 89));
      });

      it('shows incidents with their updates and maintenance, fresh after each write', async () => {
        const before = await page('/status/acme');
        const incident = await api('editor', 'POST', `/api/status-pages/${pageId}/incidents`, {
          title: 'Billing is down',
          severity: 'critical',
          message: 'Payments fail',
        });
        assert.equal(incident.status, 201);
        await api('editor', 'POST', `/api/status-pages/${pageId}/incidents/${incident.body.id}/updates`, {
          status: 'identified',
          message: 'A certificate <expired>',
        });
        const start = new Date(Date.now() + DAY).toISOString();
        const end = new Date(Date.now() + DAY + 3_600_000).toISOString();
        await api('editor', 'POST', `/api/status-pages/${pageId}/maintenance`, {
          title: 'Database upgrade',
          start,
          end,
        });
        const after = await page('/status/acme');
        assert.notEqual(after.headers.get('etag'), before.headers.get('etag'));
        assert.match(after.text, /Billing is down/);
        assert.match(after.text, /A certificate &lt;expired&gt;/);
        assert.match(after.text, /Payments fail/);
        assert.match(after.text, /Major outage/, 'an open critical incident');
        assert.match(after.text, /Database upgrade/);
        assert.match(after.text, /Scheduled/);
      });

      it('shows the chosen probes’ own upcoming maintenance windows under their display names', async () => {
        const start = new Date(Date.now() + 2 * DAY).toISOString();
        const end = new Date(Date.now() + 2 * DAY + 3_600_000).toISOString();
        const patched = await api('admin', 'PATCH', `/api/probes/${probes.shop}`, {
          maintenance: [{ start, end, note: 'Moving racks' }],
        });
        assert.equal(patched.status, 200);
        await api('editor', 'PATCH', `/api/status-pages/${pageId}`, { description: 'Our services!' });
        const status = PublicStatusSchema.parse(JSON.parse((await page('/status/acme/status.json')).text));
        const window = status.maintenance.find((m) => m.message === 'Moving racks');
        assert.ok(window);
        assert.equal(window.title, 'Maintenance: Shop');
        assert.equal(window.active, false);
      });

      it('answers 304 to a matching If-None-Match and caches briefly in public', async () => {
        const first = await page('/status/acme');
        const etag = first.headers.get('etag');
        assert.ok(etag);
        assert.equal(first.headers.get('cache-control'), 'public, max-age=10');
        const again = await page('/status/acme', { 'if-none-match': etag });
        assert.equal(again.status, 304);
        assert.equal(again.text, '');
        const css = await page('/status/-/status.css');
        assert.equal(css.status, 200);
        assert.match(css.headers.get('content-type') ?? '', /text\/css/);
        assert.match(css.text, /prefers-color-scheme: dark/);
      });

      it('goes back to 404 when unpublished', async () => {
        await api('editor', 'PATCH', `/api/status-pages/${pageId}`, { published: false });
        assert.equal((await page('/status/acme')).status, 404);
      });
    });
  });
