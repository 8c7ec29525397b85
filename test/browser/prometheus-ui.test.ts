/**
 * A Prometheus scrape probe in headless Chromium against a real hub (PGlite) and agent: the
 * admin picks the kind in the probe form, fills the URL, the name allow-list and a cap, and the
 * probe's page then shows the last scrape's kept and dropped counts and the stored series with
 * their latest values.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

let stack: Stack;
let browser: Browser;
let server: Server;
let target = '';

before(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# TYPE queue_depth gauge',
        'queue_depth{queue="mail"} 3',
        'queue_depth{queue="jobs"} 14',
        'queue_depth{queue="print"} 0',
        '# TYPE unrelated gauge',
        'unrelated 1',
        '',
      ].join('\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  stack = await startStack({ name: 'prometheus-ui' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
  server?.close();
});

describe('a Prometheus scrape probe in the UI', () => {
  test('is created in the form, and its page lists the kept series and the dropped count', {
    timeout: 180_000,
  }, async () => {
    const agent = await stack.startAgent();
    await waitForHostOnline(stack.api, agent);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${stack.hub.url}/probes`);
      await page.waitForURL(/\/login/);
      await page.locator('input[name=username]').fill(ADMIN_USER);
      await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/probes');

      await page.locator('[data-testid=new-probe]').click();
      const form = page.locator('[data-testid=probe-form]');
      await form.locator('select[name=kind]').selectOption('prometheus');
      await form.locator('input[name=name]').fill('queues');
      await form.locator('input[name=url]').fill(target);
      await form.locator('input[name=intervalSeconds]').fill('10');
      await form.locator('input[name=metrics]').fill('queue_.*');
      await form.locator('input[name=maxSeries]').fill('2');
      await form.getByRole('button', { name: 'Create probe' }).click();
      const row = page.locator('[data-testid=probe][data-name="queues"]');
      await row.waitFor();
      await row.getByRole('link', { name: 'queues' }).click();
      await page.waitForURL(/\/probes\/[0-9a-f-]+$/);

      // The page refreshes every 15 s; reload until the first scrape is there. The probe's state
      // and its scrape are separate requests of one page load: the first can be answered just
      // before the result is stored and the second just after (CI saw "pending" beside the
      // series once), so the state is waited for too.
      await waitFor(
        async () => {
          const kept = (await page.locator('[data-testid=scrape-kept]').textContent())?.trim();
          const rows = await page.locator('[data-testid=series-row]').count();
          const state = (await page.locator('[data-testid=probe-state]').textContent())?.trim();
          if (kept !== '2' || rows !== 2 || state !== 'up') {
            await page.reload();
            throw new NotYet(`kept ${kept}, rows ${rows}, state ${state}`);
          }
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 3000, what: 'the scraped series on the probe page' },
      );
      assert.equal((await page.locator('[data-testid=scrape-dropped]').textContent())?.trim(), '1');
      const texts = await page.locator('[data-testid=series-row]').allTextContents();
      assert.match(texts[0] ?? '', /queue_depth\s*\{queue="mail"\}\s*3/);
      assert.match(texts[1] ?? '', /queue_depth\s*\{queue="jobs"\}\s*14/);
      await page.screenshot({ path: resultsPath('browser', 'probe-prometheus.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
