/**
 * The web UI in headless Chromium, as a person uses it, against a real hub with a real agent
 * reporting a real Podman engine: open the hub, get sent to sign in, sign in, see the host, open
 * it, see its containers. A full-page screenshot is saved as test-results/ui-host.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

let stack: Stack;
let browser: Browser;
let hostName = '';
const containerNames: string[] = [];

before(async () => {
  stack = await startStack({ name: 'ui', withPodman: true });
  const engine = stack.engine;
  assert.ok(engine);
  for (const name of ['web', 'worker']) {
    await engine.run({ name });
    containerNames.push(engine.fullName(name));
  }
  const agent = await stack.startAgent();
  const host = await waitForHostOnline(stack.api, agent, 30_000);
  hostName = host.name;
  // The page should show what the API already has: wait for both containers with stats.
  await waitFor(
    async () => {
      const list = await stack.api.containers(host.id);
      const ok = containerNames.every((n) => list.some((c) => c.name === n && c.memoryBytes !== null));
      if (!ok) throw new NotYet(JSON.stringify(list.map((c) => c.name)));
      return true;
    },
    { timeoutMs: 30_000, what: 'containers with stats in the API' },
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('UI in headless Chromium', () => {
  test('sign in, see the host, open it, see its containers; screenshot saved', async () => {
    const page = await newPage();
    try {
      await page.goto(stack.hub.url);
      await page.waitForURL(/\/login/);
      await signIn(page, ADMIN_USER, ADMIN_PASSWORD);

      const row = page.locator('[data-testid=host-row]').filter({ hasText: hostName });
      await row.waitFor();
      await assertText(row.locator('[data-testid=host-status]'), 'Online');
      await page.screenshot({ path: resultsPath('ui-overview.png'), fullPage: true });

      await row.getByRole('link', { name: hostName }).click();
      await page.waitForURL(/\/hosts\//);
      const rows = page.locator('[data-testid=container-row]');
      for (const name of containerNames) {
        const r = rows.filter({ hasText: name });
        await r.waitFor();
        await assertText(r.locator('[data-testid=state]'), 'running');
      }
      // The CPU chart draws the average with the bucket's min/max as a band, named in its legend.
      const cpuLegend = page.locator('unity-chart[label^="CPU usage"] .u-legend');
      await assertText(cpuLegend, 'Max');
      assert.match((await cpuLegend.first().textContent()) ?? '', /Average.*Max.*Min/s);
      await page.screenshot({ path: resultsPath('ui-host.png'), fullPage: true });
    } catch (error) {
      await page.screenshot({ path: resultsPath('ui-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.context().close();
    }
  });

  test('a wrong password shows an error message and stays on the sign-in page', async () => {
    const page = await newPage();
    try {
      await page.goto(`${stack.hub.url}/login`);
      await signIn(page, ADMIN_USER, 'not the password at all');
      const message = page.locator('[data-testid=login-error]');
      await message.waitFor();
      assert.match((await message.textContent()) ?? '', /wrong username or password/i);
      assert.match(page.url(), /\/login/);
      assert.equal(await page.locator('[data-testid=host-row]').count(), 0);
    } finally {
      await page.context().close();
    }
  });
});

async function assertText(locator: ReturnType<Page['locator']>, expected: string): Promise<void> {
  await waitFor(
    async () => {
      const text = ((await locator.first().textContent()) ?? '').trim();
      if (!text.includes(expected)) throw new NotYet(text);
      return true;
    },
    { timeoutMs: 15_000, intervalMs: 250, what: `text "${expected}"` },
  );
}
