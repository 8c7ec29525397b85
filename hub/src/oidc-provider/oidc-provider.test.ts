/**
 * Unity as an OpenID Connect provider, against the certified relying-party library
 * openid-client on one in-process hub per database (PGlite, PostgreSQL): the client admin API
 * and its permissions, discovery, authorization code + PKCE for a signed-in Unity user (the
 * browser played by fetch with a cookie jar), the ID token checked against Unity's JWKS,
 * userinfo, refresh, RP-initiated logout, a denied consent, refused redirect URIs and requests
 * without PKCE, the way through Unity's sign-in page, and key rotation.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type OidcClientCreated, OidcClientCreatedSchema, OidcClientListSchema } from '@unity/shared';
import { eq } from 'drizzle-orm';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { createGroup } from '../auth/groups-store.js';
import { createUser } from '../auth/users.js';
import { auditLog, oidcClients, oidcKeys, users } from '../db/schema.js';
import { SecretBox } from '../notify/secrets.js';
import { backends } from '../testing/databases.js';
import { login, startTestHub, type TestHub } from '../testing/hub.js';
import { hasExpiredRetiredKey, loadSigningKeys, RETIRED_KEY_KEEP_MS } from './keys.js';

const ALICE = { username: 'alice', password: 'alice has a long password' };
const CALLBACK = 'http://127.0.0.1:9/callback';
const LOGGED_OUT = 'http://127.0.0.1:9/logged-out';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A user agent: cookies by name and path, redirects followed by hand. */
class Agent {
  readonly cookies = new Map<string, { value: string; path: string }>();

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookie = [...this.cookies]
      .filter(([, c]) => target.pathname.startsWith(c.path))
      .map(([key, c]) => `${key.split('\n')[0]}=${c.value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) || '/';
      const key = `${name}\n${path}`;
      const gone =
        value === '' || attrs.some((a) => /^max-age=0$/i.test(a) || /^expires=Thu, 01 Jan 1970/i.test(a));
      if (gone) this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
    return res;
  }

  /** Follows redirects until a page answers or the next hop leaves the hub (the relying party). */
  async follow(
    url: string | URL,
    hub: string,
    init: RequestInit = {},
  ): Promise<{ res?: Response; url: URL }> {
    let at = new URL(url);
    let res = await this.fetch(at, init);
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
      at = new URL(res.headers.get('location') ?? '', at);
      if (at.origin !== hub) return { url: at };
      res = await this.fetch(at);
    }
    return { res, url: at };
  }
}

for (const backend of backends) {
  describe(`Unity as an OIDC provider on ${backend.name}`, () => {
    let hub: TestHub;
    let issuer: URL;
    let adminCookie: string;
    let aliceId: string;
    let confidential: OidcClientCreated;
    let publicClient: OidcClientCreated;

    const api = (path: string, init: RequestInit & { cookie?: string } = {}) =>
      fetch(`${hub.url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(init.cookie ? { cookie: init.cookie } : {}) },
      });

    const rp = async (c: OidcClientCreated) => {
      const config = await client.discovery(
        issuer,
        c.id,
        { client_name: c.name },
        c.secret ? client.ClientSecretBasic(c.secret) : client.None(),
        { execute: [client.allowInsecureRequests] },
      );
      // Verify the ID token's signature against Unity's JWKS on every grant.
      client.enableNonRepudiationChecks(config);
      return config;
    };

    /** A signed-in Unity user's browser. */
    const aliceBrowser = async () => {
      const agent = new Agent();
      const cookie = await login(hub, ALICE.username, ALICE.password);
      const [name = '', value = ''] = cookie.split('=');
      agent.cookies.set(`${name}\n/`, { value, path: '/' });
      return agent;
    };

    const authorize = async (config: client.Configuration, extra: Record<string, string> = {}) => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: CALLBACK,
        scope: 'openid profile email groups offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        prompt: 'consent',
        ...extra,
      });
      return { url, verifier, state };
    };

    /** Runs the browser through sign-in and consent (allow or deny) to the relying party's callback. */
    const consent = async (agent: Agent, url: URL, decision: 'confirm' | 'abort') => {
      const page = await agent.follow(url, hub.url);
      assert.equal(page.res?.status, 200, `consent page expected at ${page.url}`);
      const html = await page.res.text();
      const action = /action="(\/oidc\/interaction\/[^"]+\/confirm)"/.exec(html)?.[1];
      assert.ok(action, 'the consent page has an Allow form');
      const done = await agent.follow(new URL(action.replace(/confirm$/, decision), hub.url), hub.url, {
        method: 'POST',
        headers: { origin: hub.url, 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      assert.equal(done.res, undefined, 'the browser ends at the relying party');
      return { html, callback: done.url };
    };

    before(async () => {
      const port = await freePort();
      hub = await startTestHub({
        database: await backend.open(),
        env: { PORT: String(port), UNITY_PUBLIC_URL: `http://127.0.0.1:${port}` },
      });
      issuer = new URL(`http://127.0.0.1:${port}`);
      adminCookie = await login(hub);
      const alice = await createUser(hub.deps.db, { ...ALICE, role: 'viewer' });
      aliceId = alice.id;
      await hub.deps.db
        .update(users)
        .set({ displayName: 'Alice Liddell', email: 'alice@example.test' })
        .where(eq(users.id, aliceId));
      await createGroup(hub.deps.db, { name: 'ops', description: '', memberIds: [aliceId] });
      await createUser(hub.deps.db, { username: 'ed', password: 'editor long password', role: 'editor' });
    });
    after(() => hub.close());

    it('lets only admins register clients, shows a secret once and audits the change', async () => {
      const input = {
        name: 'Grafana',
        kind: 'confidential',
        redirectUris: [CALLBACK],
        postLogoutRedirectUris: [LOGGED_OUT],
        scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
      };
      assert.equal(
        (await api('/api/oidc-clients', { method: 'POST', body: JSON.stringify(input) })).status,
        401,
      );
      assert.equal((await api('/api/oidc-clients')).status, 401);
      for (const who of [ALICE, { username: 'ed', password: 'editor long password' }]) {
        const cookie = await login(hub, who.username, who.password);
        const refused = await api('/api/oidc-clients', {
          method: 'POST',
          body: JSON.stringify(input),
          cookie,
        });
        assert.equal(refused.status, 403, `${who.username} may not register clients`);
        assert.equal((await api('/api/oidc-clients', { cookie })).status, 403);
        assert.equal((await api('/api/oidc-keys/rotate', { method: 'POST', cookie })).status, 403);
      }
      const bad = await api('/api/oidc-clients', {
        method: 'POST',
        cookie: adminCookie,
        body: JSON.stringify({ ...input, redirectUris: ['javascript:alert(1)'] }),
      });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: { message: string } }).error.message, /redirectUris/);

      const created = await api('/api/oidc-clients', {
        method: 'POST',
        cookie: adminCookie,
        body: JSON.stringify(input),
      });
      assert.equal(created.status, 201);
      confidential = OidcClientCreatedSchema.parse(await created.json());
      assert.ok(confidential.secret && confidential.secret.length >= 40, 'a long random secret');
      const pub = await api('/api/oidc-clients', {
        method: 'POST',
        cookie: adminCookie,
        body: JSON.stringify({
          ...input,
          name: 'Dashboard SPA',
          kind: 'public',
          scopes: ['openid', 'profile'],
        }),
      });
      publicClient = OidcClientCreatedSchema.parse(await pub.json());
      assert.equal(publicClient.secret, null);

      const listed = await (await api('/api/oidc-clients', { cookie: adminCookie })).text();
      assert.ok(!listed.includes(confidential.secret ?? '?'), 'the secret is never returned again');
      assert.equal(OidcClientListSchema.parse(JSON.parse(listed)).items.length, 2);
      const [row] = await hub.deps.db.select().from(oidcClients).where(eq(oidcClients.id, confidential.id));
      assert.ok(row?.secretSealed && !row.secretSealed.includes(confidential.secret ?? '?'), 'stored sealed');

      const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.objectType, 'oidc-clients'));
      assert.ok(
        audit.some((a) => a.action === 'config.oidc-clients.create' && a.objectId === confidential.id),
      );
      assert.ok(audit.some((a) => a.action === 'config.oidc-clients.create' && a.outcome === 'forbidden'));
    });

    it('publishes discovery with the public URL as issuer, S256 PKCE and the JWKS', async () => {
      const res = await fetch(`${hub.url}/.well-known/openid-configuration`);
      assert.equal(res.status, 200);
      const doc = (await res.json()) as Record<string, unknown>;
      assert.equal(doc.issuer, issuer.origin);
      assert.equal(doc.authorization_endpoint, `${issuer.origin}/oidc/auth`);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(doc.response_types_supported, ['code']);
      assert.ok((doc.scopes_supported as string[]).includes('groups'));
      assert.ok(doc.end_session_endpoint);
      const jwks = (await (await fetch(String(doc.jwks_uri))).json()) as { keys: Record<string, unknown>[] };
      assert.equal(jwks.keys.length, 1);
      assert.equal(jwks.keys[0]?.d, undefined, 'no private parts published');
      const config = await rp(confidential);
      assert.equal(config.serverMetadata().issuer, issuer.origin);
    });

    let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

    it('signs a Unity user in with code + PKCE: ID token, userinfo and refresh', async () => {
      const config = await rp(confidential);
      const agent = await aliceBrowser();
      const { url, verifier, state } = await authorize(config);
      const { html, callback } = await consent(agent, url, 'confirm');
      assert.match(html, /Allow Grafana to use your Unity account/);
      assert.match(html, /data-scope="groups"/);
      assert.equal(callback.origin + callback.pathname, CALLBACK);

      tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      const claims = tokens.claims();
      assert.equal(claims?.sub, aliceId);
      assert.equal(claims?.iss, issuer.origin);
      assert.equal(claims?.preferred_username, 'alice');
      assert.equal(claims?.name, 'Alice Liddell');
      assert.deepEqual(claims?.groups, ['ops', 'viewer']);
      assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');

      const info = await client.fetchUserInfo(config, tokens.access_token, aliceId);
      assert.equal(info.email, 'alice@example.test');
      assert.equal(info.email_verified, false);
      assert.equal(info.preferred_username, 'alice');

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
      assert.equal(refreshed.claims()?.sub, aliceId);
      assert.notEqual(refreshed.access_token, tokens.access_token);

      // A code used twice is refused, and everything issued from it is revoked (RFC 6749 §4.1.2).
      await assert.rejects(
        client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
      );
      await assert.rejects(
        client.refreshTokenGrant(config, refreshed.refresh_token ?? tokens.refresh_token ?? ''),
      );
    });

    it('keeps verifying tokens signed with a key rotated out', async () => {
      const config = await rp(confidential);
      const flow = await authorize(config);
      const { callback } = await consent(await aliceBrowser(), flow.url, 'confirm');
      tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
      });
      const oldIdToken = tokens.id_token ?? '';
      const oldKid = decodeProtectedHeader(oldIdToken).kid;
      const rotated = await api('/api/oidc-keys/rotate', { method: 'POST', cookie: adminCookie });
      assert.equal(rotated.status, 200);
      const jwks = (await (await fetch(`${issuer.origin}/oidc/jwks`)).json()) as { keys: { kid: string }[] };
      assert.equal(jwks.keys.length, 2, 'the new key and the retired one');
      const verified = await jwtVerify(oldIdToken, createLocalJWKSet(jwks), {
        issuer: issuer.origin,
        audience: confidential.id,
        currentDate: new Date(),
      });
      assert.equal(verified.payload.sub, aliceId);

      // A relying party that has not cached the JWKS yet (openid-client refetches an unknown
      // kid only after a cool-down) verifies the new key's tokens at once.
      const after = await client.refreshTokenGrant(await rp(confidential), tokens.refresh_token ?? '');
      const newKid = decodeProtectedHeader(after.id_token ?? '').kid;
      assert.notEqual(newKid, oldKid, 'new tokens are signed with the new key');
      assert.equal(jwks.keys[0]?.kid, newKid, 'the current key is listed first');
      assert.equal(after.claims()?.sub, aliceId);
      const rows = await hub.deps.db
        .select()
        .from(oidcKeys)
        .where(eq(oidcKeys.kid, String(newKid)));
      assert.ok(rows[0] && !rows[0].sealed.includes('"d"'), 'the private key is stored sealed');

      // Once the retired key's tokens have all expired, it is no longer published.
      const later = Date.now() + RETIRED_KEY_KEEP_MS + 60_000;
      assert.equal(await hasExpiredRetiredKey(hub.deps.db, Date.now()), false);
      assert.equal(await hasExpiredRetiredKey(hub.deps.db, later), true);
      const box = SecretBox.fromPassphrase('test-secret-key-with-at-least-32-chars');
      const published = await loadSigningKeys(hub.deps.db, box, later);
      assert.deepEqual(
        published.map((k) => k.kid),
        [newKid],
      );
    });

    it('reuses the sign-in only while the Unity session lasts; end_session signs out of Unity', async () => {
      const config = await rp(confidential);
      const agent = await aliceBrowser();
      const { url, verifier } = await authorize(config);
      const { callback } = await consent(agent, url, 'confirm');
      const mine = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: client.skipStateCheck,
      });

      // Signed in and consented: a silent request gets a code at once.
      const silent = await authorize(config, { prompt: 'none' });
      assert.ok((await agent.follow(silent.url, hub.url)).url.searchParams.get('code'));

      // The same browser signed in to Unity as someone else: the provider's session is not reused.
      const adminAgent = new Agent();
      for (const [key, c] of agent.cookies)
        if (!key.startsWith('unity_session')) adminAgent.cookies.set(key, c);
      const [, adminValue = ''] = adminCookie.split('=');
      adminAgent.cookies.set('unity_session\n/', { value: adminValue, path: '/' });
      const asAdmin = await adminAgent.follow((await authorize(config, { prompt: 'none' })).url, hub.url);
      assert.equal(asAdmin.url.searchParams.get('error'), 'login_required');

      const logout = client.buildEndSessionUrl(config, {
        id_token_hint: mine.id_token ?? '',
        post_logout_redirect_uri: LOGGED_OUT,
        state: 'bye',
      });
      const oldSession = [...agent.cookies].find(([k]) => k.startsWith('unity_session'))?.[1].value;
      const confirm = await agent.follow(logout, hub.url);
      assert.equal(confirm.res?.status, 200);
      const form = await confirm.res.text();
      assert.match(form, /Sign out of Unity/);
      const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
      assert.ok(action && xsrf, 'a confirmation form');
      const done = await agent.follow(new URL(action, hub.url), hub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
      });
      assert.equal(`${done.url.origin}${done.url.pathname}`, LOGGED_OUT);
      assert.equal(done.url.searchParams.get('state'), 'bye');
      assert.equal(
        [...agent.cookies.keys()].some((k) => k.startsWith('unity_session')),
        false,
        'cookie cleared',
      );

      // Signed out of Unity as well: a silent sign-in is refused, and the old session is dead.
      const after = await agent.follow((await authorize(config, { prompt: 'none' })).url, hub.url);
      assert.equal(after.url.searchParams.get('error'), 'login_required');
      const me = () => api('/api/auth/me', { cookie: `unity_session=${oldSession}` }).then((r) => r.status);
      for (let i = 0; i < 100 && (await me()) !== 401; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await me(), 401, 'the Unity session ended');
      const signOuts = await hub.deps.db.select().from(auditLog).where(eq(auditLog.action, 'auth.signout'));
      assert.ok(signOuts.some((a) => a.objectId === aliceId && /end_session/.test(a.message ?? '')));
    });

    it('sends a user who is not signed in through Unity’s sign-in page and back', async () => {
      const config = await rp(publicClient);
      const agent = new Agent();
      const { url, verifier, state } = await authorize(config, { scope: 'openid profile' });
      const toLogin = await agent.follow(url, hub.url);
      // The interaction page redirects to the sign-in page, which the UI serves.
      assert.match(toLogin.url.pathname + toLogin.url.search, /^\/login\?next=%2Foidc%2Finteraction%2F/);
      const next = toLogin.url.searchParams.get('next') ?? '';
      const signIn = await agent.fetch(`${hub.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ALICE),
      });
      assert.equal(signIn.status, 200);
      const { html, callback } = await consent(agent, new URL(next, hub.url), 'confirm');
      assert.match(html, /Dashboard SPA/);
      assert.doesNotMatch(html, /data-scope="email"/, 'only scopes the client may have are listed');
      const got = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      assert.equal(got.claims()?.sub, aliceId);
      assert.equal(got.refresh_token, undefined, 'no offline_access for this client');
    });

    it('tells the relying party when the user denies access', async () => {
      const config = await rp(confidential);
      const agent = await aliceBrowser();
      const { url, state } = await authorize(config);
      const { callback } = await consent(agent, url, 'abort');
      assert.equal(callback.searchParams.get('error'), 'access_denied');
      assert.equal(callback.searchParams.get('state'), state);
      await assert.rejects(
        client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: 'x'.repeat(43),
          expectedState: state,
        }),
        (error: Error) => /access_denied/.test(`${error.message} ${(error as { error?: string }).error}`),
      );
    });

    it('refuses an unregistered redirect URI, a request without PKCE and a forged consent', async () => {
      const config = await rp(confidential);
      const agent = await aliceBrowser();
      const wrong = await authorize(config, { redirect_uri: 'http://127.0.0.1:9/evil' });
      const refused = await agent.follow(wrong.url, hub.url);
      assert.equal(refused.res?.status, 400, 'an error page, no redirect to the unregistered URI');
      assert.match((await refused.res?.text()) ?? '', /redirect_uri/);

      const noPkce = new URL(wrong.url);
      noPkce.searchParams.set('redirect_uri', CALLBACK);
      noPkce.searchParams.delete('code_challenge');
      noPkce.searchParams.delete('code_challenge_method');
      const bounced = await agent.follow(noPkce, hub.url);
      assert.equal(bounced.url.searchParams.get('error'), 'invalid_request');
      assert.match(bounced.url.searchParams.get('error_description') ?? '', /PKCE/);

      // Another browser (without the interaction cookie) cannot complete someone's consent.
      const { url } = await authorize(config);
      const page = await agent.follow(url, hub.url);
      const uid = /\/oidc\/interaction\/([^/]+)\/confirm/.exec((await page.res?.text()) ?? '')?.[1];
      const stranger = await aliceBrowser();
      const forged = await stranger.fetch(`${hub.url}/oidc/interaction/${uid}/confirm`, { method: 'POST' });
      assert.equal(forged.status, 400);
      const crossSite = await agent.fetch(`${hub.url}/oidc/interaction/${uid}/confirm`, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      assert.equal(crossSite.status, 403);
    });

    it("takes a confidential client's secret in the request body too (client_secret_post)", async () => {
      // openid-client's default, like many apps': the same client works either way.
      const config = await client.discovery(
        issuer,
        confidential.id,
        {},
        client.ClientSecretPost(confidential.secret ?? ''),
        { execute: [client.allowInsecureRequests] },
      );
      const { url, verifier, state } = await authorize(config, { scope: 'openid groups' });
      const { callback } = await consent(await aliceBrowser(), url, 'confirm');
      const got = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      assert.deepEqual(got.claims()?.groups, ['ops', 'viewer']);
      const wrong = await client.discovery(
        issuer,
        confidential.id,
        {},
        client.ClientSecretPost('not-the-secret'),
        {
          execute: [client.allowInsecureRequests],
        },
      );
      const again = await authorize(wrong, { scope: 'openid' });
      const { callback: code } = await consent(await aliceBrowser(), again.url, 'confirm');
      await assert.rejects(
        client.authorizationCodeGrant(wrong, code, {
          pkceCodeVerifier: again.verifier,
          expectedState: again.state,
        }),
        (error: { error?: string }) => error.error === 'invalid_client',
      );
    });

    it('lets admins edit and delete clients; a deleted client can no longer sign in', async () => {
      const put = await api(`/api/oidc-clients/${publicClient.id}`, {
        method: 'PUT',
        cookie: adminCookie,
        body: JSON.stringify({ name: 'Renamed', redirectUris: [CALLBACK], scopes: ['profile'] }),
      });
      assert.equal(put.status, 200);
      assert.deepEqual(((await put.json()) as { scopes: string[] }).scopes, ['openid', 'profile']);
      assert.equal(
        (await api(`/api/oidc-clients/${publicClient.id}`, { method: 'DELETE', cookie: adminCookie })).status,
        204,
      );
      assert.equal(
        (await api(`/api/oidc-clients/${publicClient.id}`, { method: 'DELETE', cookie: adminCookie })).status,
        404,
      );
      const config = await rp(publicClient);
      const { url } = await authorize(config, { scope: 'openid' });
      const res = await new Agent().fetch(url);
      assert.equal(res.status, 400);
      assert.match(await res.text(), /client is invalid|invalid_client/);
      const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.objectId, publicClient.id));
      assert.deepEqual(
        audit
          .map((a) => a.action)
          .filter((a) => a.startsWith('config.'))
          .sort(),
        ['config.oidc-clients.create', 'config.oidc-clients.delete', 'config.oidc-clients.update'],
      );
    });
  });
}
