import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONNECT_PATH, ENROLL_PATH, LIVE_PATH, MeSchema, SessionListSchema } from '@unity/shared';
import WebSocket from 'ws';
import { ADMIN, login, startTestHub, type TestHub } from '../testing/hub.js';

const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
const loginBody = (extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...extra },
  body: JSON.stringify(ADMIN),
});

describe('client address behind trusted proxies', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ env: { UNITY_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8' } });
  });
  after(() => hub.close());

  const sessionIp = async (peer: string, forwardedFor?: string) => {
    const res = await hub.app.request(
      '/api/auth/login',
      loginBody(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      from(peer),
    );
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const list = await hub.app.request('/api/sessions', { headers: { cookie } }, from(peer));
    return SessionListSchema.parse(await list.json()).items.find((s) => s.current)?.ip;
  };

  it('uses the socket address when there is no trusted proxy in front', async () => {
    assert.equal(await sessionIp('198.51.100.1', '1.2.3.4'), '198.51.100.1');
    assert.equal(await sessionIp('::ffff:198.51.100.2'), '198.51.100.2');
  });

  it('takes the first untrusted address from the right of X-Forwarded-For from a trusted proxy', async () => {
    assert.equal(await sessionIp('10.1.1.1', '6.6.6.6, 203.0.113.9'), '203.0.113.9');
    assert.equal(await sessionIp('10.1.1.1', '203.0.113.10, 10.2.2.2'), '203.0.113.10');
    assert.equal(await sessionIp('fd00::1', '2001:db8::5'), '2001:db8::5');
    assert.equal(await sessionIp('10.1.1.1'), '10.1.1.1');
  });

  it('sends HSTS only over TLS as a trusted proxy reports it', async () => {
    const proto = { 'x-forwarded-proto': 'https' };
    const trusted = await hub.app.request('/api/auth/status', { headers: proto }, from('10.0.0.9'));
    assert.match(trusted.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
    const spoofed = await hub.app.request('/api/auth/status', { headers: proto }, from('198.51.100.1'));
    assert.equal(spoofed.headers.get('strict-transport-security'), null);
    const plain = await fetch(`${hub.url}/api/auth/status`);
    assert.equal(plain.headers.get('strict-transport-security'), null);
    assert.match(plain.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.doesNotMatch(plain.headers.get('content-security-policy') ?? '', /unsafe-inline/);
  });
});

describe('IP rules', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({
      env: { UNITY_UI_DENY: '203.0.113.0/24', UNITY_AGENT_ALLOW: '192.0.2.0/24, 127.0.0.1' },
    });
  });
  after(() => hub.close());

  const enroll = (ip: string) =>
    hub.app.request(
      ENROLL_PATH,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      from(ip),
    );

  it('refuses denied addresses on the UI and API, and only there', async () => {
    assert.equal((await hub.app.request('/api/auth/status', {}, from('203.0.113.4'))).status, 403);
    assert.equal((await hub.app.request('/', {}, from('203.0.113.4'))).status, 403);
    assert.equal((await hub.app.request('/api/auth/status', {}, from('198.51.100.1'))).status, 200);
    assert.equal((await hub.app.request('/healthz', {}, from('203.0.113.4'))).status, 200);
    assert.equal((await enroll('192.0.2.7')).status, 400, 'agent rules allow it (the body is bad)');
  });

  it('lets only the allowed addresses enroll agents', async () => {
    const res = await enroll('198.51.100.1');
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'forbidden');
  });

  it('refuses an agent connection from an address outside the agent allow list on a real socket', async () => {
    const strict = await startTestHub({ env: { UNITY_AGENT_ALLOW: '192.0.2.0/24' } });
    try {
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${strict.url.replace(/^http/, 'ws')}${CONNECT_PATH}`);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => {});
      });
      assert.equal(status, 403);
      assert.equal((await fetch(`${strict.url}/api/auth/status`)).status, 200, 'the UI rules are separate');
    } finally {
      await strict.close();
    }
  });
});

describe('header auth', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({
      env: {
        UNITY_HEADER_AUTH: 'true',
        UNITY_TRUSTED_PROXIES: '10.0.0.1',
        UNITY_HEADER_AUTH_ADMIN_GROUPS: 'unity-admins',
        UNITY_HEADER_AUTH_VIEWER_GROUPS: 'staff',
      },
    });
  });
  after(() => hub.close());

  const me = (ip: string, headers: Record<string, string>) =>
    hub.app.request('/api/auth/me', { headers }, from(ip));

  it('ignores a spoofed Remote-User from an untrusted address', async () => {
    const res = await me('198.51.100.1', { 'remote-user': 'admin', 'remote-groups': 'unity-admins' });
    assert.equal(res.status, 401);
  });

  it('ignores Remote-User on a real socket when no proxy is trusted (the default)', async () => {
    const open = await startTestHub({ env: { UNITY_HEADER_AUTH: 'true' } });
    try {
      const res = await fetch(`${open.url}/api/hosts`, { headers: { 'remote-user': 'admin' } });
      assert.equal(res.status, 401);
    } finally {
      await open.close();
    }
  });

  it('opens the live feed for a proxy-authenticated user on a real socket, and not for a spoofer', async () => {
    const proxied = await startTestHub({
      env: { UNITY_HEADER_AUTH: 'true', UNITY_TRUSTED_PROXIES: '127.0.0.1' },
    });
    const spoofed = await startTestHub({ env: { UNITY_HEADER_AUTH: 'true' } });
    const open = (hub: TestHub) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${hub.url.replace(/^http/, 'ws')}${LIVE_PATH}`, {
          headers: { 'remote-user': 'erin' },
        });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => {});
      });
    try {
      assert.equal(await open(proxied), 101);
      assert.equal(await open(spoofed), 401);
    } finally {
      await proxied.close();
      await spoofed.close();
    }
  });

  it('signs in and provisions the user a trusted proxy names, with the role its groups map to', async () => {
    const res = await me('10.0.0.1', {
      'remote-user': 'dave',
      'remote-groups': 'staff, unity-admins',
      'remote-email': 'dave@example.test',
    });
    assert.equal(res.status, 200);
    const dave = MeSchema.parse(await res.json());
    assert.deepEqual([dave.username, dave.role], ['dave', 'admin']);
    const again = MeSchema.parse(
      await (await me('10.0.0.1', { 'remote-user': 'dave', 'remote-groups': 'staff' })).json(),
    );
    assert.deepEqual([again.id, again.role], [dave.id, 'viewer'], 'same account, role follows the groups');
    const none = await me('10.0.0.1', { 'remote-user': 'dave', 'remote-groups': 'guests' });
    assert.equal(none.status, 403);
    const cookie = await login(hub);
    const audit = await hub.app.request('/api/audit-log?action=user.provision', { headers: { cookie } });
    const items = ((await audit.json()) as { items: { objectName: string; message: string }[] }).items;
    assert.equal(items.length, 1);
    assert.match(items[0]?.message ?? '', /dave@example\.test/);
  });
});

describe('CSRF', () => {
  let hub: TestHub;
  let cookie: string;
  before(async () => {
    hub = await startTestHub();
    cookie = await login(hub);
  });
  after(() => hub.close());

  const post = (headers: Record<string, string>) =>
    fetch(`${hub.url}/api/enrollment-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, ...headers },
      body: '{}',
    });

  it('refuses cookie-authenticated changes a browser marks cross-site', async () => {
    const cases: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of cases) {
      const res = await post(headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /cross-site/);
    }
  });

  it('lets same-origin pages and non-browser clients through', async () => {
    const host = new URL(hub.url).host;
    assert.equal((await post({ 'sec-fetch-site': 'same-origin', origin: hub.url })).status, 201);
    assert.equal((await post({ origin: `http://${host}` })).status, 201);
    assert.equal((await post({ origin: 'http://hub.test:8080' })).status, 201, 'the public URL');
    assert.equal((await post({})).status, 201);
  });
});
