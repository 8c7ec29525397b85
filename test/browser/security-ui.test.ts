/**
 * Sessions and the audit log in headless Chromium against a real hub process whose sessions live
 * in the local Redis: an admin signs in on two "devices" (one with remember me), sees both on the
 * Sessions page with the current one marked, signs the other out (which is sent back to the
 * sign-in page on its next navigation), then finds the revocation in the Audit log page by
 * filtering and downloads the filtered CSV. A screenshot is saved as
 * test-results/security-sessions.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { type TestRedis, testRedis } from '../lib/redis.js';
import { type Stack, startStack } from '../lib/stack.js';

let stack: Stack;
let redis: TestRedis;
let browser: Browser;

before(async () => {
  redis = await testRedis();
  stack = await startStack({
    name: 'security-ui',
    hubEnv: { REDIS_URL: redis.url, UNITY_REDIS_PREFIX: redis.prefix },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
  await redis?.drop();
});

async function signIn(
  userAgent: string,
  remember: boolean,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${stack.hub.url}/settings/sessions`);
  await page.waitForURL(/\/login/);
  await page.locator('input[name=username]').fill(ADMIN_USER);
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
  if (remember) await page.getByLabel('Remember me on this device').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/settings/sessions');
  return { context, page };
}

describe('sessions and audit log in the UI', () => {
  test('an admin signs out another session, and finds it in the audit log and its CSV export', async () => {
    const laptop = await signIn(
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      true,
    );
    const phone = await signIn(
      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
      false,
    );
    try {
      const persistent = (await laptop.context.cookies()).find((c) => c.name === 'unity_session');
      assert.ok(
        persistent && persistent.expires > Date.now() / 1000 + 29 * 86_400,
        'remember me: persistent',
      );
      const transient = (await phone.context.cookies()).find((c) => c.name === 'unity_session');
      assert.equal(transient?.expires, -1, 'without remember me: a browser-session cookie');

      const page = laptop.page;
      await page.reload();
      // The test harness's own API client holds a session too.
      const rows = page.locator('[data-testid=session]');
      const other = page.locator('[data-testid=session][data-current=false]', {
        hasText: 'Chrome on Android',
      });
      await other.waitFor();
      const before = await rows.count();
      const current = page.locator('[data-testid=session][data-current=true]');
      assert.equal(await current.count(), 1);
      assert.match((await current.textContent()) ?? '', /Chrome on Linux[\s\S]*this session/);
      assert.match((await other.textContent()) ?? '', /127\.0\.0\.1/);
      await page.screenshot({ path: resultsPath('security-sessions.png'), fullPage: true });

      await other.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('[data-testid=sessions-notice]').waitFor();
      assert.match(
        (await page.locator('[data-testid=sessions-notice]').textContent()) ?? '',
        /Chrome on Android/,
      );
      await other.waitFor({ state: 'detached' });
      assert.equal(await rows.count(), before - 1);

      await phone.page.goto(`${stack.hub.url}/settings/sessions`);
      await phone.page.waitForURL(/\/login/);

      await page.goto(`${stack.hub.url}/settings/audit-log`);
      await page.locator('[data-testid=audit-entry][data-action="auth.signin"]').first().waitFor();
      await page.getByLabel('Action').fill('session.');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.locator('[data-testid=audit-entry][data-action="session.revoke"]').waitFor();
      assert.equal(await page.locator('[data-testid=audit-entry][data-action="auth.signin"]').count(), 0);

      const href = (await page.locator('[data-testid=export-csv]').getAttribute('href')) ?? '';
      assert.match(href, /format=csv/);
      assert.match(href, /action=session\./);
      const csv = await page.request.get(`${stack.hub.url}${href}`);
      assert.equal(csv.status(), 200);
      const text = await csv.text();
      assert.match(text, /^at,username,ip,action/);
      assert.match(text, /admin,127\.0\.0\.1,session\.revoke,session/);
      assert.doesNotMatch(text, /auth\.signin/);
    } finally {
      await laptop.context.close();
      await phone.context.close();
    }
  });
});
