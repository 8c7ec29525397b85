/**
 * Identity pages in headless Chromium against a real hub: an admin adds a user (the policy's
 * reason shows for a weak password), makes an invite link, composes a custom role and grants it
 * scoped to `team=media`; makes an API key, sees it once with a copy button and uses it as a
 * Bearer token; on "My account" sees the policy's verdict while typing and changes the password.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { type Stack, startStack } from '../lib/stack.js';

let stack: Stack;
let browser: Browser;

before(async () => {
  stack = await startStack({ name: 'identity-ui' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
});

async function signedInPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.hub.url });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${stack.hub.url}/login`);
  await page.locator('input[name=username]').fill(ADMIN_USER);
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid=user-menu]').waitFor();
  return page;
}

async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return (await locator.first().textContent()) ?? '';
}

async function withPage(name: string, run: (page: Page) => Promise<void>): Promise<void> {
  const page = await signedInPage();
  try {
    await run(page);
    await page.screenshot({ path: resultsPath(`identity-${name}.png`), fullPage: true });
  } catch (error) {
    await page
      .screenshot({ path: resultsPath(`identity-${name}-failure.png`), fullPage: true })
      .catch(() => {});
    throw error;
  } finally {
    await page.context().close();
  }
}

describe('identity pages in headless Chromium', () => {
  test('users: the policy reason for a weak password, a new user listed, an invite link', async () => {
    await withPage('users', async (page) => {
      await page.locator('[data-testid=user-menu] summary').click();
      await page.locator('[data-testid=nav-users]').click();
      await page.waitForURL(/\/settings\/users$/);
      const form = page.locator('[data-testid=add-user]');
      await form.locator('input[name=username]').fill('uma');
      await form.locator('input[name=password]').fill('too short');
      await form.getByRole('button', { name: 'Add user' }).click();
      assert.match(await textOf(page.locator('p.error')), /at least 15 characters/);
      await form.locator('input[name=password]').fill('plum kettle orbit saxophone');
      await form.getByRole('button', { name: 'Add user' }).click();
      await page.locator('[data-testid=user-row][data-username=uma]').waitFor();
      await page.getByRole('button', { name: 'Make invite link' }).click();
      assert.match(await textOf(page.locator('[data-testid=secret]')), /\/invite\?token=[A-Za-z0-9_-]{43}$/);
    });
  });

  test('roles: a custom role from the permission grid, granted to a user on team=media hosts', async () => {
    await withPage('roles', async (page) => {
      await page.goto(`${stack.hub.url}/settings/roles`);
      // The role table sits above the form: until it has loaded, its rows arriving move the
      // form down, and a click aimed at a checkbox can land beside it (CI saw exactly that).
      await page.locator('[data-testid=role-row]').filter({ hasText: 'viewer' }).first().waitFor();
      const form = page.locator('[data-testid=new-role]');
      await form.locator('input[name=name]').fill('media viewer');
      await form.getByRole('checkbox', { name: 'hosts:read' }).check();
      await form.getByRole('checkbox', { name: 'containers:read' }).check();
      await form.getByRole('button', { name: 'Create role' }).click();
      const row = page.locator('[data-testid=role-row]').filter({ hasText: 'media viewer' });
      assert.match(await textOf(row), /hosts:read.*containers:read/s);
      const grant = page.locator('[data-testid=new-binding]');
      await grant.locator('select[name=role]').selectOption({ label: 'media viewer' });
      await grant.locator('input[name=labels]').fill('team=media');
      await grant.getByRole('button', { name: 'Grant' }).click();
      const binding = page.locator('[data-testid=binding-row]').filter({ hasText: 'media viewer' });
      assert.match(await textOf(binding), /team=media/);
    });
  });

  test('API keys: shown once with a copy button, accepted as a Bearer token, then listed by prefix', async () => {
    await withPage('api-keys', async (page) => {
      await page.goto(`${stack.hub.url}/settings/api-keys`);
      await page.locator('input[name=name]').fill('grafana');
      await page.getByRole('checkbox', { name: 'hosts:read' }).check();
      assert.equal(
        await page.getByRole('checkbox', { name: 'users:write' }).isDisabled(),
        false,
        'admins hold it',
      );
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = (await textOf(page.locator('[data-testid=secret]'))).trim();
      assert.match(key, /^unity_[A-Za-z0-9_-]{43}$/);
      await page.locator('[data-testid=copy]').click();
      // The label changes once the clipboard write resolves, not with the click.
      await page.locator('[data-testid=copy]', { hasText: 'Copied' }).waitFor({ timeout: 5000 });
      assert.equal(await textOf(page.locator('[data-testid=copy]')), 'Copied');
      // The test package has no DOM types; the function runs in the page, where navigator exists.
      const clipboard = await page.evaluate('navigator.clipboard.readText()');
      assert.equal(clipboard, key);

      const res = await fetch(`${stack.hub.url}/api/hosts`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(res.status, 200);
      const denied = await fetch(`${stack.hub.url}/api/users`, {
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(denied.status, 403);

      await page.reload();
      const row = page.locator('[data-testid=api-key-row]').filter({ hasText: 'grafana' });
      const text = await textOf(row);
      assert.ok(text.includes(key.slice(0, 12)), 'the prefix is listed');
      assert.ok(!text.includes(key), 'the key itself is not');
      assert.equal(await page.locator('[data-testid=secret]').count(), 0);
    });
  });

  test('my account: policy feedback while typing, and a password change', async () => {
    await withPage('account', async (page) => {
      await page.locator('[data-testid=user-menu] summary').click();
      await page.locator('[data-testid=nav-account]').click();
      await page.waitForURL(/\/account$/);
      const next = page.locator('input[name=newPassword]');
      await next.fill('passwordpassword');
      await page.locator('[data-testid=policy]').filter({ hasText: 'commonly used' }).waitFor();
      await next.fill('a brand new passphrase for unity');
      await page.locator('[data-testid=policy]').filter({ hasText: 'passphrase of several words' }).waitFor();
      await page.locator('input[name=currentPassword]').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      assert.match(await textOf(page.locator('[data-testid=account-message]')), /Password changed/);
      const login = await fetch(`${stack.hub.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: ADMIN_USER, password: 'a brand new passphrase for unity' }),
      });
      assert.equal(login.status, 200);
    });
  });
});
