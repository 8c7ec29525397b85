/**
 * Sign-in with identity providers against real peers, on one in-process hub: `oidc-provider` (a
 * real OpenID provider, its dev login and consent pages) standing in for Authentik/Google/GitLab,
 * and a local server speaking GitHub's documented OAuth and REST endpoints.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { SsoLinks, SsoProvider, SsoSignInOptions } from '@unity/shared';
import { eq } from 'drizzle-orm';
import { parseConfig } from '../../config.js';
import { passkeys, secondFactors, users } from '../../db/schema.js';
import { SecretBox } from '../../notify/secrets.js';
import { type GithubPeer, startGithubPeer } from '../../testing/github-peer.js';
import { login, startTestHub, type TestHub } from '../../testing/hub.js';
import { type OidcPeer, startOidcPeer } from '../../testing/oidc-peer.js';
import { RedirectAgent, redirectTarget, throughProvider } from '../../testing/redirect-agent.js';
import { createUser } from '../users.js';
import { profileOf } from './oidc-client.js';
import { passwordSignInAllowed } from './password-switch.js';
import { syncEnvProviders } from './store.js';

let hub: TestHub;
let idp: OidcPeer;
let github: GithubPeer;
let admin: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

before(async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  idp = await startOidcPeer({ redirectUris: [`${origin}/auth/sso/peer/callback`] });
  github = await startGithubPeer({
    id: 4242,
    login: 'octo-cat',
    name: 'Octo Cat',
    emails: [{ email: 'octo@example.com', primary: true, verified: true }],
    orgs: ['unity-org'],
  });
  hub = await startTestHub({ env: { PORT: String(port), UNITY_PUBLIC_URL: origin } });
  admin = await login(hub);
});

after(async () => {
  await hub?.close();
  await idp?.close();
  await github?.close();
});

const api = (path: string, cookie: string, init: RequestInit = {}) =>
  fetch(`${hub.url}${path}`, {
    ...init,
    headers: { cookie, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });

const json = (body: unknown) => ({ body: JSON.stringify(body) });

const peerProvider = () => ({
  id: 'peer',
  kind: 'oidc',
  name: 'Peer IdP',
  issuer: idp.issuer,
  clientId: idp.clientId,
  clientSecret: idp.clientSecret,
  scopes: 'openid email profile groups',
  autoProvision: true,
  roleMapping: [
    { value: 'unity-admins', role: 'admin' },
    { value: 'unity-editors', role: 'editor' },
  ],
  defaultRole: 'viewer',
});

/** A browser's whole sign-in through a provider; returns where the hub sent it at the end. */
async function ssoSignIn(
  agent: RedirectAgent,
  provider: string,
  name: string,
  tamper: { authUrl?: (u: URL) => void; callback?: (u: URL) => void } = {},
): Promise<URL> {
  const start = await agent.request(`${hub.url}/auth/sso/${provider}/start?next=/containers`);
  const authUrl = redirectTarget(start, new URL(hub.url));
  tamper.authUrl?.(authUrl);
  const back = await throughProvider(agent, authUrl, name, hub.url);
  tamper.callback?.(back);
  return redirectTarget(await agent.request(back), new URL(hub.url));
}

const sessionOf = (agent: RedirectAgent) => agent.cookieHeader(hub.url);

async function meOf(agent: RedirectAgent) {
  const res = await api('/api/auth/me', sessionOf(agent));
  return res.status === 200 ? ((await res.json()) as { username: string; role: string | null }) : undefined;
}

async function updatePeer(changes: Record<string, unknown>) {
  const { id: _id, ...rest } = { ...peerProvider(), ...changes };
  const res = await api('/api/sso-providers/peer', admin, { method: 'PUT', ...json(rest) });
  assert.equal(res.status, 200, await res.clone().text());
}

describe('identity providers: admin API', () => {
  test('admins add a provider; the client secret is write-only; others are refused', async () => {
    const created = await api('/api/sso-providers', admin, { method: 'POST', ...json(peerProvider()) });
    const text = await created.text();
    assert.equal(created.status, 201, text);
    assert.ok(!text.includes(idp.clientSecret), 'the secret never comes back');
    const body = JSON.parse(text) as SsoProvider;
    assert.equal(body.hasClientSecret, true);
    assert.equal(body.redirectUri, `${hub.url}/auth/sso/peer/callback`);

    const listed = await (await api('/api/sso-providers', admin)).text();
    assert.ok(listed.includes('"peer"') && !listed.includes(idp.clientSecret));

    const bad = await api('/api/sso-providers', admin, {
      method: 'POST',
      ...json({ ...peerProvider(), id: 'x2', issuer: '' }),
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /issuer/);

    await createUser(hub.deps.db, { username: 'ed', password: 'editor password 123', role: 'editor' });
    await createUser(hub.deps.db, { username: 'vi', password: 'viewer password 123', role: 'viewer' });
    for (const cookie of [
      await login(hub, 'ed', 'editor password 123'),
      await login(hub, 'vi', 'viewer password 123'),
    ]) {
      assert.equal((await api('/api/sso-providers', cookie)).status, 403);
      assert.equal(
        (
          await api('/api/sso-providers', cookie, {
            method: 'POST',
            ...json({ ...peerProvider(), id: 'p2' }),
          })
        ).status,
        403,
      );
      assert.equal((await api('/api/sso-providers/peer', cookie, { method: 'DELETE' })).status, 403);
      assert.equal(
        (await api('/api/sso-settings', cookie, { method: 'PUT', ...json({ passwordSignIn: false }) }))
          .status,
        403,
      );
    }
    assert.equal((await api('/api/sso-providers', '')).status, 401);
    assert.equal((await api('/api/sso-settings', '')).status, 401);

    const options = (await (await fetch(`${hub.url}/auth/sso/providers`)).json()) as SsoSignInOptions;
    assert.deepEqual(options, {
      providers: [{ id: 'peer', name: 'Peer IdP', kind: 'oidc' }],
      passwordSignIn: true,
    });
  });
});

describe('identity providers: from the environment', () => {
  test('UNITY_SSO_PROVIDERS is validated at start, written to the database and read-only in the API', async () => {
    assert.throws(
      () => parseConfig({ UNITY_SSO_PROVIDERS: '[{"id":"x"}' }),
      /UNITY_SSO_PROVIDERS: must be a JSON array/,
    );
    assert.throws(
      () => parseConfig({ UNITY_SSO_PROVIDERS: '[{"id":"kc","kind":"oidc","name":"KC","clientId":"c"}]' }),
      /UNITY_SSO_PROVIDERS.*issuer/,
    );
    assert.throws(
      () => parseConfig({ UNITY_PASSWORD_SIGNIN_BREAK_GLASS: 'yes' }),
      /UNITY_PASSWORD_SIGNIN_BREAK_GLASS/,
    );
    const config = parseConfig({
      UNITY_SSO_PROVIDERS: JSON.stringify([
        {
          id: 'gitlab-env',
          kind: 'gitlab',
          name: 'GitLab',
          clientId: 'gl',
          clientSecret: 'env-secret-value',
        },
      ]),
    });
    const box = SecretBox.fromPassphrase('test-secret-key-with-at-least-32-chars');
    await syncEnvProviders(hub.deps.db, box, config.sso.envProviders);
    const shown = await (await api('/api/sso-providers/gitlab-env', admin)).text();
    assert.ok(!shown.includes('env-secret-value'));
    assert.deepEqual(
      (({ fromEnv, hasClientSecret, kind }) => ({ fromEnv, hasClientSecret, kind }))(
        JSON.parse(shown) as SsoProvider,
      ),
      { fromEnv: true, hasClientSecret: true, kind: 'gitlab' },
    );
    const edit = await api('/api/sso-providers/gitlab-env', admin, {
      method: 'PUT',
      ...json({ kind: 'gitlab', name: 'Renamed', clientId: 'gl' }),
    });
    assert.equal(edit.status, 409);
    await syncEnvProviders(hub.deps.db, box, []);
    assert.equal((await api('/api/sso-providers/gitlab-env', admin)).status, 404);
  });
});

describe('identity providers: OIDC sign-in against oidc-provider', () => {
  test('code + PKCE flow provisions the account with the role from its groups', async () => {
    idp.accounts.set('alice', { email: 'alice@example.com', groups: ['staff', 'unity-admins'] });
    const agent = new RedirectAgent();
    const landed = await ssoSignIn(agent, 'peer', 'alice');
    assert.equal(landed.pathname, '/containers');
    assert.equal(landed.search, '');
    assert.deepEqual(
      { ...(await meOf(agent)) },
      { ...(await meOf(agent)), username: 'alice', role: 'admin' },
    );
    const bob = new RedirectAgent();
    idp.accounts.set('bob', { email: 'bob@example.com', groups: ['unity-editors'] });
    await ssoSignIn(bob, 'peer', 'bob');
    assert.equal((await meOf(bob))?.role, 'editor');
    // Groups changed at the provider: the next sign-in follows.
    idp.accounts.set('bob', { email: 'bob@example.com', groups: [] });
    const bob2 = new RedirectAgent();
    await ssoSignIn(bob2, 'peer', 'bob');
    assert.equal((await meOf(bob2))?.role, 'viewer');

    const audit = (await (await api('/api/audit?limit=50', admin)).json()) as {
      items: { action: string; outcome: string; message: string | null; username: string }[];
    };
    assert.ok(
      audit.items.some(
        (e) =>
          e.action === 'auth.signin' && e.username === 'alice' && /through Peer IdP/.test(e.message ?? ''),
      ),
    );
  });

  test('a tampered state or nonce is refused and signs nobody in', async () => {
    const wrongState = new RedirectAgent();
    const landed = await ssoSignIn(wrongState, 'peer', 'alice', {
      callback: (u) => u.searchParams.set('state', 'forged-state'),
    });
    assert.equal(landed.pathname, '/login');
    assert.equal(landed.searchParams.get('sso_error'), 'state_mismatch');
    assert.equal(await meOf(wrongState), undefined);

    const wrongNonce = new RedirectAgent();
    const landed2 = await ssoSignIn(wrongNonce, 'peer', 'alice', {
      authUrl: (u) => u.searchParams.set('nonce', 'another-nonce-value'),
    });
    assert.equal(landed2.searchParams.get('sso_error'), 'nonce_mismatch');
    assert.equal(await meOf(wrongNonce), undefined);

    // A callback without the flow cookie (another browser, or replayed) is refused too.
    const replay = new RedirectAgent();
    const res = await replay.request(`${hub.url}/auth/sso/peer/callback?code=abc&state=xyz`);
    assert.equal(redirectTarget(res, new URL(hub.url)).searchParams.get('sso_error'), 'flow_expired');

    const audit = await (await api('/api/audit?limit=20', admin)).text();
    assert.match(audit, /state_mismatch/);
    assert.match(audit, /nonce_mismatch/);
  });

  test('a disallowed e-mail domain and, without auto-provisioning, an unknown account are refused', async () => {
    await updatePeer({ allowedDomains: ['corp.example'] });
    idp.accounts.set('mallory', { email: 'mallory@example.com' });
    const m = new RedirectAgent();
    assert.equal((await ssoSignIn(m, 'peer', 'mallory')).searchParams.get('sso_error'), 'domain_not_allowed');
    assert.equal(await meOf(m), undefined);
    idp.accounts.set('unverified', { email: 'u@corp.example', email_verified: false });
    assert.equal(
      (await ssoSignIn(new RedirectAgent(), 'peer', 'unverified')).searchParams.get('sso_error'),
      'email_not_verified',
    );

    await updatePeer({ autoProvision: false });
    const carol = new RedirectAgent();
    assert.equal((await ssoSignIn(carol, 'peer', 'carol')).searchParams.get('sso_error'), 'not_provisioned');
    assert.equal(await meOf(carol), undefined);
    // alice@example.com is outside corp.example now; allow it again and she, already linked, still gets in.
    await updatePeer({ autoProvision: false, allowedDomains: ['corp.example', 'example.com'] });
    const alice = new RedirectAgent();
    assert.equal((await ssoSignIn(alice, 'peer', 'alice')).pathname, '/containers');
    assert.equal((await meOf(alice))?.username, 'alice');
    await updatePeer({});
  });

  test("an account with the hub's second factor is still asked for its code, unless the IdP asserted MFA", async () => {
    const erin = new RedirectAgent();
    idp.accounts.set('erin', { email: 'erin@example.com' });
    await ssoSignIn(erin, 'peer', 'erin');
    const [row] = await hub.deps.db.select().from(users).where(eq(users.username, 'erin'));
    assert.ok(row);
    // An enrolled, confirmed TOTP (the code itself is not needed: the test stops at the challenge).
    await hub.deps.db
      .insert(secondFactors)
      .values({ userId: row.id, totpSecretSealed: 'v1:unused', confirmedAt: new Date() });
    const again = new RedirectAgent();
    const landed = await ssoSignIn(again, 'peer', 'erin');
    assert.equal(landed.pathname, '/login');
    assert.equal(landed.searchParams.get('second_factor'), '1');
    assert.equal(landed.searchParams.get('next'), '/containers');
    assert.equal(await meOf(again), undefined, 'no session before the code');
    assert.ok(again.cookie(new URL(hub.url).host, 'unity_2fa_challenge'), 'the code step is pending');
    // RFC 8176 `amr`: a password plus an OTP at the provider counts as multi-factor; a password alone does not.
    assert.equal(profileOf({ sub: 'x', amr: ['pwd', 'otp'] }).mfa, true);
    assert.equal(profileOf({ sub: 'x', amr: ['mfa'] }).mfa, true);
    assert.equal(profileOf({ sub: 'x', amr: ['pwd'] }).mfa, false);
  });

  test('a local user links a provider account, signs in with it, and unlinks it; the last way cannot be unlinked', async () => {
    await createUser(hub.deps.db, { username: 'dave', password: 'dave password 1234', role: 'editor' });
    const dave = await login(hub, 'dave', 'dave password 1234');
    const agent = new RedirectAgent();
    const started = await api('/api/me/sso/peer/link', dave, { method: 'POST' });
    assert.equal(started.status, 200);
    // The flow cookie the POST set travels with the browser to the callback.
    const flowCookie = started.headers.getSetCookie().find((c) => c.startsWith('unity_sso_flow='));
    assert.ok(flowCookie);
    agent.jar.set(
      new URL(hub.url).host,
      new Map([['unity_sso_flow', flowCookie.split(';')[0]?.split('=')[1] ?? '']]),
    );
    const { url } = (await started.json()) as { url: string };
    const back = await throughProvider(agent, new URL(url), 'dave-at-idp', hub.url);
    const landed = redirectTarget(await agent.request(back), new URL(hub.url));
    assert.equal(landed.pathname, '/account');
    assert.equal(landed.searchParams.get('sso_linked'), 'peer');

    const links = (await (await api('/api/me/sso', dave)).json()) as SsoLinks;
    assert.equal(links.identities.length, 1);
    assert.equal(links.identities[0]?.subject, 'dave-at-idp');
    assert.equal(links.hasPassword, true);

    // Signing in through the provider now opens dave's account; the role rules (no group: viewer)
    // apply only to accounts the provider created, so he stays an editor.
    const viaIdp = new RedirectAgent();
    await ssoSignIn(viaIdp, 'peer', 'dave-at-idp');
    assert.deepEqual(
      { ...(await meOf(viaIdp)) },
      { ...(await meOf(viaIdp)), username: 'dave', role: 'editor' },
    );

    // The same external account cannot be linked to someone else.
    const other = await login(hub, 'ed', 'editor password 123');
    const again = await api('/api/me/sso/peer/link', other, { method: 'POST' });
    const eAgent = new RedirectAgent();
    const fc =
      again.headers
        .getSetCookie()
        .find((c) => c.startsWith('unity_sso_flow='))
        ?.split(';')[0]
        ?.split('=')[1] ?? '';
    eAgent.jar.set(new URL(hub.url).host, new Map([['unity_sso_flow', fc]]));
    const eBack = await throughProvider(
      eAgent,
      new URL(((await again.json()) as { url: string }).url),
      'dave-at-idp',
      hub.url,
    );
    assert.equal(
      redirectTarget(await eAgent.request(eBack), new URL(hub.url)).searchParams.get('sso_error'),
      'already_linked',
    );

    const id = links.identities[0]?.id ?? '';
    assert.equal((await api(`/api/me/sso/${id}`, dave, { method: 'DELETE' })).status, 204);
    assert.equal(((await (await api('/api/me/sso', dave)).json()) as SsoLinks).identities.length, 0);

    // alice was created by the provider and has no password: her one link is her only way in.
    const alice = new RedirectAgent();
    await ssoSignIn(alice, 'peer', 'alice');
    const aliceLinks = (await (await api('/api/me/sso', sessionOf(alice))).json()) as SsoLinks;
    assert.equal(aliceLinks.hasPassword, false);
    const refused = await api(`/api/me/sso/${aliceLinks.identities[0]?.id}`, sessionOf(alice), {
      method: 'DELETE',
    });
    assert.equal(refused.status, 409);
    assert.match(await refused.text(), /last way to sign in/);
    // With a passkey (passwordless sign-in) the link is no longer her only way in.
    const [aliceRow] = await hub.deps.db.select().from(users).where(eq(users.username, 'alice'));
    await hub.deps.db.insert(passkeys).values({
      userId: aliceRow?.id ?? '',
      credentialId: 'alice-credential',
      publicKey: 'not used here',
      name: 'Phone',
    });
    const unlinked = await api(`/api/me/sso/${aliceLinks.identities[0]?.id}`, sessionOf(alice), {
      method: 'DELETE',
    });
    assert.equal(unlinked.status, 204);

    const audit = await (await api('/api/audit?limit=50', admin)).text();
    assert.match(audit, /auth\.sso\.link/);
    assert.match(audit, /auth\.sso\.unlink/);
  });

  test('password sign-in off: refused only once the admin has another way in; break-glass turns it back on', async () => {
    const refused = await api('/api/sso-settings', admin, {
      method: 'PUT',
      ...json({ passwordSignIn: false }),
    });
    assert.equal(refused.status, 409);
    // The admin links an IdP account, then may turn passwords off.
    const started = await api('/api/me/sso/peer/link', admin, { method: 'POST' });
    const agent = new RedirectAgent();
    const fc =
      started.headers
        .getSetCookie()
        .find((c) => c.startsWith('unity_sso_flow='))
        ?.split(';')[0]
        ?.split('=')[1] ?? '';
    agent.jar.set(new URL(hub.url).host, new Map([['unity_sso_flow', fc]]));
    const back = await throughProvider(
      agent,
      new URL(((await started.json()) as { url: string }).url),
      'root-at-idp',
      hub.url,
    );
    await agent.request(back);
    const off = await api('/api/sso-settings', admin, { method: 'PUT', ...json({ passwordSignIn: false }) });
    assert.equal(off.status, 200, await off.clone().text());

    const pw = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dave', password: 'dave password 1234' }),
    });
    assert.equal(pw.status, 403);
    assert.match(await pw.text(), /password sign-in is turned off/);
    const options = (await (await fetch(`${hub.url}/auth/sso/providers`)).json()) as SsoSignInOptions;
    assert.equal(options.passwordSignIn, false);
    const viaIdp = new RedirectAgent();
    await ssoSignIn(viaIdp, 'peer', 'root-at-idp');
    assert.equal((await meOf(viaIdp))?.username, 'admin');

    const breakGlass = { ...hub.deps.config, sso: { ...hub.deps.config.sso, passwordBreakGlass: true } };
    assert.equal(await passwordSignInAllowed({ db: hub.deps.db, config: breakGlass }), true);
    assert.equal(await passwordSignInAllowed(hub.deps), false);

    assert.equal(
      (await api('/api/sso-settings', admin, { method: 'PUT', ...json({ passwordSignIn: true }) })).status,
      200,
    );
    assert.equal((await login(hub, 'dave', 'dave password 1234')).startsWith('unity_session='), true);
  });
});

describe('identity providers: GitHub against a local GitHub', () => {
  test('members of an allowed organisation sign in; others are refused', async () => {
    const created = await api('/api/sso-providers', admin, {
      method: 'POST',
      ...json({
        id: 'github',
        kind: 'github',
        name: 'GitHub',
        issuer: github.baseUrl,
        clientId: github.clientId,
        clientSecret: github.clientSecret,
        autoProvision: true,
        allowedOrgs: ['unity-org'],
        roleMapping: [{ value: 'unity-org', role: 'editor' }],
      }),
    });
    assert.equal(created.status, 201);
    const octo = new RedirectAgent();
    assert.equal((await ssoSignIn(octo, 'github', '')).pathname, '/containers');
    assert.deepEqual(
      { username: (await meOf(octo))?.username, role: (await meOf(octo))?.role },
      { username: 'octo-cat', role: 'editor' },
    );

    github.signedIn = { ...github.signedIn, id: 77, login: 'outsider', orgs: ['elsewhere'] };
    const outsider = new RedirectAgent();
    assert.equal((await ssoSignIn(outsider, 'github', '')).searchParams.get('sso_error'), 'org_not_allowed');
    assert.equal(await meOf(outsider), undefined);
  });
});

describe('identity providers: another Unity hub as the provider', () => {
  test('hub B signs its user in through hub A ("Sign in with Unity"), role from A’s groups claim', async () => {
    // Hub A: Unity as the OpenID provider (oidc-provider/), its issuer its public URL.
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const hubA = await startTestHub({ env: { PORT: String(port), UNITY_PUBLIC_URL: origin } });
    try {
      await createUser(hubA.deps.db, {
        username: 'carol',
        password: 'carol has a long password',
        role: 'admin',
      });
      const adminA = await login(hubA);
      const registered = await fetch(`${origin}/api/oidc-clients`, {
        method: 'POST',
        headers: { cookie: adminA, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Hub B',
          kind: 'confidential',
          redirectUris: [`${hub.url}/auth/sso/unity-a/callback`],
          scopes: ['openid', 'profile', 'email', 'groups'],
        }),
      });
      assert.equal(registered.status, 201, await registered.clone().text());
      const client = (await registered.json()) as { id: string; secret: string };

      // Hub B (this file's hub): hub A as a generic OIDC provider, found by discovery.
      const created = await api('/api/sso-providers', admin, {
        method: 'POST',
        ...json({
          id: 'unity-a',
          kind: 'oidc',
          name: 'Unity A',
          issuer: origin,
          clientId: client.id,
          clientSecret: client.secret,
          scopes: 'openid profile email groups',
          autoProvision: true,
          roleMapping: [{ value: 'admin', role: 'editor' }],
          defaultRole: 'viewer',
        }),
      });
      assert.equal(created.status, 201, await created.clone().text());

      const browser = new RedirectAgent();
      const start = await browser.request(`${hub.url}/auth/sso/unity-a/start?next=/containers`);
      let at = redirectTarget(start, new URL(hub.url));
      assert.equal(at.origin, origin, 'B sends the browser to A');
      assert.equal(at.searchParams.get('code_challenge_method'), 'S256');
      // At A: not signed in there, so A's own sign-in page, then back to the interaction.
      for (let hop = 0; hop < 10 && at.pathname !== '/login'; hop++)
        at = redirectTarget(await browser.request(at), at);
      assert.equal(at.pathname, '/login');
      const signIn = await browser.request(`${origin}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ username: 'carol', password: 'carol has a long password' }),
      });
      assert.equal(signIn.status, 200);
      // Signed in at A: the interaction resumes and asks for consent.
      at = new URL(at.searchParams.get('next') ?? '', origin);
      let consent = await browser.request(at);
      for (let hop = 0; hop < 10 && consent.status >= 300 && consent.status < 400; hop++) {
        at = redirectTarget(consent, at);
        consent = await browser.request(at);
      }
      const page = await consent.text();
      assert.equal(consent.status, 200, `consent page expected at ${at.href}`);
      assert.match(page, /Hub B/, 'the consent page names the app');
      const action = /action="(\/oidc\/interaction\/[^"]+\/confirm)"/.exec(page)?.[1];
      assert.ok(action, 'an Allow button');
      at = redirectTarget(
        await browser.request(new URL(action, origin), { method: 'POST', headers: { origin } }),
        at,
      );
      for (let hop = 0; hop < 10 && at.origin === origin; hop++)
        at = redirectTarget(await browser.request(at), at);
      assert.equal(at.pathname, '/auth/sso/unity-a/callback', 'A answers B’s callback with a code');

      const landed = redirectTarget(await browser.request(at), new URL(hub.url));
      assert.equal(landed.pathname, '/containers');
      const me = await meOf(browser);
      assert.deepEqual({ username: me?.username, role: me?.role }, { username: 'carol', role: 'editor' });
    } finally {
      await hubA.close();
    }
  });
});
