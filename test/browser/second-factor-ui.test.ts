/**
 * Two-factor authentication in headless Chromium against a real hub process: the admin turns
 * TOTP on from "My account" (reading the key the page shows by hand and computing the code with
 * otpauth, as an authenticator app would), sees the backup codes once, signs out, signs in with
 * the password and then a code (a wrong code refused first), then with a backup code and
 * "remember this device", after which the password alone signs in on that browser. The roles
 * page's "Require 2FA" box is ticked and shows as set after a reload.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { type Stack, startStack } from '../lib/stack.js';

let stack: Stack;
let browser: Browser;

before(async () => {
  stack = await startStack({ name: 'second-factor-ui' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
});

async function passwordStep(page: Page): Promise<void> {
  await page.goto(`${stack.hub.url}/login`);
  await page.locator('input[name=username]').fill(ADMIN_USER);
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('two-factor authentication in headless Chromium', () => {
  test('enrol TOTP from My account, sign out, sign in with password and code', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await passwordStep(page);
      await page.locator('[data-testid=user-menu]').waitFor();
      await page.goto(`${stack.hub.url}/account`);
      await page.locator('[data-testid=second-factor-start]').click();
      const shown = (await page.locator('[data-testid=totp-secret]').textContent()) ?? '';
      const secret = shown.replace(/\s/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      // The QR code is an image the hub rendered (no script draws it).
      const qr = await page.locator('img.qr').getAttribute('src');
      assert.match(qr ?? '', /^data:image\/svg\+xml;base64,/);
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
      const enrolledAt = Date.now();
      await page.locator('[data-testid=totp-confirm-code]').fill('000000');
      await page.locator('[data-testid=totp-confirm]').click();
      assert.match(
        (await page.locator('[data-testid=second-factor-error]').textContent()) ?? '',
        /does not match/,
      );
      await page.locator('[data-testid=totp-confirm-code]').fill(totp.generate({ timestamp: enrolledAt }));
      await page.locator('[data-testid=totp-confirm]').click();
      const codes = page.locator('[data-testid=backup-codes] li');
      await codes.first().waitFor();
      assert.equal(await codes.count(), 10);
      assert.match((await codes.first().textContent()) ?? '', /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
      const backupCode = (await codes.nth(3).textContent()) ?? '';
      assert.equal(await page.locator('[data-testid=backup-remaining]').textContent(), '10');
      // With a second factor the password floor drops to 8, and the hint says so.
      await page.locator('[data-testid=policy]', { hasText: 'At least 8 characters' }).waitFor();
      await page.screenshot({ path: resultsPath('second-factor-enrolled.png'), fullPage: true });

      await page.locator('[data-testid=user-menu] summary').click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login/);

      await passwordStep(page);
      const code = page.locator('[data-testid=second-factor-code]');
      await code.waitFor();
      await code.fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      assert.match(
        (await page.locator('[data-testid=login-error]').textContent()) ?? '',
        /wrong or was already used/,
      );
      await page.screenshot({ path: resultsPath('second-factor-challenge.png'), fullPage: true });
      // One step after the enrolment's code: a new code, never a replay, inside the ±1 window.
      await code.fill(totp.generate({ timestamp: Math.max(Date.now(), enrolledAt + 30_000) }));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.locator('[data-testid=user-menu]').waitFor();
      assert.ok(!page.url().includes('/login'), page.url());
      const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json());
      assert.equal((me as { username: string }).username, ADMIN_USER);

      // A backup code, with "remember this device": the next sign-in here needs no code.
      await page.locator('[data-testid=user-menu] summary').click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login/);
      await passwordStep(page);
      await page.locator('[data-testid=use-backup]').click();
      await page.getByLabel('Backup code').fill(backupCode);
      await page.locator('[data-testid=remember-device]').check();
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.locator('[data-testid=user-menu]').waitFor();
      await page.goto(`${stack.hub.url}/account`);
      assert.equal(await page.locator('[data-testid=backup-remaining]').textContent(), '9');
      await page.locator('[data-testid=user-menu] summary').click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login/);
      await passwordStep(page);
      await page.locator('[data-testid=user-menu]').waitFor();
      assert.equal(
        await page.locator('[data-testid=second-factor-code]').count(),
        0,
        'remembered: no code step',
      );

      await page.goto(`${stack.hub.url}/settings/roles`);
      const box = page.getByRole('checkbox', { name: 'Require two-factor authentication for viewer' });
      const reloaded = page.waitForResponse((r) => r.url().endsWith('/api/roles') && r.ok());
      await box.check();
      await reloaded;
      await page.reload();
      assert.equal(
        await page
          .getByRole('checkbox', { name: 'Require two-factor authentication for viewer' })
          .isChecked(),
        true,
      );
    } catch (error) {
      await page
        .screenshot({ path: resultsPath('second-factor-failure.png'), fullPage: true })
        .catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
});
