import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditListSchema } from '@unity/shared';
import { createUser } from '../auth/users.js';
import { login, startTestHub, type TestHub } from '../testing/hub.js';
import { auditedTarget } from './config-audit.js';

describe('configuration changes in the audit log', () => {
  let hub: TestHub;
  const cookies = { admin: '', editor: '', viewer: '' };
  const call = async (who: keyof typeof cookies, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        cookie: cookies[who],
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const audit = async (action: string) => {
    const res = await call('admin', 'GET', `/api/audit-log?action=${encodeURIComponent(action)}`);
    assert.equal(res.status, 200);
    return AuditListSchema.parse(res.body).items;
  };

  before(async () => {
    hub = await startTestHub();
    await createUser(hub.deps.db, { username: 'ed', password: 'editor password 1', role: 'editor' });
    await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 1', role: 'viewer' });
    cookies.admin = await login(hub);
    cookies.editor = await login(hub, 'ed', 'editor password 1');
    cookies.viewer = await login(hub, 'vi', 'viewer password 1');
  });
  after(() => hub.close());

  it('a probe created, changed and deleted by an editor: three entries naming it and the editor', async () => {
    const probe = { kind: 'http', name: 'shop', url: 'http://127.0.0.1:9/', intervalSeconds: 60 };
    const created = await call('editor', 'POST', '/api/probes', probe);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = String(created.body.id);
    assert.equal((await call('editor', 'PATCH', `/api/probes/${id}`, { name: 'shop front' })).status, 200);
    assert.equal((await call('editor', 'DELETE', `/api/probes/${id}`)).status, 204);

    const entries = (await audit('config.probes.')).filter((e) => e.objectId === id);
    assert.deepEqual(entries.map((e) => [e.action, e.username, e.outcome]).reverse(), [
      ['config.probes.create', 'ed', 'ok'],
      ['config.probes.update', 'ed', 'ok'],
      ['config.probes.delete', 'ed', 'ok'],
    ]);
  });

  it("a viewer's refused change is written as forbidden; a bad request and a read are not written", async () => {
    const probe = { kind: 'http', name: 'nope', url: 'http://127.0.0.1:9/', intervalSeconds: 60 };
    assert.equal((await call('viewer', 'POST', '/api/probes', probe)).status, 403);
    assert.equal((await call('editor', 'POST', '/api/probes', { kind: 'http' })).status, 400);
    assert.equal((await call('editor', 'GET', '/api/probes')).status, 200);
    const entries = await audit('config.probes.create');
    assert.deepEqual(
      entries.filter((e) => e.username !== 'ed' || e.outcome !== 'ok').map((e) => [e.username, e.outcome]),
      [['vi', 'forbidden']],
    );
  });

  it('knows which paths are configuration, and what only looks like a change', () => {
    assert.deepEqual(auditedTarget('/api/alert-rules/r1'), { resource: 'alert-rules', objectId: 'r1' });
    assert.deepEqual(auditedTarget('/api/hosts/h1/labels'), { resource: 'host-labels', objectId: 'h1' });
    assert.deepEqual(auditedTarget('/api/status-pages/p1/incidents'), {
      resource: 'status-pages',
      objectId: 'p1',
    });
    assert.equal(auditedTarget('/api/alert-rules/preview'), undefined);
    assert.equal(auditedTarget('/api/channels/c1/test'), undefined);
    assert.equal(
      auditedTarget('/api/hosts/h1/speed-tests'),
      undefined,
      'running a test is not configuration',
    );
    assert.equal(auditedTarget('/api/users/u1'), undefined, 'users audit themselves');
  });
});
