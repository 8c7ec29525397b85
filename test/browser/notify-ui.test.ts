/**
 * Notification settings and alert rules in headless Chromium against a real hub (PostgreSQL, so
 * an editor and a viewer can be added straight to the users table): an admin sees the API's
 * error for a bad webhook URL next to the form, creates a webhook channel pointing at a local
 * receiver, clicks "Send test" (the receiver gets it, the row says delivered, the delivery log
 * lists it) and creates a contact point with it; an editor creates a rule from the "Container
 * down" template and sees it listed, and sees the API's error for a bad value; a viewer sees
 * both pages without any write button.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import { type Stack, startStack } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

type Received = { method: string; headers: IncomingHttpHeaders; body: string };

let stack: Stack;
let db: TestDatabase;
let browser: Browser;
let server: Server;
let hookUrl = '';
const received: Received[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  db = await createTestDatabase();
  stack = await startStack({ name: 'notify-ui', databaseUrl: db.url });
  for (const role of ['editor', 'viewer'])
    await db.sql`insert into users (username, password_hash, role)
      select ${role}, password_hash, ${role} from users where username = 'admin'`;
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

describe('notification settings and alert rules in the UI', () => {
  test('an admin creates a webhook channel (a bad URL shows the API error), sends a test and adds a contact point', async () => {
    const page = await signedIn(ADMIN_USER, '/settings/notifications');
    try {
      await page.locator('[data-testid=channels-empty]').waitFor();
      await page.getByRole('button', { name: 'New channel' }).click();
      const form = page.locator('[data-testid=channel-form]');
      await form.getByLabel('Name', { exact: true }).fill('ops hook');
      await form.getByRole('textbox', { name: 'URL' }).fill('not a url');
      await form.getByRole('button', { name: 'Save channel' }).click();
      const formError = page.locator('[data-testid=channel-form-error]');
      await formError.waitFor();
      assert.match((await formError.textContent()) ?? '', /url/i);

      await form.getByRole('textbox', { name: 'URL' }).fill(hookUrl);
      await form.getByRole('button', { name: 'Save channel' }).click();
      const row = page.locator('[data-testid=channel][data-name="ops hook"]');
      await row.waitFor();
      assert.equal(await form.count(), 0);
      // The URL is shown as the API masks it: origin kept, path hidden.
      assert.match((await row.textContent()) ?? '', /http:\/\/127\.0\.0\.1:\d+\/\*{8}/);

      await row.getByRole('button', { name: 'Send test' }).click();
      const outcome = row.locator('[data-testid=test-outcome]');
      await outcome.waitFor();
      assert.equal(((await outcome.textContent()) ?? '').trim(), 'Delivered.');
      assert.equal(await outcome.getAttribute('data-ok'), 'true');
      assert.equal(received.length, 1);
      assert.equal(received[0]?.method, 'POST');
      assert.match(received[0]?.body ?? '', /"alerts"/);
      const delivery = page.locator('[data-testid=delivery][data-channel="ops hook"]');
      await delivery.waitFor();
      assert.equal(
        ((await delivery.locator('[data-testid=delivery-status]').textContent()) ?? '').trim(),
        'delivered',
      );

      await page.getByRole('button', { name: 'New contact point' }).click();
      const cpForm = page.locator('[data-testid=contact-point-form]');
      // Without a channel the API refuses, and says why next to the form.
      await cpForm.getByLabel('Name', { exact: true }).fill('on-call');
      await cpForm.getByRole('button', { name: 'Save contact point' }).click();
      await page.locator('[data-testid=contact-point-error]').waitFor();
      assert.match((await page.locator('[data-testid=contact-point-error]').textContent()) ?? '', /channel/);
      await cpForm.getByLabel('ops hook').check();
      await cpForm.getByRole('button', { name: 'Save contact point' }).click();
      const cp = page.locator('[data-testid=contact-point][data-name="on-call"]');
      await cp.waitFor();
      assert.match((await cp.textContent()) ?? '', /ops hook/);
      await page.screenshot({ path: resultsPath('notify-ui-notifications.png'), fullPage: true });
    } finally {
      await page.context().close();
    }
  });

  test('an editor creates a rule from the "Container down" template; a bad value shows the API error', async () => {
    const page = await signedIn('editor', '/alerts/rules');
    try {
      await page.locator('[data-testid=rules-empty]').waitFor();
      await page.locator('select[name=template]').selectOption({ label: 'Container down' });
      await page.getByRole('button', { name: 'New rule from template' }).click();
      const form = page.locator('[data-testid=rule-form]');
      assert.equal(await form.locator('[name=rule-name]').inputValue(), 'Container down');
      assert.equal(await form.locator('select[name=status]').inputValue(), 'stopped');
      // The live preview answers (no containers on this hub: nothing would fire).
      const summary = page.locator('[data-testid=preview-summary]');
      await summary.waitFor();
      assert.match((await summary.textContent()) ?? '', /0 of 0 containers would fire/);

      await form.getByRole('button', { name: 'Run over the last 7 days' }).click();
      const backtest = page.locator('[data-testid=backtest-summary], [data-testid=backtest-error]');
      await backtest.waitFor();
      // A status rule has no stored history to replay: the hub says so and the editor shows it.
      assert.match((await backtest.textContent()) ?? '', /no stored history/);
      await page.screenshot({ path: resultsPath('notify-ui-rule-editor.png'), fullPage: true });

      await form.locator('input[name=for]').fill('-5');
      await form.getByRole('button', { name: 'Save rule' }).click();
      const error = page.locator('[data-testid=rule-form-error]');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /at least 0/);

      await form.locator('input[name=for]').fill('30');
      await form.getByRole('button', { name: 'Save rule' }).click();
      const row = page.locator('[data-testid=rule][data-name="Container down"]');
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /status stopped/);
      assert.equal(((await row.locator('[data-testid=rule-enabled]').textContent()) ?? '').trim(), 'yes');

      await row.getByRole('button', { name: 'Disable' }).click();
      await waitFor(
        async () => {
          const text = ((await row.locator('[data-testid=rule-enabled]').textContent()) ?? '').trim();
          if (text !== 'no') throw new NotYet(text);
          return true;
        },
        { timeoutMs: 10_000, intervalMs: 200, what: 'the rule shown disabled' },
      );
    } finally {
      await page.context().close();
    }
  });

  test('a viewer reads both pages and sees no write buttons', async () => {
    const page = await signedIn('viewer', '/settings/notifications');
    try {
      await page.locator('[data-testid=channel][data-name="ops hook"]').waitFor();
      await page.locator('[data-testid=contact-point][data-name="on-call"]').waitFor();
      for (const name of ['New channel', 'Send test', 'Edit', 'Delete', 'New contact point'])
        assert.equal(await page.getByRole('button', { name }).count(), 0, `no "${name}" button`);

      await page.locator('[data-testid=user-menu] summary').click();
      await page.locator('[data-testid=nav-alert-rules]').click();
      await page.waitForURL(/\/alerts\/rules$/);
      await page.locator('[data-testid=rule][data-name="Container down"]').waitFor();
      for (const name of ['New rule from template', 'New blank rule', 'Edit', 'Enable', 'Disable', 'Delete'])
        assert.equal(await page.getByRole('button', { name }).count(), 0, `no "${name}" button`);
    } finally {
      await page.context().close();
    }
  });
});
