/**
 * The host page's Speed test section in headless Chromium, against a real hub and agent: the
 * last result shows download, upload, latency and jitter; "Run now" shows the test's progress
 * while it runs and the new result after, with history charts; a viewer sees the results but no
 * "Run now". Screenshot: test-results/ui-speed-test.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SpeedTest, SpeedTestListSchema } from '@unity/shared';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

const VIEWER = { username: 'reader', password: 'staple horse battery correct' };
let stack: Stack;
let browser: Browser;
let hostId = '';

const tests = async () =>
  SpeedTestListSchema.parse(await stack.api.json(`/api/hosts/${hostId}/speed-tests`)).items;

before(async () => {
  stack = await startStack({ name: 'ui-speed' });
  const agent = await stack.startAgent();
  hostId = (await waitForHostOnline(stack.api, agent, 30_000)).id;
  await stack.api.json('/api/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...VIEWER, role: 'viewer' }),
  });
  // One short test first, so the page has a last result and, after "Run now", a history of two.
  const first = (await stack.api.json(`/api/hosts/${hostId}/speed-tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ durationSeconds: 1, streams: 1 }),
  })) as SpeedTest;
  await waitFor(
    async () => {
      const t = (await tests()).find((x) => x.id === first.id);
      if (t?.state !== 'ok') throw new NotYet(`${t?.state} ${t?.error}`);
      return t;
    },
    { timeoutMs: 30_000, what: 'the first speed test' },
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
});

async function signIn(page: Page, user: { username: string; password: string }) {
  await page.goto(`${stack.hub.url}/login`);
  await page.locator('input[name=username]').fill(user.username);
  await page.locator('input[name=password]').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid=host-row]').first().waitFor();
  await page.goto(`${stack.hub.url}/hosts/${hostId}`);
}

describe('speed test on the host page', () => {
  test('last result, run now with progress, history charts; viewers cannot run', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await signIn(page, { username: ADMIN_USER, password: ADMIN_PASSWORD });
      const download = page.locator('[data-testid=speed-download]');
      await download.waitFor();
      assert.match((await download.textContent()) ?? '', /^[\d.,]+ Mbit\/s$/);
      assert.match((await page.locator('[data-testid=speed-latency]').textContent()) ?? '', /^[\d.,]+ ms$/);
      assert.equal(await page.locator('[data-testid=speed-test] unity-chart').count(), 0);

      // The button's request, shortened to 2 s per direction and one stream: the default (5 s,
      // 4 streams) saturates both cores of a CI machine for ten seconds.
      await page.route('**/api/hosts/*/speed-tests', (route) =>
        route.request().method() === 'POST'
          ? route.continue({
              headers: { ...route.request().headers(), 'content-type': 'application/json' },
              postData: JSON.stringify({ durationSeconds: 2, streams: 1 }),
            })
          : route.continue(),
      );
      await page.locator('[data-testid=speed-run]').click();
      const progress = page.locator('[data-testid=speed-progress]');
      await progress.waitFor();
      assert.match((await progress.textContent()) ?? '', /Starting|Measuring/);
      assert.equal(await page.locator('[data-testid=speed-run]').isDisabled(), true);
      await waitFor(
        async () => {
          const shown = await page
            .locator('[data-testid=speed-progress]')
            .textContent()
            .catch(() => null);
          if (!/Measuring (download|upload)/.test(shown ?? '')) throw new NotYet(shown ?? 'no progress');
          return shown;
        },
        { timeoutMs: 20_000, intervalMs: 200, what: 'download or upload progress' },
      );
      await progress.waitFor({ state: 'detached', timeout: 60_000 });
      await page.locator('[data-testid=speed-test] unity-chart').nth(1).waitFor();
      const [latest] = await tests();
      assert.equal(latest?.state, 'ok', latest?.error ?? '');
      assert.equal(latest?.requestedBy, ADMIN_USER);
      assert.equal(latest?.durationMs, 2000, 'the shortened run');
      assert.equal(await page.locator('[data-testid=speed-run]').isDisabled(), false);
      await page.screenshot({ path: resultsPath('ui-speed-test.png'), fullPage: true });

      const viewer = await (await browser.newContext()).newPage();
      await signIn(viewer, VIEWER);
      await viewer.locator('[data-testid=speed-download]').waitFor();
      assert.equal(await viewer.locator('[data-testid=speed-run]').count(), 0);
      assert.equal(await viewer.locator('[data-testid=speed-schedule]').isDisabled(), true);
    } catch (error) {
      await page
        .screenshot({ path: resultsPath('ui-speed-test-failure.png'), fullPage: true })
        .catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
});
