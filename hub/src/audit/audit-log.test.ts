import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditListSchema } from '@unity/shared';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { auditLog } from '../db/schema.js';
import { silentLogger } from '../log.js';
import { backends } from '../testing/databases.js';
import { login, startTestHub, type TestHub } from '../testing/hub.js';
import { pruneAudit, recordEvent } from './audit-log.js';

const DAY = 86_400_000;

/** drizzle wraps the database's error; the trigger's message is in the cause. */
const appendOnly = (error: unknown) =>
  /append-only/.test(String((error as { cause?: unknown }).cause ?? error)) ||
  /append-only/.test(String(error));

describe('GET /api/audit-log', () => {
  let hub: TestHub;
  let cookie: string;
  const t0 = Date.UTC(2026, 2, 1);
  before(async () => {
    hub = await startTestHub();
    cookie = await login(hub);
    const event = (at: number, name: string, action: string, objectName: string, outcome = 'ok') =>
      hub.deps.db.insert(auditLog).values({
        at: new Date(at),
        username: name,
        ip: '192.0.2.1',
        action,
        objectType: 'container',
        objectId: `id-${objectName}`,
        objectName,
        outcome,
        message: action === 'container.exec' ? '=HYPERLINK("http://evil")' : 'said "hi", twice',
      });
    await event(t0, 'alice', 'container.restart', 'web-1');
    await event(t0 + 1000, 'bob', 'container.stop', 'db_main', 'forbidden');
    await event(t0 + 2000, 'alice', 'container.exec', 'web-2');
    await event(t0 + 3000, 'carol', 'image.scan', 'nginx');
  });
  after(() => hub.close());

  const list = async (query: string) => {
    const res = await hub.app.request(`/api/audit-log?${query}`, { headers: { cookie } });
    assert.equal(res.status, 200, await res.clone().text());
    return AuditListSchema.parse(await res.json()).items;
  };
  const range = `from=${t0}&to=${t0 + 10_000}`;

  it('filters by actor, action (exact or prefix), target, outcome and time range', async () => {
    assert.deepEqual(
      (await list(`${range}&actor=alice`)).map((e) => e.objectName),
      ['web-2', 'web-1'],
    );
    assert.deepEqual(
      (await list(`${range}&action=container.`)).map((e) => e.action),
      ['container.exec', 'container.stop', 'container.restart'],
    );
    assert.deepEqual(
      (await list(`${range}&action=container.stop`)).map((e) => e.username),
      ['bob'],
    );
    assert.deepEqual(
      (await list(`${range}&target=WEB`)).map((e) => e.objectName),
      ['web-2', 'web-1'],
    );
    assert.deepEqual(
      (await list(`${range}&target=db_`)).map((e) => e.objectName),
      ['db_main'],
    );
    assert.deepEqual((await list(`${range}&target=d%25`)).length, 0, '% is literal');
    assert.deepEqual(
      (await list(`${range}&outcome=forbidden`)).map((e) => e.username),
      ['bob'],
    );
    assert.deepEqual(
      (await list(`from=${t0 + 1000}&to=${t0 + 3000}`)).map((e) => e.objectName),
      ['web-2', 'db_main'],
    );
  });

  it('pages back with before/nextBefore', async () => {
    const res = await hub.app.request(`/api/audit-log?${range}&limit=3`, { headers: { cookie } });
    const page = AuditListSchema.parse(await res.json());
    assert.equal(page.items.length, 3);
    assert.ok(page.nextBefore);
    const rest = await list(`${range}&limit=3&before=${page.nextBefore}`);
    assert.deepEqual(
      rest.map((e) => e.objectName),
      ['web-1'],
    );
  });

  it('exports CSV with quoting and formula neutralised', async () => {
    const res = await hub.app.request(`/api/audit-log?${range}&format=csv`, { headers: { cookie } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    assert.equal(lines[0], 'at,username,ip,action,objectType,objectId,objectName,outcome,message');
    assert.equal(lines.length, 5);
    assert.equal(
      lines[1],
      `2026-03-01T00:00:03.000Z,carol,192.0.2.1,image.scan,container,id-nginx,nginx,ok,"said ""hi"", twice"`,
    );
    assert.ok(lines[2]?.endsWith(`"'=HYPERLINK(""http://evil"")"`), lines[2]);
  });

  it('answers 400 naming a bad filter, keeps /api/audit, and is for admins only', async () => {
    const bad = await hub.app.request('/api/audit-log?format=xml', { headers: { cookie } });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /format/);
    const legacy = await hub.app.request('/api/audit?limit=2', { headers: { cookie } });
    assert.equal(AuditListSchema.parse(await legacy.json()).items.length, 2);
    assert.equal((await hub.app.request('/api/audit-log')).status, 401);
    const writes = ['PUT', 'PATCH', 'DELETE', 'POST'];
    for (const method of writes) {
      const res = await hub.app.request('/api/audit-log', { method, headers: { cookie } });
      assert.equal(res.status, 404, `${method} must not exist`);
    }
  });
});

for (const backend of backends) {
  describe(`audit log is append-only on ${backend.name}`, () => {
    it('refuses UPDATE, DELETE and TRUNCATE, and lets only retention pruning delete', async () => {
      const database = await backend.open();
      try {
        const { db } = database;
        await migrate(db, silentLogger());
        const now = Date.now();
        const base = { ip: null, objectType: 'user', objectId: 'u', outcome: 'ok' } as const;
        await recordEvent(db, { ...base, actor: { id: null, name: 'old' }, action: 'auth.signin' });
        await db.execute(sql`select 1`);
        await assert.rejects(db.update(auditLog).set({ username: 'mallory' }), appendOnly);
        await assert.rejects(db.delete(auditLog), appendOnly);
        await assert.rejects(db.execute(sql`truncate audit_log`), appendOnly);
        await recordEvent(db, { ...base, actor: { id: null, name: 'new' }, action: 'auth.signin' });
        // Age the first entry: only a superuser could do this by disabling the trigger, as here.
        await db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
        await db.execute(
          sql`update audit_log set at = ${new Date(now - 400 * DAY).toISOString()}::timestamptz where username = 'old'`,
        );
        await db.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
        await pruneAudit(db, 365 * DAY, now);
        const names = rowsOf<{ username: string }>(await db.execute(sql`select username from audit_log`));
        assert.deepEqual(
          names.map((r) => r.username),
          ['new'],
        );
        await assert.rejects(
          db.delete(auditLog),
          appendOnly,
          'the prune setting does not outlive its transaction',
        );
      } finally {
        await database.close();
      }
    });
  });
}
