/**
 * Admin-managed IP rules (`/api/security/ip-rules`): stored in the database, applied at once
 * without a restart (and within a refresh interval when written by another replica), on top of
 * the environment's lists, which always win. A denied address gets 403 on /api; an agent from a
 * denied range cannot enroll or connect; a set that would lock out the admin's own address is
 * refused. On PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONNECT_PATH, ENROLL_PATH, IpRulesViewSchema } from '@unity/shared';
import WebSocket from 'ws';
import { ipRules } from '../db/schema.js';
import { backends } from '../testing/databases.js';
import { login, startTestHub, type TestHub, waitFor } from '../testing/hub.js';
import { IP_RULES_REFRESH_MS } from './ip-policy.js';

const PASSWORD = 'plum kettle orbit saxophone';
const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

for (const backend of backends)
  describe(`admin-managed IP rules (${backend.name})`, () => {
    let hub: TestHub;
    let admin: string;
    const call = async (method: string, path: string, cookie: string, body?: unknown, ip = '127.0.0.1') => {
      const res = await hub.app.request(
        path,
        {
          method,
          headers: { 'content-type': 'application/json', cookie },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        from(ip),
      );
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    };
    const message = (r: { body: unknown }) => (r.body as { error: { message: string } }).error.message;
    const put = (rules: unknown[], cookie = admin, ip?: string) =>
      call('PUT', '/api/security/ip-rules', cookie, { rules }, ip);

    before(async () => {
      hub = await startTestHub({
        database: await backend.open(),
        env: { UNITY_TRUSTED_PROXIES: '127.0.0.1', UNITY_UI_DENY: '198.51.100.0/24' },
      });
      admin = await login(hub);
      for (const role of ['viewer', 'editor'])
        await call('POST', '/api/users', admin, { username: role, password: PASSWORD, role });
    });
    after(() => hub.close());

    it('only admins read and change them', async () => {
      for (const role of ['viewer', 'editor']) {
        const cookie = await login(hub, role, PASSWORD);
        assert.equal((await call('GET', '/api/security/ip-rules', cookie)).status, 403, role);
        assert.equal((await put([], cookie)).status, 403, role);
      }
      assert.equal((await call('GET', '/api/security/ip-rules', '')).status, 401);
      const view = IpRulesViewSchema.parse((await call('GET', '/api/security/ip-rules', admin)).body);
      assert.deepEqual(view.env.ui.deny, ['198.51.100.0/24'], 'the environment list is shown');
      assert.deepEqual(view.rules, []);
      assert.equal(view.yourIp, '127.0.0.1');
    });

    it('rejects bad CIDRs with a clear 400 and stores nothing', async () => {
      for (const cidr of ['10.0.0.0/33', '300.1.1.1', 'fd00::/129', 'example.com']) {
        const bad = await put([{ target: 'ui', action: 'deny', cidr }]);
        assert.equal(bad.status, 400, cidr);
        assert.match(message(bad), /rules\.0\.cidr: must be an IPv4 or IPv6 address or CIDR range/);
      }
      const twice = await put([
        { target: 'agent', action: 'deny', cidr: '10.0.0.0/8' },
        { target: 'agent', action: 'deny', cidr: '10.0.0.0/8' },
      ]);
      assert.equal(twice.status, 400);
      assert.match(message(twice), /listed twice/);
      const badTarget = await put([{ target: 'ssh', action: 'deny', cidr: '10.0.0.0/8' }]);
      assert.equal(badTarget.status, 400);
      assert.equal((await hub.deps.db.select().from(ipRules)).length, 0);
    });

    it('refuses a set that would lock out the admin’s own address', async () => {
      const denySelf = await put([{ target: 'ui', action: 'deny', cidr: '127.0.0.0/8' }]);
      assert.equal(denySelf.status, 400);
      assert.match(message(denySelf), /would refuse your own address \(127\.0\.0\.1\)/);
      const allowOthers = await put([{ target: 'ui', action: 'allow', cidr: '10.0.0.0/8' }]);
      assert.equal(allowOthers.status, 400, 'an allow list without the admin’s address locks it out too');
      const v6 = await put([{ target: 'ui', action: 'deny', cidr: '2001:db8::/32' }], admin, '2001:db8::7');
      assert.equal(v6.status, 400, 'IPv6 addresses are guarded the same way');
      assert.equal((await hub.deps.db.select().from(ipRules)).length, 0);
      // Denying agents from the admin's own range is allowed: the guard covers people only.
      const ok = await put([{ target: 'agent', action: 'deny', cidr: '127.0.0.0/8' }]);
      assert.equal(ok.status, 200);
      assert.equal((await put([])).status, 200);
    });

    it('applies a change at once: a denied address gets 403 on /api, agents from a denied range are refused', async () => {
      const before = await call('GET', '/api/auth/status', '', undefined, '203.0.113.9');
      assert.equal(before.status, 200);
      const saved = await put([
        { target: 'ui', action: 'deny', cidr: '203.0.113.0/24', note: 'office guest wifi' },
        { target: 'agent', action: 'deny', cidr: '192.0.2.0/24' },
        { target: 'ui', action: 'allow', cidr: '2001:db8:1::/48' },
        { target: 'ui', action: 'allow', cidr: '127.0.0.1' },
      ]);
      assert.equal(saved.status, 200);
      const view = IpRulesViewSchema.parse(saved.body);
      assert.equal(view.rules.length, 4);
      assert.equal(view.rules.find((r) => r.cidr === '203.0.113.0/24')?.note, 'office guest wifi');

      const denied = await call('GET', '/api/auth/status', '', undefined, '203.0.113.9');
      assert.equal(denied.status, 403);
      assert.match(message(denied), /your address is not allowed here/);
      // With a managed allow list for people, an address outside it is refused as well …
      assert.equal((await call('GET', '/api/auth/status', '', undefined, '10.1.1.1')).status, 403);
      assert.equal((await call('GET', '/api/auth/status', '', undefined, '2001:db8:1::5')).status, 200);
      // … but managed rules never widen the environment's: 198.51.100.0/24 stays denied.
      assert.equal((await call('GET', '/api/auth/status', '', undefined, '198.51.100.7')).status, 403);
      assert.equal(
        (await call('GET', '/healthz', '', undefined, '203.0.113.9')).status,
        200,
        'health stays open',
      );

      const enroll = await call('POST', ENROLL_PATH, '', {}, '192.0.2.10');
      assert.equal(enroll.status, 403, 'enrollment from a denied agent range');
      // A real connection through the (trusted) loopback proxy, from a denied agent address.
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${hub.url.replace(/^http/, 'ws')}${CONNECT_PATH}`, {
          headers: { 'x-forwarded-for': '192.0.2.10' },
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => {});
      });
      assert.equal(status, 403, 'agent connection from a denied range');
      const stillAllowed = await call('POST', ENROLL_PATH, '', {}, '127.0.0.1');
      assert.equal(
        stillAllowed.status,
        400,
        'other agents still reach enrollment (and fail on the empty body)',
      );

      const audit = await call('GET', '/api/audit-log?action=security.ip_rules', admin);
      const entries = (audit.body as { items: { outcome: string; message: string | null }[] }).items;
      assert.ok(
        entries.some(
          (e) => e.outcome === 'ok' && /^added: .*ui deny 203\.0\.113\.0\/24/.test(e.message ?? ''),
        ),
        'the change is in the audit log',
      );
      assert.ok(
        entries.some((e) => e.outcome === 'refused' && e.message?.includes('127.0.0.1')),
        'the refused lock-out is in the audit log',
      );
      assert.equal((await put([])).status, 200);
      assert.equal((await call('GET', '/api/auth/status', '', undefined, '203.0.113.9')).status, 200);
    });

    it('picks up rules another replica wrote within the refresh interval', async () => {
      await hub.deps.db.insert(ipRules).values({ target: 'ui', action: 'deny', cidr: '203.0.113.0/24' });
      await waitFor(
        async () => (await call('GET', '/api/auth/status', '', undefined, '203.0.113.9')).status === 403,
        IP_RULES_REFRESH_MS + 3_000,
      );
      await put([]);
    });
  });
