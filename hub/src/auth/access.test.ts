import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiKeySchema,
  ContainerListSchema,
  CreatedApiKeySchema,
  GroupSchema,
  HostListSchema,
  LIVE_PATH,
  LiveMessageSchema,
  RoleSchema,
} from '@unity/shared';
import WebSocket from 'ws';
import { backends } from '../testing/databases.js';
import { batch } from '../testing/fixtures.js';
import {
  connectAgent,
  enrollAgent,
  login,
  startTestHub,
  type TestAgent,
  type TestHub,
  waitFor,
} from '../testing/hub.js';
import { resolveAccess } from './access.js';
import { createApiKey } from './api-keys.js';

const PASSWORD = 'plum kettle orbit saxophone';

type Res = { status: number; body: unknown };

function client(hub: TestHub) {
  return async (method: string, path: string, auth?: string, body?: unknown): Promise<Res> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth?.startsWith('unity_session=')) headers.cookie = auth;
    else if (auth) headers.authorization = `Bearer ${auth}`;
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

describe('API keys', () => {
  let hub: TestHub;
  let api: ReturnType<typeof client>;
  let editor: string;
  before(async () => {
    hub = await startTestHub();
    api = client(hub);
    await api('POST', '/api/users', await login(hub), { username: 'ed', password: PASSWORD, role: 'editor' });
    editor = await login(hub, 'ed', PASSWORD);
  });
  after(() => hub.close());

  it('shows the key once, stores it hashed, and accepts it as a Bearer token within its scope', async () => {
    const res = await api('POST', '/api/api-keys', editor, {
      name: 'grafana',
      permissions: ['hosts:read'],
      expiresInDays: 30,
    });
    assert.equal(res.status, 201);
    const created = CreatedApiKeySchema.parse(res.body);
    assert.match(created.key, /^unity_[A-Za-z0-9_-]{43}$/);
    assert.ok(created.key.startsWith(created.prefix));
    const listed = (await api('GET', '/api/api-keys', editor)).body as { items: unknown[] };
    assert.ok(!JSON.stringify(listed).includes(created.key), 'the list never shows the key');

    assert.equal((await api('GET', '/api/hosts', created.key)).status, 200);
    assert.equal((await api('GET', '/api/hosts', created.key)).status, 200);
    const outside = await api('GET', '/api/alert-rules', created.key);
    assert.equal(outside.status, 403, 'the owner may read alerts; the key may not');
    const act = await api('POST', '/api/containers/0123456789abcdef/actions/restart', created.key);
    assert.equal(act.status, 403);

    const [key] = ((await api('GET', '/api/api-keys', editor)).body as { items: unknown[] }).items.map((k) =>
      ApiKeySchema.parse(k),
    );
    assert.equal(key?.useCount, 4);
    assert.ok((key?.lastUsedAt ?? 0) > Date.now() - 60_000);
    assert.equal((await api('GET', '/api/hosts', `${created.key}x`)).status, 401, 'an unknown key');
  });

  it('cannot hold more than its owner, and cannot make other keys or change the account', async () => {
    const more = await api('POST', '/api/api-keys', editor, {
      name: 'too much',
      permissions: ['users:write'],
    });
    assert.equal(more.status, 400);
    assert.match((more.body as { error: { message: string } }).error.message, /you do not hold users:write/);
    const { key } = CreatedApiKeySchema.parse(
      (await api('POST', '/api/api-keys', editor, { name: 'ci', permissions: ['hosts:read', 'alerts:read'] }))
        .body,
    );
    assert.equal(
      (await api('POST', '/api/api-keys', key, { name: 'child', permissions: ['hosts:read'] })).status,
      403,
    );
    const pw = await api('PUT', '/api/me/password', key, {
      currentPassword: PASSWORD,
      newPassword: 'x'.repeat(20),
    });
    assert.equal(pw.status, 403);
  });

  it('honours expiry, deletion, and the owner being disabled', async () => {
    const me = (await api('GET', '/api/me', editor)).body as { id: string };
    const owner = await resolveAccess(hub.deps.db, me.id);
    assert.ok(owner);
    const old = await createApiKey(
      hub.deps.db,
      owner.user,
      owner.access,
      { name: 'old', permissions: ['hosts:read'], expiresInDays: 1 },
      Date.now() - 2 * 86_400_000,
    );
    const expired = await api('GET', '/api/hosts', old.key);
    assert.equal(expired.status, 401);
    assert.match((expired.body as { error: { message: string } }).error.message, /expired/);

    const live = CreatedApiKeySchema.parse(
      (await api('POST', '/api/api-keys', editor, { name: 'temp', permissions: ['hosts:read'] })).body,
    );
    assert.equal((await api('GET', '/api/hosts', live.key)).status, 200);
    assert.equal((await api('DELETE', `/api/api-keys/${live.id}`, editor)).status, 204);
    assert.equal((await api('GET', '/api/hosts', live.key)).status, 401);

    const kept = CreatedApiKeySchema.parse(
      (await api('POST', '/api/api-keys', editor, { name: 'kept', permissions: ['hosts:read'] })).body,
    );
    await api('PATCH', `/api/users/${owner.user.id}`, await login(hub), { disabled: true });
    assert.equal((await api('GET', '/api/hosts', kept.key)).status, 401);
  });
});

// On both databases: migration 0015_identity from scratch, jsonb scopes, the group subquery.
for (const backend of backends)
  describe(`custom roles, groups and scoped bindings (${backend.name})`, () => {
    let hub: TestHub;
    let api: ReturnType<typeof client>;
    let admin: string;
    let media: TestAgent;
    let other: TestAgent;
    before(async () => {
      hub = await startTestHub({ database: await backend.open() });
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
      const labelled = await api('PUT', `/api/hosts/${media.agentId}/labels`, admin, { team: 'media' });
      assert.equal(labelled.status, 200);
    });
    after(() => hub.close());

    it('a user in a group bound to a custom role scoped to team=media sees only those hosts and containers', async () => {
      const role = RoleSchema.parse(
        (
          await api('POST', '/api/roles', admin, {
            name: 'media operator',
            permissions: ['hosts:read', 'containers:read', 'containers:act'],
          })
        ).body,
      );
      const user = (
        await api('POST', '/api/users', admin, { username: 'mia', password: PASSWORD, role: null })
      ).body as { id: string };
      const group = GroupSchema.parse(
        (await api('POST', '/api/groups', admin, { name: 'media team', memberIds: [user.id] })).body,
      );
      assert.deepEqual(
        group.members.map((m) => m.username),
        ['mia'],
      );
      const mia = await login(hub, 'mia', PASSWORD);
      assert.equal((await api('GET', '/api/hosts', mia)).status, 403, 'no binding yet: nothing');

      const bound = await api('POST', '/api/role-bindings', admin, {
        roleId: role.id,
        groupId: group.id,
        scope: { labels: { team: 'media' } },
      });
      assert.equal(bound.status, 201);

      const hosts = HostListSchema.parse((await api('GET', '/api/hosts', mia)).body).items;
      assert.deepEqual(
        hosts.map((h) => h.id),
        [media.agentId],
      );
      assert.equal((await api('GET', `/api/hosts/${other.agentId}`, mia)).status, 404);
      assert.equal((await api('GET', `/api/hosts/${media.agentId}`, mia)).status, 200);

      // The live feed carries the notices of the media host only.
      const live = new WebSocket(`${hub.url.replace(/^http/, 'ws')}${LIVE_PATH}`, {
        headers: { cookie: mia },
      });
      await new Promise((resolve, reject) => {
        live.on('open', resolve);
        live.on('error', reject);
      });
      const received: string[] = [];
      live.on('message', (d) => received.push(LiveMessageSchema.parse(JSON.parse(String(d))).hostId));
      hub.deps.bus.publish({ type: 'host_updated', hostId: other.agentId, at: 1 });
      hub.deps.bus.publish({ type: 'presence', hostId: other.agentId, online: false, at: 2 });
      hub.deps.bus.publish({ type: 'host_updated', hostId: media.agentId, at: 3 });
      await waitFor(() => received.length >= 1);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(received, [media.agentId]);
      live.close();

      const containers = ContainerListSchema.parse((await api('GET', '/api/containers', mia)).body).items;
      assert.deepEqual(containers.map((c) => c.name).sort(), ['jellyfin', 'sonarr']);
      const all = ContainerListSchema.parse((await api('GET', '/api/containers', admin)).body).items;
      const ledger = all.find((c) => c.name === 'ledger');
      assert.ok(ledger);
      assert.equal((await api('GET', `/api/containers/${ledger.id}`, mia)).status, 404);
      for (const path of [
        `/api/containers/${ledger.id}/events`,
        `/api/containers/${ledger.id}/health`,
        `/api/containers/${ledger.id}/scan`,
        `/api/hosts/${other.agentId}/events`,
        `/api/hosts/${other.agentId}/stats`,
      ]) {
        assert.equal((await api('GET', path, mia)).status, 404, `${path} is outside the scope`);
      }
      const sonarr = containers.find((c) => c.name === 'sonarr');
      assert.equal((await api('GET', `/api/containers/${sonarr?.id}/events`, mia)).status, 200);
      const act = await api('POST', `/api/containers/${ledger.id}/actions/restart`, mia);
      assert.equal(act.status, 404, 'no acting outside the scope either: "not found"');

      assert.equal((await api('GET', '/api/alert-rules', mia)).status, 403, 'the role grants no alerts');

      const followStatus = (containerId: string) =>
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
      assert.equal(await followStatus(ledger.id), 403, 'no log follow without logs:read');
    });

    it('a user manager cannot hand out rights it does not hold', async () => {
      const managers = RoleSchema.parse(
        (
          await api('POST', '/api/roles', admin, {
            name: 'user managers',
            permissions: ['users:read', 'users:write'],
          })
        ).body,
      );
      const made = (
        await api('POST', '/api/users', admin, { username: 'uri', password: PASSWORD, role: null })
      ).body as { id: string };
      await api('POST', '/api/role-bindings', admin, { roleId: managers.id, userId: made.id });
      const uri = await login(hub, 'uri', PASSWORD);
      const asAdmin = await api('POST', '/api/users', uri, {
        username: 'sneaky',
        password: PASSWORD,
        role: 'admin',
      });
      assert.equal(asAdmin.status, 403);
      assert.match((asAdmin.body as { error: { message: string } }).error.message, /cannot grant/);
      assert.equal((await api('PATCH', `/api/users/${made.id}`, uri, { role: 'admin' })).status, 403);
      assert.equal((await api('POST', '/api/invites', uri, { role: 'editor' })).status, 403);
      const self = await api('POST', '/api/role-bindings', uri, { roleId: 'admin', userId: made.id });
      assert.equal(self.status, 403);
      const plain = await api('POST', '/api/users', uri, {
        username: 'plain',
        password: PASSWORD,
        role: null,
      });
      assert.equal(plain.status, 201, 'a user without a role is within its rights');
    });

    it('a host-id scope, and removing the binding takes the access away', async () => {
      const user = (
        await api('POST', '/api/users', admin, { username: 'olga', password: PASSWORD, role: null })
      ).body as { id: string };
      const b = (
        await api('POST', '/api/role-bindings', admin, {
          roleId: 'viewer',
          userId: user.id,
          scope: { hostIds: [other.agentId] },
        })
      ).body as { id: string; roleName: string };
      assert.equal(b.roleName, 'viewer');
      const olga = await login(hub, 'olga', PASSWORD);
      const hosts = HostListSchema.parse((await api('GET', '/api/hosts', olga)).body).items;
      assert.deepEqual(
        hosts.map((h) => h.id),
        [other.agentId],
      );
      assert.equal((await api('DELETE', `/api/role-bindings/${b.id}`, admin)).status, 204);
      assert.equal((await api('GET', '/api/hosts', olga)).status, 403);
    });

    it('validates roles and bindings with clear messages, and keeps built-in roles fixed', async () => {
      const bad = await api('POST', '/api/roles', admin, { name: 'x', permissions: ['hosts:fly'] });
      assert.equal(bad.status, 400);
      assert.match((bad.body as { error: { message: string } }).error.message, /permissions/);
      const both = await api('POST', '/api/role-bindings', admin, { roleId: 'viewer' });
      assert.equal(both.status, 400);
      assert.match((both.body as { error: { message: string } }).error.message, /userId/);
      assert.equal(
        (await api('PUT', '/api/roles/admin', admin, { name: 'admin', permissions: [] })).status,
        400,
      );
      const roles = ((await api('GET', '/api/roles', admin)).body as { items: unknown[] }).items.map((r) =>
        RoleSchema.parse(r),
      );
      assert.deepEqual(
        roles.filter((r) => r.builtIn).map((r) => r.name),
        ['admin', 'editor', 'viewer'],
      );
      const inUse = roles.find((r) => r.name === 'media operator');
      assert.ok(inUse);
      assert.equal((await api('DELETE', `/api/roles/${inUse.id}`, admin)).status, 409);
    });
  });
