import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hash } from '@node-rs/argon2';
import { InviteSchema, MeSchema, ProfileSchema, UserSchema } from '@unity/shared';
import { eq } from 'drizzle-orm';
import { users } from '../db/schema.js';
import { ADMIN, login, startTestHub, type TestHub } from '../testing/hub.js';
import { createInvite } from './invites.js';
import { blocklistSize, passwordProblems } from './password-policy.js';

const GOOD = 'plum kettle orbit saxophone';

type Res = { status: number; body: unknown };

function client(hub: TestHub) {
  return async (method: string, path: string, cookie?: string, body?: unknown): Promise<Res> => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

const message = (r: Res) => (r.body as { error: { message: string } }).error.message;

describe('password policy', () => {
  it('ships a blocklist of at least 10,000 common passwords', () => {
    assert.ok(blocklistSize() >= 10_000, `only ${blocklistSize()}`);
  });

  it('asks for 15 characters alone, 8 with a second factor, and accepts 64 and more', () => {
    assert.match(passwordProblems('short but ok')[0] ?? '', /at least 15 characters \(this has 12\)/);
    assert.deepEqual(passwordProblems('short but ok', { hasSecondFactor: true }), []);
    assert.deepEqual(passwordProblems('x1'.repeat(40)), []);
    assert.deepEqual(passwordProblems('🙂'.repeat(15)), ['do not repeat one character']);
  });

  it('refuses common passwords in any casing and the username, with no composition rules', () => {
    assert.deepEqual(passwordProblems('1QAZ2WSX3EDC4RFV'), [
      'this is a commonly used password; choose another',
    ]);
    assert.deepEqual(passwordProblems('my name is alice really', { username: 'alice' }), [
      'do not use your username in the password',
    ]);
    assert.deepEqual(passwordProblems('all lower case words only'), []);
  });
});

describe('users administration', () => {
  let hub: TestHub;
  let api: ReturnType<typeof client>;
  let admin: string;
  before(async () => {
    hub = await startTestHub();
    api = client(hub);
    admin = await login(hub);
  });
  after(() => hub.close());

  it('creates a user, refusing a weak password with the reason', async () => {
    const weak = await api('POST', '/api/users', admin, { username: 'bob', password: 'passwordpassword' });
    assert.equal(weak.status, 400);
    assert.match(message(weak), /password: .*at least 15|commonly used/);
    const bad = await api('POST', '/api/users', admin, { username: 'b o b', password: GOOD });
    assert.equal(bad.status, 400);
    assert.match(message(bad), /username/);
    const made = await api('POST', '/api/users', admin, { username: 'bob', password: GOOD, role: 'editor' });
    assert.equal(made.status, 201);
    const user = UserSchema.parse(made.body);
    assert.deepEqual([user.username, user.role, user.disabled], ['bob', 'editor', false]);
    assert.ok(!JSON.stringify(made.body).includes('argon2'), 'no hash in the answer');
    assert.equal((await api('POST', '/api/users', admin, { username: 'bob', password: GOOD })).status, 409);
    const me = MeSchema.parse((await api('GET', '/api/auth/me', await login(hub, 'bob', GOOD))).body);
    assert.ok(me.permissions?.includes('containers:act'));
    assert.ok(!me.permissions?.includes('users:read'));
  });

  it('disabling a user ends their sessions and refuses sign-in until enabled again', async () => {
    const made = UserSchema.parse(
      (await api('POST', '/api/users', admin, { username: 'carol', password: GOOD, role: 'viewer' })).body,
    );
    const carol = await login(hub, 'carol', GOOD);
    assert.equal((await api('GET', '/api/hosts', carol)).status, 200);
    const off = await api('PATCH', `/api/users/${made.id}`, admin, { disabled: true });
    assert.equal(UserSchema.parse(off.body).disabled, true);
    assert.equal((await api('GET', '/api/hosts', carol)).status, 401, 'the old session is gone');
    const refused = await api('POST', '/api/auth/login', undefined, { username: 'carol', password: GOOD });
    assert.equal(refused.status, 403);
    assert.match(message(refused), /disabled/);
    await api('PATCH', `/api/users/${made.id}`, admin, { disabled: false });
    assert.equal((await api('GET', '/api/hosts', await login(hub, 'carol', GOOD))).status, 200);
    assert.equal((await api('DELETE', `/api/users/${made.id}`, admin)).status, 204);
    const gone = await api('POST', '/api/auth/login', undefined, { username: 'carol', password: GOOD });
    assert.equal(gone.status, 401);
  });

  it('keeps the last enabled admin', async () => {
    const me = MeSchema.parse((await api('GET', '/api/auth/me', admin)).body);
    const res = await api('PATCH', `/api/users/${me.id}`, admin, { role: 'viewer' });
    assert.equal(res.status, 409);
    assert.match(message(res), /last enabled admin/);
    assert.equal((await api('DELETE', `/api/users/${me.id}`, admin)).status, 409);
  });

  it('records user changes in the audit log', async () => {
    const audit = (await api('GET', '/api/audit?limit=50', admin)).body as { items: { action: string }[] };
    const actions = audit.items.map((e) => e.action);
    for (const a of ['user.create', 'user.update', 'user.delete']) assert.ok(actions.includes(a), a);
  });

  it('an invite link makes one account, once, before it expires', async () => {
    const res = await api('POST', '/api/invites', admin, { role: 'viewer', ttlHours: 2 });
    assert.equal(res.status, 201);
    const invite = InviteSchema.parse(res.body);
    assert.match(invite.url, /^http:\/\/hub\.test:8080\/invite\?token=[A-Za-z0-9_-]{43}$/);
    const token = new URL(invite.url).searchParams.get('token') ?? '';
    const weak = await api('POST', '/api/invites/accept', undefined, {
      token,
      username: 'dave',
      password: 'short',
    });
    assert.equal(weak.status, 400, 'the policy applies and the link stays usable');
    const ok = await api('POST', '/api/invites/accept', undefined, {
      token,
      username: 'dave',
      password: GOOD,
    });
    assert.equal(ok.status, 201);
    assert.equal(UserSchema.parse(ok.body).role, 'viewer');
    await login(hub, 'dave', GOOD);
    const again = await api('POST', '/api/invites/accept', undefined, {
      token,
      username: 'dave2',
      password: GOOD,
    });
    assert.equal(again.status, 401);

    const me = MeSchema.parse((await api('GET', '/api/auth/me', admin)).body);
    const old = await createInvite(
      hub.deps.db,
      { role: 'viewer', ttlHours: 1, note: '' },
      me.id,
      'http://x',
      Date.now() - 2 * 3600_000,
    );
    const expired = new URL(old.url).searchParams.get('token') ?? '';
    const late = await api('POST', '/api/invites/accept', undefined, {
      token: expired,
      username: 'erin',
      password: GOOD,
    });
    assert.equal(late.status, 401);
    assert.match(message(late), /expired/);
  });
});

describe('my account', () => {
  let hub: TestHub;
  let api: ReturnType<typeof client>;
  before(async () => {
    hub = await startTestHub({ env: { UNITY_PASSWORD_HISTORY: '3' } });
    api = client(hub);
    const admin = await login(hub);
    await api('POST', '/api/users', admin, { username: 'frank', password: GOOD, role: 'viewer' });
  });
  after(() => hub.close());

  it('updates the profile', async () => {
    const frank = await login(hub, 'frank', GOOD);
    const res = await api('PATCH', '/api/me', frank, {
      displayName: 'Frank F.',
      email: 'frank@example.test',
    });
    assert.equal(res.status, 200);
    const profile = ProfileSchema.parse((await api('GET', '/api/me', frank)).body);
    assert.deepEqual([profile.displayName, profile.email], ['Frank F.', 'frank@example.test']);
    assert.ok(profile.permissions.includes('hosts:read'));
  });

  it('gives policy feedback while typing', async () => {
    const frank = await login(hub, 'frank', GOOD);
    const res = await api('POST', '/api/me/password-check', frank, { password: 'frank is my name ok' });
    assert.deepEqual(res.body, { ok: false, problems: ['do not use your username in the password'] });
  });

  it('changes the password with the current one, ends other sessions, and refuses reuse', async () => {
    const other = await login(hub, 'frank', GOOD);
    const here = await login(hub, 'frank', GOOD);
    const wrong = await api('PUT', '/api/me/password', here, {
      currentPassword: 'nope',
      newPassword: 'x'.repeat(20),
    });
    assert.equal(wrong.status, 400);
    assert.match(message(wrong), /currentPassword/);
    const next = 'quiet harbour lantern 42';
    const res = await fetch(`${hub.url}/api/me/password`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: here },
      body: JSON.stringify({ currentPassword: GOOD, newPassword: next }),
    });
    assert.equal(res.status, 204);
    const fresh = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.equal((await api('GET', '/api/me', other)).status, 401, 'the other session ended');
    assert.equal((await api('GET', '/api/me', fresh)).status, 200, 'this browser got a new session');
    await assert.rejects(login(hub, 'frank', GOOD));
    const reuse = await api('PUT', '/api/me/password', fresh, { currentPassword: next, newPassword: GOOD });
    assert.equal(reuse.status, 400);
    assert.match(message(reuse), /last 3 passwords/);
  });

  it('re-hashes a password stored with weaker parameters at sign-in', async () => {
    const weak = await hash(ADMIN.password, { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await hub.deps.db.update(users).set({ passwordHash: weak }).where(eq(users.username, ADMIN.username));
    await login(hub);
    const [row] = await hub.deps.db.select().from(users).where(eq(users.username, ADMIN.username));
    assert.match(row?.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await login(hub);
  });
});
