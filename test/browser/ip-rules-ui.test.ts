/**
 * The IP rules page in headless Chromium against a real hub process (behind a trusted loopback
 * "proxy", so the test can speak from other addresses with X-Forwarded-For): the admin sees the
 * environment's list as fixed, tries to deny its own range and is told why that is refused,
 * then denies another range with a note; requests from that range get 403 at once, without a
 * restart, and the rule is still there after a reload. A screenshot is saved as
 * test-results/ip-rules.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { type Stack, startStack } from '../lib/stack.js';

let stack: Stack;
let browser: Browser;

before(async () => {
  stack = await startStack({
    name: 'ip-rules-ui',
    hubEnv: { UNITY_TRUSTED_PROXIES: '127.0.0.1', UNITY_UI_DENY: '198.51.100.0/24' },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
});

const statusFrom = async (ip: string) => {
  const res = await fetch(`${stack.hub.url}/api/auth/status`, { headers: { 'x-forwarded-for': ip } });
  await res.arrayBuffer();
  return res.status;
};

describe('IP rules in the UI', () => {
  test('an admin is kept from locking itself out, and a denied range is refused at once', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${stack.hub.url}/login`);
      await page.locator('input[name=username]').fill(ADMIN_USER);
      await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[data-testid=user-menu]').click();
      await page.locator('[data-testid=nav-ip-rules]').click();
      await page.waitForURL((url) => url.pathname === '/settings/ip-rules');

      assert.equal(await page.locator('[data-testid=your-ip]').textContent(), '127.0.0.1');
      assert.match(
        (await page.locator('[data-testid=env-ui]').textContent()) ?? '',
        /deny 198\.51\.100\.0\/24/,
      );
      await page.locator('[data-testid=no-rules]').waitFor();

      const form = page.locator('[data-testid=add-rule]');
      await form.locator('input[name=cidr]').fill('127.0.0.0/8');
      await form.getByRole('button', { name: 'Add to the list' }).click();
      await page.locator('[data-testid=save-rules]').click();
      const error = page.locator('[data-testid=ip-rules-error]');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /would refuse your own address \(127\.0\.0\.1\)/);
      await page.locator('[data-testid=remove-rule]').click();

      await form.locator('input[name=cidr]').fill('203.0.113.0/24');
      await form.locator('input[name=note]').fill('guest wifi');
      await form.getByRole('button', { name: 'Add to the list' }).click();
      assert.equal(await statusFrom('203.0.113.9'), 200, 'not denied before saving');
      await page.locator('[data-testid=save-rules]').click();
      await page.locator('[data-testid=ip-rules-notice]').waitFor();
      assert.equal(await statusFrom('203.0.113.9'), 403, 'denied at once, without a restart');
      assert.equal(await statusFrom('192.0.2.1'), 200, 'other addresses still pass');

      await page.reload();
      const row = page.locator('[data-testid=ip-rule]');
      await row.waitFor();
      assert.equal(await row.count(), 1);
      assert.match((await row.textContent()) ?? '', /deny\s*203\.0\.113\.0\/24\s*guest wifi/);
      await page.screenshot({ path: resultsPath('ip-rules.png'), fullPage: true });
    } catch (e) {
      await page.screenshot({ path: resultsPath('ip-rules-failure.png'), fullPage: true }).catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
});
