/**
 * "Sign in with Unity" in headless Chromium, against an in-process hub serving the built UI:
 * an admin registers an app on the settings page (its secret shown once), then a relying
 * party (openid-client in this test, with a loopback redirect URI this test serves) sends a
 * signed-out user's browser to Unity, which signs in on Unity's sign-in page, sees the consent
 * page naming the app and its scopes, allows, and the app's callback receives a code that
 * exchanges for tokens with the user's claims.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { createGroup } from '../../hub/src/auth/groups-store.js';
import { createUser } from '../../hub/src/auth/users.js';
import { users } from '../../hub/src/db/schema.js';
import { ADMIN, startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { launchChromium } from '../lib/browser.js';
import { REPO_ROOT, resultsPath } from '../lib/paths.js';
import { freePort } from '../lib/ports.js';

const ALICE = { username: 'alice', password: 'alice has a long password' };

let hub: TestHub;
let browser: Browser;
let rp: Server;
let callbackBase: string;
const callbacks: URL[] = [];

before(async () => {
  const port = await freePort();
  [hub, browser] = await Promise.all([
    startTestHub({
      env: {
        PORT: String(port),
        UNITY_PUBLIC_URL: `http://127.0.0.1:${port}`,
        UNITY_UI_DIR: join(REPO_ROOT, 'ui', 'dist'),
        UNITY_ALERT_EVAL_INTERVAL: '1h',
      },
    }),
    launchChromium(),
  ]);
  const alice = await createUser(hub.deps.db, { ...ALICE, role: 'viewer' });
  await hub.deps.db
    .update(users)
    .set({ displayName: 'Alice', email: 'alice@example.test' })
    .where(eq(users.id, alice.id));
  await createGroup(hub.deps.db, { name: 'family', description: '', memberIds: [alice.id] });
  // The relying party's redirect URI: records what arrives and says so to the browser.
  rp = createServer((req, res) => {
    callbacks.push(new URL(req.url ?? '/', callbackBase));
    res.writeHead(200, { 'content-type': 'text/plain' }).end('back at the app');
  });
  await new Promise<void>((resolve) => rp.listen(0, '127.0.0.1', resolve));
  callbackBase = `http://127.0.0.1:${(rp.address() as AddressInfo).port}`;
});

after(async () => {
  await browser?.close();
  rp?.close();
  await hub?.close();
});

describe('Sign in with Unity in headless Chromium', () => {
  test('an admin registers an app; a user signs in to it through Unity and consents', async () => {
    const redirectUri = `${callbackBase}/callback`;
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const admin = await adminContext.newPage();
    admin.setDefaultTimeout(15_000);
    await admin.goto(`${hub.url}/login`);
    await admin.locator('input[name=username]').fill(ADMIN.username);
    await admin.locator('input[name=password]').fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.locator('[data-testid=user-menu]').waitFor();
    await admin.locator('[data-testid=user-menu] summary').click();
    await admin.locator('[data-testid=nav-oidc-clients]').click();
    await admin.waitForURL(/\/settings\/oidc-clients$/);
    assert.equal(await admin.locator('[data-testid=oidc-issuer]').textContent(), hub.deps.config.publicUrl);

    const form = admin.locator('[data-testid=oidc-client-form]');
    await form.locator('input[name=name]').fill('Homelab Wiki');
    await form.locator('textarea[name=redirectUris]').fill(redirectUri);
    await form.getByRole('button', { name: 'Register' }).click();
    const secret = (await admin.locator('[data-testid=secret]').textContent()) ?? '';
    const clientId = (await admin.locator('[data-testid=oidc-created-id] code').textContent()) ?? '';
    assert.ok(secret.length >= 40 && clientId.startsWith('unity-'));
    await admin.locator('[data-testid=oidc-client-row]', { hasText: 'Homelab Wiki' }).waitFor();
    await admin.screenshot({ path: resultsPath('oidc-client-registered.png'), fullPage: true });
    // Shown once: after a reload the page lists the app but not its secret.
    await admin.reload();
    await admin.locator('[data-testid=oidc-client-row]', { hasText: clientId }).waitFor();
    assert.equal(await admin.locator('[data-testid=secret]').count(), 0);
    assert.ok(!(await admin.content()).includes(secret));
    await adminContext.close();

    // The app starts a sign-in; a fresh browser (nobody signed in) follows it.
    const config = await client.discovery(
      new URL(hub.deps.config.publicUrl),
      clientId,
      {},
      client.ClientSecretBasic(secret),
      { execute: [client.allowInsecureRequests] },
    );
    client.enableNonRepudiationChecks(config);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email groups',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });

    const userContext = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await userContext.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(authUrl.href);
    await page.waitForURL(/\/login\?next=%2Foidc%2Finteraction%2F/);
    await page.locator('input[name=username]').fill(ALICE.username);
    await page.locator('input[name=password]').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL(/\/oidc\/interaction\/[^/]+$/);
    assert.equal(await page.locator('#client-name').textContent(), 'Homelab Wiki');
    const scopes = await page
      .locator('#scopes li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-scope')));
    assert.deepEqual(scopes, ['openid', 'profile', 'email', 'groups']);
    await page.screenshot({ path: resultsPath('oidc-consent.png'), fullPage: true });
    await page.locator('#allow').click();
    await page.waitForURL((url) => url.href.startsWith(redirectUri));
    assert.equal(await page.locator('body').textContent(), 'back at the app');
    await userContext.close();

    const callback = callbacks.findLast((u) => u.pathname === '/callback');
    assert.ok(callback?.searchParams.get('code'), 'the app received a code');
    if (!callback) return;
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims();
    assert.equal(claims?.preferred_username, 'alice');
    assert.equal(claims?.name, 'Alice');
    assert.equal(claims?.email, 'alice@example.test');
    assert.deepEqual(claims?.groups, ['family', 'viewer']);
    const info = await client.fetchUserInfo(config, tokens.access_token, claims?.sub ?? '');
    assert.equal(info.preferred_username, 'alice');
  });
});
