/**
 * The Probes pages in headless Chromium against a real hub (PostgreSQL, so a viewer can be
 * added straight to the users table) and a real agent: an admin sees the API's error for a bad
 * condition next to the form (with its position), creates an HTTP probe against a local server,
 * sees it go from pending to up with 100 % uptime in the list, and opens its page with the
 * results; a viewer sees the list without any write button; the admin renames the probe and
 * clears its condition in the edit form.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

let stack: Stack;
let db: TestDatabase;
let browser: Browser;
let server: Server;
let target = '';

before(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"UP"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  db = await createTestDatabase();
  stack = await startStack({ name: 'probes-ui', databaseUrl: db.url });
  await db.sql`insert into users (username, password_hash, role)
    select 'viewer', password_hash, 'viewer' from users where username = 'admin'`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
  await db?.drop();
  server?.close();
});

async function signedIn(username: string, path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${stack.hub.url}${path}`);
  await page.waitForURL(/\/login/);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === path);
  return page;
}

describe('the Probes pages', () => {
  test('an admin creates an HTTP probe in the form and watches it come up', {
    timeout: 180_000,
  }, async () => {
    const page = await signedIn(ADMIN_USER, '/probes');
    try {
      await page.locator('[data-testid=probes-empty]').waitFor();
      await page.locator('[data-testid=new-probe]').click();
      const form = page.locator('[data-testid=probe-form]');
      await form.locator('input[name=name]').fill('local web');
      await form.locator('input[name=url]').fill(target);
      await form.locator('input[name=intervalSeconds]').fill('10');
      await form.locator('input[name=conditions]').fill('[STATUS] == 200 && ([BODY].status == "UP"');
      await form.getByRole('button', { name: 'Create probe' }).click();
      const error = page.locator('[data-testid=probe-form-error]');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /conditions: expected '\)'.* at position 41/);
      await form
        .locator('input[name=conditions]')
        .fill('[STATUS] == 200 && ([BODY].status == "UP" || [BODY].status == "OK")');
      await form.getByRole('button', { name: 'Create probe' }).click();
      const row = page.locator('[data-testid=probe][data-name="local web"]');
      await row.waitFor();
      assert.equal((await row.locator('[data-testid=probe-state]').textContent())?.trim(), 'pending');

      const agent = await stack.startAgent();
      await waitForHostOnline(stack.api, agent);
      await waitFor(
        async () => {
          await page.reload();
          await row.waitFor();
          const state = (await row.locator('[data-testid=probe-state]').textContent())?.trim();
          if (state !== 'up') throw new NotYet(`state ${state}`);
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 2000, what: 'the probe up in the list' },
      );
      // The uptime cells fill in after the list (one request per probe).
      await waitFor(
        async () => {
          const text = (await row.locator('[data-testid=probe-uptime]').textContent())?.trim();
          if (text !== '100.00 %') throw new NotYet(`uptime ${text}`);
          return true;
        },
        { timeoutMs: 10_000, intervalMs: 200, what: 'uptime 100 % in the list' },
      );

      await row.getByRole('link', { name: 'local web' }).click();
      await page.waitForURL(/\/probes\/[0-9a-f-]+$/);
      await page.locator('[data-testid=result]').first().waitFor();
      await page.locator('[data-testid=uptime-24h]', { hasText: '100.00 %' }).waitFor();
      assert.equal((await page.locator('[data-testid=probe-state]').textContent())?.trim(), 'up');
      await page.screenshot({ path: resultsPath('browser', 'probe-detail.png'), fullPage: true });
    } finally {
      await page.context().close();
    }
  });

  test('a viewer sees the probes without write buttons', async () => {
    const page = await signedIn('viewer', '/probes');
    try {
      await page.locator('[data-testid=probe][data-name="local web"]').waitFor();
      assert.equal(await page.locator('[data-testid=new-probe]').count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0);
    } finally {
      await page.context().close();
    }
  });

  test('an admin renames the probe and clears its condition in the edit form', async () => {
    const page = await signedIn(ADMIN_USER, '/probes');
    try {
      const row = page.locator('[data-testid=probe][data-name="local web"]');
      await row.getByRole('button', { name: 'Edit' }).click();
      const form = page.locator('[data-testid=probe-form]');
      assert.equal(await form.locator('input[name=url]').inputValue(), target, 'the form is prefilled');
      await form.locator('input[name=name]').fill('local web renamed');
      await form.locator('input[name=conditions]').fill('');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.locator('[data-testid=probe][data-name="local web renamed"]').waitFor();
      const probes = (await stack.api.json('/api/probes')) as {
        items: { name: string; conditions?: string }[];
      };
      assert.deepEqual(
        probes.items.map((p) => [p.name, p.conditions]),
        [['local web renamed', undefined]],
      );
    } finally {
      await page.context().close();
    }
  });
});
