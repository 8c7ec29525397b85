/**
 * Sign-in with an identity provider in headless Chromium: a real OpenID provider (oidc-provider,
 * its own login and consent pages) on loopback and an in-process hub serving the built UI. The
 * sign-in page's provider button leads through the provider's login and consent and lands signed
 * in; a person whose e-mail domain the provider settings do not allow, and an answer with a forged
 * state or nonce, come back to the sign-in page with a clear message and no session.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SsoProvider } from '@unity/shared';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, login, startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { type OidcPeer, startOidcPeer } from '../../hub/src/testing/oidc-peer.js';
import { launchChromium } from '../lib/browser.js';
import { REPO_ROOT } from '../lib/paths.js';
import { freePort } from '../lib/ports.js';

let hub: TestHub;
let idp: OidcPeer;
let browser: Browser;
let admin: string;

const provider = () => ({
  kind: 'oidc',
  name: 'Peer IdP',
  issuer: idp.issuer,
  clientId: idp.clientId,
  clientSecret: idp.clientSecret,
  scopes: 'openid email profile groups',
  autoProvision: true,
  roleMapping: [{ value: 'ops', role: 'editor' }],
});

before(async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  idp = await startOidcPeer({ redirectUris: [`${origin}/auth/sso/peer/callback`] });
  hub = await startTestHub({
    env: { PORT: String(port), UNITY_PUBLIC_URL: origin, UNITY_UI_DIR: join(REPO_ROOT, 'ui', 'dist') },
  });
  admin = await login(hub);
  const res = await fetch(`${hub.url}/api/sso-providers`, {
    method: 'POST',
    headers: { cookie: admin, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'peer', ...provider() }),
  });
  assert.equal(res.status, 201);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.close();
  await idp?.close();
});

/**
 * From the hub's sign-in page through the provider's login and consent pages. `forge` changes
 * one parameter of the authorization request the hub sends the browser to (as an attacker
 * relaying someone else's flow would): the provider then answers with that value.
 */
async function signInThroughProvider(name: string, forge?: 'state' | 'nonce'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  if (forge)
    await page.route(/\/auth\/sso\/peer\/start/, async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const to = new URL(response.headers().location ?? '');
      to.searchParams.set(forge, `forged-${forge}`);
      await route.fulfill({ response, headers: { ...response.headers(), location: to.href } });
    });
  await page.goto(`${hub.url}/login`);
  await page.getByRole('link', { name: 'Sign in with Peer IdP' }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await page.locator('input[name=login]').fill(name);
  await page.locator('input[name=password]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // The consent page: Unity asks for the e-mail, profile and groups claims.
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((u) => u.origin === hub.url);
  return page;
}

/** The hub cookies the browser holds, as a Cookie header. */
async function sessionCookie(page: Page): Promise<string> {
  const cookies = await page.context().cookies(hub.url);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

describe('sign-in with an identity provider in headless Chromium', () => {
  test('the provider button leads through login and consent and lands signed in', async () => {
    idp.accounts.set('alice', { email: 'alice@example.com', name: 'Alice Ops', groups: ['ops'] });
    const page = await signInThroughProvider('alice');
    await page.locator('[data-testid=user-menu]').waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal((await page.locator('[data-testid=user-menu] summary').textContent())?.trim(), 'alice');
    // My account lists the provider account the sign-in created and linked.
    await page.goto(`${hub.url}/account`);
    assert.match(
      (await page.locator('[data-testid=sso-identity]').textContent()) ?? '',
      /Peer IdP\s+alice@example\.com/,
    );
    await page.context().close();
  });

  test('a refused flow comes back to the sign-in page with a clear message', async () => {
    const res = await fetch(`${hub.url}/api/sso-providers/peer`, {
      method: 'PUT',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ ...provider(), allowedDomains: ['corp.example'] }),
    });
    assert.equal(res.status, 200);
    idp.accounts.set('mallory', { email: 'mallory@example.com' });
    const page = await signInThroughProvider('mallory');
    await page.waitForURL(/\/login\?sso_error=domain_not_allowed/);
    assert.match(
      (await page.locator('[data-testid=login-error]').textContent()) ?? '',
      /e-mail domain is not allowed to sign in here/,
    );
    assert.equal(await page.locator('[data-testid=user-menu]').count(), 0);
    await page.context().close();
  });

  test('an answer with a forged state or nonce is refused in the browser, and nobody is signed in', async () => {
    idp.accounts.set('eve', { email: 'eve@example.com', name: 'Eve', groups: ['ops'] });
    for (const [forge, message] of [
      ['state', /answered a different sign-in than the one this browser started/],
      ['nonce', /nonce mismatch/],
    ] as const) {
      const page = await signInThroughProvider('eve', forge);
      await page.waitForURL(new RegExp(`/login\\?sso_error=${forge}_mismatch`));
      assert.match((await page.locator('[data-testid=login-error]').textContent()) ?? '', message);
      assert.equal(await page.locator('[data-testid=user-menu]').count(), 0);
      assert.equal(
        await (await fetch(`${hub.url}/api/auth/me`, { headers: { cookie: await sessionCookie(page) } }))
          .status,
        401,
      );
      await page.context().close();
    }
  });

  test('an admin adds a GitHub provider on the Identity providers page; its secret is never shown', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${hub.url}/login?next=/settings/sso`);
    await page.locator('input[name=username]').fill(ADMIN.username);
    await page.locator('input[name=password]').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/settings\/sso$/);
    await page.locator('[data-testid=sso-row-peer]').waitFor();
    await page.locator('[data-testid=sso-add]').click();
    const form = page.locator('[data-testid=sso-form]');
    await form.locator('select[name=kind]').selectOption('github');
    await form.locator('input[name=id]').fill('gh');
    await form.locator('input[name=name]').fill('GitHub');
    await form.locator('input[name=clientId]').fill('Iv1.abc');
    await form.locator('input[name=clientSecret]').fill('typed-secret-123');
    await form.locator('input[name=allowedOrgs]').fill('unity-org, other-org');
    await form.locator('textarea[name=roleMapping]').fill('unity-org=editor');
    await page.locator('[data-testid=sso-save]').click();
    assert.match(
      (await page.locator('[data-testid=sso-admin-notice]').textContent()) ?? '',
      /Register .*\/auth\/sso\/gh\/callback/,
    );
    await page.locator('[data-testid=sso-row-gh]').waitFor();
    assert.ok(!(await page.content()).includes('typed-secret-123'));
    const saved = (await (
      await fetch(`${hub.url}/api/sso-providers/gh`, { headers: { cookie: admin } })
    ).json()) as SsoProvider;
    assert.deepEqual(
      [saved.kind, saved.hasClientSecret, saved.allowedOrgs, saved.roleMapping],
      ['github', true, ['unity-org', 'other-org'], [{ value: 'unity-org', role: 'editor' }]],
    );
    await context.close();
  });
});
