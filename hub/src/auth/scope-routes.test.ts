/**
 * Host scopes on the routes that return or act on host-bound data beyond the inventory
 * (alerts, alert history and analytics, probe runs, generic series, container actions, host
 * labels, log follow): a user bound to the viewer, editor and a host-labelling role scoped to `team=media`
 * sees and touches the media host's data only, and gets nothing or 404 for the other host's;
 * an unscoped viewer sees both. On PGlite and PostgreSQL (the filters are SQL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ContainerListSchema } from '@unity/shared';
import WebSocket from 'ws';
import type { InstanceState, Transition } from '../alerts/eval/types.js';
import { saveEvaluation } from '../alerts/store.js';
import { probeResults } from '../db/schema.js';
import { storeSeriesSamples, upsertSeries } from '../metrics/generic-series.js';
import { saveScan } from '../scans/scan-store.js';
import { backends } from '../testing/databases.js';
import { batch } from '../testing/fixtures.js';
import {
  connectAgent,
  enrollAgent,
  login,
  startTestHub,
  type TestAgent,
  type TestHub,
} from '../testing/hub.js';

const PASSWORD = 'plum kettle orbit saxophone';
type Res = { status: number; body: unknown };

function client(hub: TestHub) {
  return async (method: string, path: string, cookie: string, body?: unknown): Promise<Res> => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

const itemsOf = (r: Res) => (r.body as { items: Record<string, unknown>[] }).items;

function instance(fingerprint: string, objectKey: string, ruleId: string, now: number): InstanceState {
  return {
    fingerprint,
    ruleId,
    ruleName: 'scoped rule',
    severity: 'warning',
    objectKey,
    labels: { object: objectKey },
    url: 'http://hub.test/',
    state: 'firing',
    activeSince: now - 60_000,
    firingSince: now - 30_000,
    keepFiringUntil: null,
    value: 5,
    vars: {},
    lastEvalAt: now,
    raised: true,
    flapTimes: [],
    flappingSince: null,
  };
}

for (const backend of backends)
  describe(`host scopes on alerts, probes, series and actions (${backend.name})`, () => {
    let hub: TestHub;
    let api: ReturnType<typeof client>;
    let admin: string;
    let mia: string;
    let vic: string;
    let media: TestAgent;
    let other: TestAgent;
    let sonarr: string;
    let ledger: string;
    before(async () => {
      // No evaluation tick during the tests: the engine's picture holds none of the alerts the
      // tests hand the router, so a tick between two requests resolved them (CI saw it once).
      hub = await startTestHub({ database: await backend.open(), env: { UNITY_ALERT_EVAL_INTERVAL: '1h' } });
      api = client(hub);
      admin = await login(hub);
      media = await enrollAgent(hub, 'media-1');
      other = await enrollAgent(hub, 'billing-1');
      for (const [agent, names] of [
        [media, ['jellyfin', 'sonarr']],
        [other, ['ledger']],
      ] as const) {
        const socket = await connectAgent(hub, agent);
        socket.ws.send(JSON.stringify(batch(1, Date.now(), [...names])));
        await socket.next();
        socket.ws.close();
      }
      assert.equal(
        (await api('PUT', `/api/hosts/${media.agentId}/labels`, admin, { team: 'media' })).status,
        200,
      );
      const all = ContainerListSchema.parse((await api('GET', '/api/containers', admin)).body).items;
      sonarr = all.find((c) => c.name === 'sonarr')?.id ?? '';
      ledger = all.find((c) => c.name === 'ledger')?.id ?? '';
      assert.ok(sonarr && ledger);

      const made = await api('POST', '/api/users', admin, {
        username: 'mia',
        password: PASSWORD,
        role: null,
      });
      const miaId = (made.body as { id: string }).id;
      const hostKeeper = await api('POST', '/api/roles', admin, {
        name: 'host keeper',
        permissions: ['hosts:read', 'hosts:write'],
      });
      const keeperId = (hostKeeper.body as { id: string }).id;
      for (const roleId of ['viewer', 'editor', keeperId]) {
        const bound = await api('POST', '/api/role-bindings', admin, {
          roleId,
          userId: miaId,
          scope: { labels: { team: 'media' } },
        });
        assert.equal(bound.status, 201);
      }
      await api('POST', '/api/users', admin, { username: 'vic', password: PASSWORD, role: 'viewer' });
      mia = await login(hub, 'mia', PASSWORD);
      vic = await login(hub, 'vic', PASSWORD);
    });
    after(() => hub.close());

    it('alerts, alert history and analytics show the instances of visible hosts only', async () => {
      const rule = await api('POST', '/api/alert-rules', admin, {
        name: 'scoped rule',
        selector: { object: 'container' },
        condition: {
          kind: 'threshold',
          metric: 'cpu_percent',
          aggregation: 'max',
          windowSec: 300,
          op: '>',
          threshold: 2,
        },
        enabled: false,
      });
      assert.equal(rule.status, 201);
      const ruleId = (rule.body as { id: string }).id;
      const now = Date.now();
      const states = [
        instance('fp-media-host', `host:${media.agentId}`, ruleId, now),
        instance('fp-media-disk', `host:${media.agentId}:/srv`, ruleId, now),
        instance('fp-sonarr', `container:${sonarr}`, ruleId, now),
        instance('fp-ledger', `container:${ledger}`, ruleId, now),
        instance('fp-other-host', `host:${other.agentId}`, ruleId, now),
        instance('fp-probe', 'probe:6f1c2a8e-1f59-4f3e-9d0c-6a8f0f3c2b11', ruleId, now),
      ];
      const transitions: Transition[] = states.map((s) => ({
        fingerprint: s.fingerprint,
        ruleId,
        ruleName: s.ruleName,
        labels: s.labels,
        from: 'pending',
        to: 'firing',
        value: 5,
        at: now - 30_000,
      }));
      await saveEvaluation(hub.deps.db, { states, removed: [], transitions }, new Map());

      const mine = ['fp-media-disk', 'fp-media-host', 'fp-probe', 'fp-sonarr'];
      const everyone = [...mine, 'fp-ledger', 'fp-other-host'].sort();
      const fingerprints = (r: Res) =>
        itemsOf(r)
          .map((i) => String(i.fingerprint))
          .sort();

      assert.deepEqual(fingerprints(await api('GET', '/api/alerts', mia)), mine);
      assert.deepEqual(fingerprints(await api('GET', '/api/alerts', vic)), everyone);
      assert.deepEqual(fingerprints(await api('GET', '/api/alert-history', mia)), mine);
      assert.deepEqual(fingerprints(await api('GET', '/api/alert-history', vic)), everyone);

      const exported = await fetch(`${hub.url}/api/alert-history/export?format=json`, {
        headers: { cookie: mia },
      });
      const body = (await exported.json()) as { items: { fingerprint: string }[] };
      assert.deepEqual(body.items.map((i) => i.fingerprint).sort(), mine);
      const csv = await (
        await fetch(`${hub.url}/api/alert-history?format=csv`, { headers: { cookie: mia } })
      ).text();
      assert.ok(csv.includes('fp-sonarr') && !csv.includes('fp-ledger'), 'the CSV is scoped too');

      const noisiest = async (cookie: string) =>
        itemsOf(await api('GET', '/api/alert-history/noisiest', cookie)).map((i) => i.firings);
      assert.deepEqual(await noisiest(mia), [4]);
      assert.deepEqual(await noisiest(vic), [6]);
      const stats = async (cookie: string) =>
        ((await api('GET', '/api/alert-history/stats', cookie)).body as { episodes: number }).episodes;
      assert.equal(await stats(mia), 4);
      assert.equal(await stats(vic), 6);
      const heat = async (cookie: string) =>
        ((await api('GET', '/api/alert-history/heatmap', cookie)).body as { total: number }).total;
      assert.equal(await heat(mia), 4);
      assert.equal(await heat(vic), 6);

      // Alert groups and acknowledgements: the router holds both containers' alerts.
      const startsAt = new Date(now - 30_000).toISOString();
      await hub.deps.alertRouter.update(
        ['fp-sonarr', 'fp-ledger'].map((fingerprint) => ({
          fingerprint,
          status: 'firing' as const,
          ruleId,
          ruleName: 'scoped rule',
          severity: 'warning' as const,
          labels: { alertname: 'scoped rule', fp: fingerprint },
          annotations: {},
          value: 5,
          startsAt,
          endsAt: null,
          url: 'http://hub.test/',
        })),
      );
      const grouped = async (cookie: string) =>
        itemsOf(await api('GET', '/api/alert-groups', cookie))
          .flatMap((g) => (g.alerts as { fingerprint: string }[]).map((a) => a.fingerprint))
          .sort();
      assert.deepEqual(await grouped(mia), ['fp-sonarr']);
      assert.deepEqual(await grouped(vic), ['fp-ledger', 'fp-sonarr']);
      // Acknowledging another team's alert: "not found", as for one that is not firing.
      assert.equal((await api('POST', '/api/alerts/fp-ledger/ack', mia, {})).status, 404);
      assert.equal((await api('POST', '/api/alerts/fp-sonarr/ack', mia, {})).status, 200);
      // Preview and backtest of a rule run on the caller's hosts only.
      const spec = {
        name: 'any container',
        selector: { object: 'container' },
        condition: {
          kind: 'threshold',
          metric: 'cpu_percent',
          aggregation: 'max',
          windowSec: 300,
          op: '>',
          threshold: 0,
        },
      };
      const previewed = async (cookie: string) =>
        (
          (await api('POST', '/api/alert-rules/preview', cookie, { rule: spec })).body as {
            items: { labels: { container: string } }[];
          }
        ).items
          .map((i) => i.labels.container)
          .sort();
      assert.deepEqual(await previewed(mia), ['jellyfin', 'sonarr']);
      assert.deepEqual(await previewed(admin), ['jellyfin', 'ledger', 'sonarr']);
      const replayed = async (cookie: string) =>
        (
          (await api('POST', '/api/alert-rules/backtest', cookie, { rule: spec, days: 0.05 })).body as {
            objects: number;
          }
        ).objects;
      assert.equal(await replayed(mia), 2);
      assert.equal(await replayed(admin), 3);

      // The rule list stays global: rules are hub-level, their instances are what is filtered.
      assert.ok(itemsOf(await api('GET', '/api/alert-rules', mia)).some((r) => r.id === ruleId));
    });

    it('probe runs of agents outside the scope are left out; the probe itself stays visible', async () => {
      const made = await api('POST', '/api/probes', admin, {
        kind: 'http',
        name: 'shop',
        url: 'http://shop.test/',
        agentIds: [media.agentId, other.agentId],
      });
      assert.equal(made.status, 201);
      const probeId = (made.body as { id: string }).id;
      const at = Date.now() - 10_000;
      await hub.deps.db.insert(probeResults).values(
        [media, other].map((a, i) => ({
          probeId,
          agentId: a.agentId,
          time: new Date(at + i),
          ok: true,
          latencyMs: 12,
          status: 200,
          seq: 1,
        })),
      );
      const agentsOf = async (cookie: string, query = '') =>
        itemsOf(await api('GET', `/api/probes/${probeId}/results${query}`, cookie))
          .map((r) => r.agentId)
          .sort();
      assert.deepEqual(await agentsOf(mia), [media.agentId]);
      assert.deepEqual(await agentsOf(mia, `?agent=${other.agentId}`), []);
      assert.deepEqual(await agentsOf(vic), [media.agentId, other.agentId].sort());
      const locations = async (cookie: string) =>
        (
          (await api('GET', `/api/probes/${probeId}`, cookie)).body as {
            status: { locations: { agentId: string }[] };
          }
        ).status.locations
          .map((l) => l.agentId)
          .sort();
      assert.deepEqual(await locations(mia), [media.agentId]);
      assert.deepEqual(await locations(vic), [media.agentId, other.agentId].sort());
      assert.ok(itemsOf(await api('GET', '/api/probes', mia)).some((p) => p.id === probeId));
    });

    it('generic series of other hosts (and of no host) are "not found" for a scoped user', async () => {
      const db = hub.deps.db;
      const mine = await upsertSeries(db, {
        source: 'scrape',
        name: 'temp',
        labels: { host_id: media.agentId },
      });
      const theirs = await upsertSeries(db, {
        source: 'scrape',
        name: 'temp',
        labels: { host_id: other.agentId },
      });
      const unbound = await upsertSeries(db, { source: 'scrape', name: 'temp', labels: { room: 'hall' } });
      for (const id of [mine, theirs, unbound])
        await storeSeriesSamples(db, id, [{ ts: Date.now() - 5_000, value: 21 }]);
      const ids = async (cookie: string) =>
        itemsOf(await api('GET', '/api/series?source=scrape', cookie))
          .map((s) => s.id)
          .sort();
      assert.deepEqual(await ids(mia), [mine]);
      assert.deepEqual(await ids(vic), [mine, theirs, unbound].sort());
      assert.equal((await api('GET', `/api/series/${mine}/points`, mia)).status, 200);
      for (const id of [theirs, unbound])
        assert.equal((await api('GET', `/api/series/${id}/points`, mia)).status, 404);
      assert.equal((await api('GET', `/api/series/${theirs}/points`, vic)).status, 200);
      // A series alert rule previews and backtests the caller's hosts' series only.
      const spec = {
        name: 'warm',
        selector: { object: 'series', metric: 'temp' },
        condition: {
          kind: 'threshold',
          metric: 'value',
          aggregation: 'last',
          windowSec: 300,
          op: '>',
          threshold: 20,
        },
      };
      const previewed = async (cookie: string) =>
        (
          (await api('POST', '/api/alert-rules/preview', cookie, { rule: spec })).body as {
            items: { labels: Record<string, string>; active: boolean }[];
          }
        ).items
          .map((i) => `${i.labels.__name__}:${i.labels.host_id ?? i.labels.room}:${i.active}`)
          .sort();
      assert.deepEqual(await previewed(mia), [`temp:${media.agentId}:true`]);
      assert.deepEqual(
        await previewed(admin),
        [`temp:${media.agentId}:true`, `temp:${other.agentId}:true`, 'temp:hall:true'].sort(),
      );
      const replayed = async (cookie: string) =>
        (
          (await api('POST', '/api/alert-rules/backtest', cookie, { rule: spec, days: 0.05 })).body as {
            objects: number;
          }
        ).objects;
      assert.equal(await replayed(mia), 1);
      assert.equal(await replayed(admin), 3);
    });

    it('acting on or relabelling what lies outside the scope answers 404 and changes nothing', async () => {
      const outside = await api('POST', `/api/containers/${ledger}/actions/restart`, mia);
      assert.equal(outside.status, 404);
      assert.match((outside.body as { error: { message: string } }).error.message, /container not found/);
      // Inside the scope the action is attempted (the agent is offline here, so it fails, but not as 404).
      const inside = await api('POST', `/api/containers/${sonarr}/actions/restart`, mia);
      assert.notEqual(inside.status, 404);
      assert.notEqual(inside.status, 403);

      const relabel = await api('PUT', `/api/hosts/${other.agentId}/labels`, mia, { team: 'media' });
      assert.equal(relabel.status, 404, 'pulling another host into the scope is refused');
      assert.equal((await api('GET', `/api/hosts/${other.agentId}`, mia)).status, 404);
      const labels = ((await api('GET', `/api/hosts/${other.agentId}`, admin)).body as { labels: object })
        .labels;
      assert.deepEqual(labels, {}, 'the labels were not changed');

      const follow = (containerId: string) =>
        new Promise<number>((resolve) => {
          const url = `${hub.url.replace(/^http/, 'ws')}/api/containers/${containerId}/logs/follow`;
          const ws = new WebSocket(url, { headers: { cookie: mia } });
          ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          ws.on('open', () => {
            resolve(101);
            ws.close();
          });
          ws.on('error', () => {});
        });
      assert.equal(await follow(ledger), 404);
    });

    it('stacks and image scans list the visible hosts only; publishing outside the scope is "not found"', async () => {
      const hostsIn = async (path: string, cookie: string) =>
        [...new Set(itemsOf(await api('GET', path, cookie)).map((i) => String(i.hostId)))].sort();
      for (const path of ['/api/stacks']) {
        assert.deepEqual(await hostsIn(path, mia), [media.agentId], path);
        assert.deepEqual(await hostsIn(path, vic), [media.agentId, other.agentId].sort(), path);
      }
      const counts = { CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
      for (const a of [media, other])
        await saveScan(hub.deps.db, a.agentId, {
          image: 'localhost/busybox:latest',
          scannedAt: Date.now(),
          counts,
          vulnerabilities: [],
          truncated: false,
        });
      assert.deepEqual(await hostsIn('/api/images/scans', mia), [media.agentId]);
      assert.deepEqual(await hostsIn('/api/images/scans', vic), [media.agentId, other.agentId].sort());

      assert.equal((await api('PUT', `/api/containers/${ledger}/public`, mia, { public: true })).status, 404);
      assert.equal((await api('PUT', `/api/containers/${sonarr}/public`, mia, { public: true })).status, 200);
      assert.equal(
        (await api('PUT', `/api/hosts/${other.agentId}/public`, mia, { public: true })).status,
        404,
      );
      // A published badge may be cached by proxies; an unpublished one is answered with no-store.
      const cacheOf = async (id: string) => {
        const res = await fetch(`${hub.url}/badge/container/${id}/status.svg`);
        await res.arrayBuffer();
        return res.headers.get('cache-control');
      };
      assert.equal(await cacheOf(sonarr), 'public, max-age=60');
      assert.equal(await cacheOf(ledger), 'no-store', 'the refused publication changed nothing');
    });
  });
