/**
 * The route table: every registered `/api`, `/badge`, `/push` and `/status` route of the real app, called anonymously, by a
 * signed-in user holding nothing, and by each built-in role. The expected table below is written
 * out by hand, independent of auth/permissions.ts, so it pins what each built-in role may do;
 * a new route fails this test until it is added here, and a route without any permission check
 * fails the "holds nothing" pass. An API key with every permission is accepted as a Bearer token
 * on every route except those that change the account itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestHub, type TestHub } from '../testing/hub.js';
import { resolveAccess } from './access.js';
import { createApiKey } from './api-keys.js';
import { ALL_PERMISSIONS } from './permissions.js';
import { createUser, type Role } from './users.js';

/**
 * Who may call a route: anyone, an enrolled agent with its own connect token (never a user's
 * session or API key), anyone signed in, or at least this built-in role.
 */
type Need = 'public' | 'agent' | 'signed-in' | 'viewer' | 'editor' | 'admin';

const EXPECTED: Record<string, Need> = {
  'GET /api/auth/status': 'public',
  'GET /api/auth/password-policy': 'public',
  'POST /api/auth/setup': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/invites/accept': 'public',
  'POST /api/agents/enroll': 'public',
  'GET /api/agents/connect': 'public',
  // Speed test endpoints (speedtests/agent-endpoints.ts): the agent's connect token, checked by the route.
  'GET /api/agents/speed-test/ping': 'agent',
  'GET /api/agents/speed-test/download': 'agent',
  'POST /api/agents/speed-test/upload': 'agent',

  'POST /api/auth/logout': 'signed-in',
  'GET /api/auth/me': 'signed-in',
  'GET /api/me': 'signed-in',
  'PATCH /api/me': 'signed-in',
  'POST /api/me/password-check': 'signed-in',
  'PUT /api/me/password': 'signed-in',
  'GET /api/api-keys': 'signed-in',
  'POST /api/api-keys': 'signed-in',
  'DELETE /api/api-keys/:id': 'signed-in',
  'GET /api/status': 'signed-in',
  'GET /api/live': 'signed-in',

  'GET /api/users': 'admin',
  'POST /api/users': 'admin',
  'GET /api/users/:id': 'admin',
  'PATCH /api/users/:id': 'admin',
  'DELETE /api/users/:id': 'admin',
  'POST /api/invites': 'admin',
  'GET /api/roles': 'admin',
  'POST /api/roles': 'admin',
  'PUT /api/roles/:id': 'admin',
  'DELETE /api/roles/:id': 'admin',
  'GET /api/groups': 'admin',
  'GET /api/groups/:id': 'admin',
  'POST /api/groups': 'admin',
  'PUT /api/groups/:id': 'admin',
  'DELETE /api/groups/:id': 'admin',
  'GET /api/role-bindings': 'admin',
  'POST /api/role-bindings': 'admin',
  'DELETE /api/role-bindings/:id': 'admin',
  'POST /api/enrollment-tokens': 'admin',
  'PUT /api/hosts/:id/labels': 'admin',
  'GET /api/audit': 'admin',
  'POST /api/channels': 'admin',
  'PUT /api/channels/:id': 'admin',
  'DELETE /api/channels/:id': 'admin',
  'POST /api/channels/:id/test': 'admin',
  'POST /api/contact-points': 'admin',
  'PUT /api/contact-points/:id': 'admin',
  'DELETE /api/contact-points/:id': 'admin',

  'POST /api/containers/:id/actions/:action': 'editor',
  'POST /api/containers/:id/scan': 'editor',
  'PUT /api/containers/:id/logs/ship': 'editor',
  'PUT /api/notification-policy': 'editor',
  'POST /api/silences': 'editor',
  'DELETE /api/silences/:id': 'editor',
  'POST /api/time-intervals': 'editor',
  'PUT /api/time-intervals/:name': 'editor',
  'DELETE /api/time-intervals/:name': 'editor',
  'POST /api/inhibition-rules': 'editor',
  'PUT /api/inhibition-rules/:id': 'editor',
  'DELETE /api/inhibition-rules/:id': 'editor',
  'POST /api/escalation-chains': 'editor',
  'PUT /api/escalation-chains/:id': 'editor',
  'DELETE /api/escalation-chains/:id': 'editor',
  'POST /api/alerts/:fingerprint/ack': 'editor',
  'POST /api/alert-rules/preview': 'editor',
  'POST /api/alert-rules/backtest': 'editor',
  'POST /api/alert-rules': 'editor',
  'PUT /api/alert-rules/:id': 'editor',
  'DELETE /api/alert-rules/:id': 'editor',

  'GET /api/hosts': 'viewer',
  'GET /api/hosts/:id': 'viewer',
  'GET /api/hosts/:id/stats': 'viewer',
  'GET /api/hosts/:id/metrics': 'viewer',
  'GET /api/hosts/:id/events': 'viewer',
  'GET /api/containers': 'viewer',
  'GET /api/containers/:id': 'viewer',
  'GET /api/containers/:id/stats': 'viewer',
  'GET /api/containers/:id/events': 'viewer',
  'GET /api/containers/:id/health': 'viewer',
  'GET /api/containers/:id/scan': 'viewer',
  'GET /api/containers/:id/logs': 'viewer',
  'GET /api/k8s/clusters': 'viewer',
  'GET /api/k8s/:cluster/pods/:namespace/:name': 'viewer',
  'GET /api/k8s/:cluster/pods/:namespace/:name/logs': 'viewer',
  'GET /api/k8s/:cluster/:list': 'viewer',
  'GET /api/containers/:id/logs/ship': 'viewer',
  'GET /api/logs/search': 'viewer',
  'GET /api/images/scans': 'viewer',
  'GET /api/stacks': 'viewer',
  'GET /api/images': 'viewer',
  'GET /api/volumes': 'viewer',
  'GET /api/networks': 'viewer',
  'GET /api/pods': 'viewer',
  'GET /api/series': 'viewer',
  'GET /api/series/:id/points': 'viewer',
  'GET /api/notification-policy': 'viewer',
  'GET /api/silences': 'viewer',
  'GET /api/silences/:id': 'viewer',
  'GET /api/time-intervals': 'viewer',
  'GET /api/time-intervals/:name': 'viewer',
  'GET /api/inhibition-rules': 'viewer',
  'GET /api/escalation-chains': 'viewer',
  'GET /api/escalation-chains/:id': 'viewer',
  'GET /api/alert-groups': 'viewer',
  'GET /api/channels': 'viewer',
  'GET /api/channels/types': 'viewer',
  'GET /api/channels/:id': 'viewer',
  'GET /api/contact-points': 'viewer',
  'GET /api/contact-points/:id': 'viewer',
  'GET /api/notifications': 'viewer',
  'GET /api/alert-rule-templates': 'viewer',
  'GET /api/alert-rules': 'viewer',
  'GET /api/alert-rules/:id': 'viewer',
  'GET /api/alerts': 'viewer',
  'GET /api/alert-history': 'viewer',

  // Sessions and bans (session-routes.ts, ban-routes.ts), the filtered audit log.
  'GET /api/sessions': 'signed-in',
  'DELETE /api/sessions/:id': 'signed-in',
  'DELETE /api/sessions': 'signed-in',
  'GET /api/security/bans': 'admin',
  'DELETE /api/security/bans/:id': 'admin',
  'GET /api/security/ip-rules': 'admin',
  'PUT /api/security/ip-rules': 'admin',
  'GET /api/ldap/settings': 'admin',
  'PUT /api/ldap/settings': 'admin',
  'POST /api/ldap/test': 'admin',
  'POST /api/ldap/sync': 'admin',
  'GET /api/audit-log': 'admin',
  // Template previews change nothing: whoever may read channels.
  'POST /api/channels/preview': 'viewer',
  'POST /api/channels/:id/preview': 'viewer',
  'GET /api/alert-history/export': 'viewer',
  'GET /api/alert-history/stats': 'viewer',
  'GET /api/alert-history/noisiest': 'viewer',
  'GET /api/alert-history/heatmap': 'viewer',
  'GET /api/probes': 'viewer',
  'GET /api/probes/:id': 'viewer',
  'GET /api/probes/:id/results': 'viewer',
  'GET /api/probes/:id/uptime': 'viewer',
  'GET /api/hosts/:id/speed-tests': 'viewer',
  'POST /api/hosts/:id/speed-tests': 'editor',
  'PUT /api/hosts/:id/speed-tests/schedule': 'editor',
  'POST /api/probes': 'editor',
  'PATCH /api/probes/:id': 'editor',
  'DELETE /api/probes/:id': 'editor',
  // Badges (badges/): public, answering only for objects marked public; marking needs the
  // permission that changes that kind of object.
  'GET /badge/probe/:id/status.svg': 'public',
  'GET /badge/probe/:id/uptime.svg': 'public',
  'GET /badge/probe/:id/response.svg': 'public',
  'GET /badge/probe/:id/cert.svg': 'public',
  'GET /badge/container/:id/status.svg': 'public',
  'GET /badge/host/:id/status.svg': 'public',
  'PUT /api/probes/:id/public': 'editor',
  'PUT /api/containers/:id/public': 'editor',
  'PUT /api/hosts/:id/public': 'admin',
  'POST /api/probes/:id/push-token': 'editor',
  // Push probes' pings: the token in the path is the secret (HEAD goes to the GET handlers).
  'GET /push/:token': 'public',
  'POST /push/:token': 'public',
  'GET /push/:token/start': 'public',
  'POST /push/:token/start': 'public',
  'GET /push/:token/fail': 'public',
  'POST /push/:token/fail': 'public',
  'GET /push/:token/:code{[0-9]{1,3}}': 'public',
  'POST /push/:token/:code{[0-9]{1,3}}': 'public',
  // Status pages (status-pages/): managed with the probes permissions; the pages themselves
  // are public and show only published pages.
  'GET /api/status-pages': 'viewer',
  'GET /api/status-pages/:id': 'viewer',
  'POST /api/status-pages': 'editor',
  'PATCH /api/status-pages/:id': 'editor',
  'DELETE /api/status-pages/:id': 'editor',
  'POST /api/status-pages/:id/incidents': 'editor',
  'POST /api/status-pages/:id/incidents/:incidentId/updates': 'editor',
  'DELETE /api/status-pages/:id/incidents/:incidentId': 'editor',
  'POST /api/status-pages/:id/maintenance': 'editor',
  'DELETE /api/status-pages/:id/maintenance/:noticeId': 'editor',
  'GET /status/-/status.css': 'public',
  'GET /status/:slug': 'public',
  'GET /status/:slug/status.json': 'public',
  // Second factors (second-factor/): the challenge cookie from the password step is the
  // credential of the code step; enrolment is the user's own; the per-role requirement is a
  // role change.
  'POST /api/auth/second-factor': 'public',
  'GET /api/me/second-factor': 'signed-in',
  'POST /api/me/second-factor/totp': 'signed-in',
  'POST /api/me/second-factor/totp/confirm': 'signed-in',
  'POST /api/me/second-factor/backup-codes': 'signed-in',
  'POST /api/me/second-factor/disable': 'signed-in',
  'PUT /api/roles/:id/second-factor': 'admin',
  // Passkeys and mailed codes (passkeys/, email-codes/): signing in with a passkey and the
  // passkey or mailed-code step after the password are public (the assertion or the challenge
  // cookie is the credential); managing passkeys and verifying one's address are one's own.
  'POST /api/auth/passkey/options': 'public',
  'POST /api/auth/passkey': 'public',
  'POST /api/auth/second-factor/passkey/options': 'public',
  'POST /api/auth/second-factor/passkey': 'public',
  'POST /api/auth/second-factor/email': 'public',
  'GET /api/me/passkeys': 'signed-in',
  'POST /api/me/passkeys/options': 'signed-in',
  'POST /api/me/passkeys': 'signed-in',
  'PATCH /api/me/passkeys/:id': 'signed-in',
  'DELETE /api/me/passkeys/:id': 'signed-in',
  'GET /api/me/email-verification': 'signed-in',
  'POST /api/me/email-verification': 'signed-in',
  'POST /api/me/email-verification/confirm': 'signed-in',
  // Identity providers (auth/sso/): admins configure them; each user manages their own links.
  // The browser flow itself lives outside /api (/auth/sso/…, public: redirects and callbacks).
  'GET /api/sso-providers': 'admin',
  'GET /api/sso-providers/:id': 'admin',
  'POST /api/sso-providers': 'admin',
  'PUT /api/sso-providers/:id': 'admin',
  'DELETE /api/sso-providers/:id': 'admin',
  'GET /api/sso-settings': 'admin',
  'PUT /api/sso-settings': 'admin',
  'GET /api/me/sso': 'signed-in',
  'POST /api/me/sso/:provider/link': 'signed-in',
  'DELETE /api/me/sso/:id': 'signed-in',
  'GET /api/oidc-clients': 'admin',
  'POST /api/oidc-clients': 'admin',
  'PUT /api/oidc-clients/:id': 'admin',
  'DELETE /api/oidc-clients/:id': 'admin',
  'GET /api/oidc-keys': 'admin',
  'POST /api/oidc-keys/rotate': 'admin',
};

const RANK = { viewer: 0, editor: 1, admin: 2 } as const;

/** Concrete paths: container ids are 16 hex digits, series ids numbers, the rest uuids. */
function concrete(path: string): string {
  return path
    .replace(/^\/api\/containers\/:id/, '/api/containers/0123456789abcdef')
    .replace(/^\/badge\/container\/:id/, '/badge/container/0123456789abcdef')
    .replace(/^\/api\/series\/:id/, '/api/series/424242')
    .replace(':token', 'no-such-push-token-0123456789')
    .replace(':code{[0-9]{1,3}}', '3')
    .replace(':action', 'restart')
    .replace(':provider', 'no-such-provider')
    .replace(':fingerprint', 'f00d')
    .replace(':name', 'no-such-interval')
    .replace(':slug', 'no-such-page')
    .replace(':incidentId', '00000000-0000-4000-8000-00000000cafe')
    .replace(':noticeId', '00000000-0000-4000-8000-00000000f00d')
    .replace(':id', '00000000-0000-4000-8000-00000000beef');
}

describe('the route table', () => {
  let hub: TestHub;
  let routes: { method: string; path: string }[];
  const userIds = new Map<string, string>();

  before(async () => {
    hub = await startTestHub();
    const seen = new Set<string>();
    routes = hub.app.routes
      .filter(
        (r) =>
          (r.path.startsWith('/api') ||
            r.path.startsWith('/badge') ||
            r.path.startsWith('/push') ||
            r.path.startsWith('/status/')) &&
          r.method !== 'ALL',
      )
      .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
    const roles: [string, Role][] = [
      ['admin-user', 'admin'],
      ['editor-user', 'editor'],
      ['viewer-user', 'viewer'],
      ['nothing-user', null],
    ];
    for (const [username, role] of roles) {
      const user = await createUser(hub.deps.db, { username, password: 'a long test password', role });
      userIds.set(username, user.id);
    }
  });
  after(() => hub.close());

  /** A fresh session each call: logout ends the one it is given. */
  async function call(method: string, path: string, username?: string): Promise<number> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const id = username ? userIds.get(username) : undefined;
    if (id)
      headers.cookie = `unity_session=${(await hub.deps.sessions.create(id, { ip: null, device: null, remember: false })).secret}`;
    const res = await fetch(hub.url + concrete(path), {
      method,
      headers,
      ...(method === 'GET' ? {} : { body: '{}' }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  it('lists every registered /api and /push route in the expected table, and nothing more', () => {
    assert.ok(routes.length >= 100, `found only ${routes.length} routes`);
    const registered = routes.map((r) => `${r.method} ${r.path}`);
    const missing = registered.filter((k) => !(k in EXPECTED));
    assert.deepEqual(missing, [], 'routes with no entry in the table: decide who may call them');
    const stale = Object.keys(EXPECTED).filter((k) => !registered.includes(k));
    assert.deepEqual(stale, [], 'table entries for routes that no longer exist');
  });

  it('answers 401 to anonymous requests except on the public allow-list', async () => {
    const wrong: string[] = [];
    for (const { method, path } of routes) {
      const status = await call(method, path);
      const isPublic = EXPECTED[`${method} ${path}`] === 'public';
      if (isPublic ? status === 401 || status === 403 : status !== 401)
        wrong.push(`${method} ${path} → ${status}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('answers 403 to a signed-in user without permissions, except their own account', async () => {
    const wrong: string[] = [];
    for (const { method, path } of routes) {
      const need = EXPECTED[`${method} ${path}`];
      if (need === 'public') continue;
      const status = await call(method, path, 'nothing-user');
      const ok =
        need === 'agent'
          ? status === 401
          : need === 'signed-in'
            ? status !== 401 && status !== 403
            : status === 403;
      if (!ok) wrong.push(`${method} ${path} → ${status}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('accepts an API key holding every permission on every route but the account-changing ones', async () => {
    const adminId = userIds.get('admin-user') ?? '';
    const owner = await resolveAccess(hub.deps.db, adminId);
    assert.ok(owner);
    const { key } = await createApiKey(hub.deps.db, owner.user, owner.access, {
      name: 'everything',
      permissions: [...ALL_PERMISSIONS],
      expiresInDays: 1,
    });
    const refusedForKeys = new Set([
      'PATCH /api/me',
      'PUT /api/me/password',
      'POST /api/api-keys',
      'POST /api/me/second-factor/totp',
      'POST /api/me/second-factor/totp/confirm',
      'POST /api/me/second-factor/backup-codes',
      'POST /api/me/second-factor/disable',
      'POST /api/me/passkeys/options',
      'POST /api/me/passkeys',
      'PATCH /api/me/passkeys/:id',
      'DELETE /api/me/passkeys/:id',
      'POST /api/me/email-verification',
      'POST /api/me/email-verification/confirm',
      'POST /api/me/sso/:provider/link',
      'DELETE /api/me/sso/:id',
    ]);
    const wrong: string[] = [];
    for (const { method, path } of routes) {
      const need = EXPECTED[`${method} ${path}`];
      if (need === 'public') continue;
      const res = await fetch(hub.url + concrete(path), {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        ...(method === 'GET' ? {} : { body: '{}' }),
      });
      await res.arrayBuffer();
      const refused = refusedForKeys.has(`${method} ${path}`);
      // An API key is a user's credential: the agents' endpoints refuse it like no credential.
      const ok =
        need === 'agent'
          ? res.status === 401
          : refused
            ? res.status === 403
            : res.status !== 401 && res.status !== 403;
      if (!ok) wrong.push(`${method} ${path} → ${res.status}`);
    }
    assert.deepEqual(wrong, []);
  });

  for (const role of ['viewer', 'editor', 'admin'] as const) {
    it(`lets the ${role} role use exactly its routes; the others answer 403`, async () => {
      const wrong: string[] = [];
      for (const { method, path } of routes) {
        const need = EXPECTED[`${method} ${path}`];
        if (need === 'public' || need === undefined) continue;
        if (need === 'agent') {
          const status = await call(method, path, `${role}-user`);
          if (status !== 401) wrong.push(`${method} ${path} → ${status} (agents only)`);
          continue;
        }
        const allowed = need === 'signed-in' || RANK[role] >= RANK[need];
        const status = await call(method, path, `${role}-user`);
        const ok = allowed ? status !== 401 && status !== 403 : status === 403;
        if (!ok) wrong.push(`${method} ${path} → ${status} (${allowed ? 'allowed' : 'refused'})`);
      }
      assert.deepEqual(wrong, []);
    });
  }
});
