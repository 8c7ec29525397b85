/**
 * Channel message templates in headless Chromium against a real hub (PostgreSQL): an admin
 * writes a webhook's title template and JSON body template in the channel form, previews them
 * (a body that is not JSON shows the hub's error naming the field; a typo'd variable is named),
 * sees a template that does not parse refused at save with the field named, saves, and "Send
 * test" delivers the rendered JSON body to a local receiver; an email channel previews its
 * subject and its HTML part (in a sandboxed frame, the chart stood in for).
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
import { type Stack, startStack } from '../lib/stack.js';

let stack: Stack;
let db: TestDatabase;
let browser: Browser;
let server: Server;
let hookUrl = '';
const bodies: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  db = await createTestDatabase();
  stack = await startStack({ name: 'notify-templates-ui', databaseUrl: db.url });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
  await db?.drop();
  server?.close();
});

async function signedIn(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${stack.hub.url}${path}`);
  await page.waitForURL(/\/login/);
  await page.locator('input[name=username]').fill(ADMIN_USER);
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === path);
  return page;
}

describe('channel message templates in the UI', () => {
  test('an admin previews a webhook’s templates, sees bad ones refused, saves and sends a test; previews an email’s HTML', async () => {
    const page = await signedIn('/settings/notifications');
    try {
      await page.getByRole('button', { name: 'New channel' }).click();
      const form = page.locator('[data-testid=channel-form]');
      await form.getByLabel('Name', { exact: true }).fill('templated hook');
      await form.getByRole('textbox', { name: 'URL' }).fill(hookUrl);
      const templates = form.locator('[data-testid=channel-templates]');
      await templates.locator('input[name=template-title]').fill('{{status_upper}}: {{rule}} on {{objekt}}');
      const bodyTemplate = form.locator('textarea[name=bodyTemplate]');
      await bodyTemplate.fill('{"text": {{title}}}');

      // The body template is not JSON once rendered: the preview says so, naming the field.
      await templates.getByRole('button', { name: 'Preview' }).click();
      const previewError = templates.locator('[data-testid=template-preview-error]');
      await previewError.waitFor();
      assert.match(
        (await previewError.textContent()) ?? '',
        /bodyTemplate: the JSON body template did not render valid JSON/,
      );

      await bodyTemplate.fill('{"text": "{{title}}", "firing": {{firing_count}}, "labels": {{labels_json}}}');
      await templates.getByRole('button', { name: 'Preview' }).click();
      const json = templates.locator('[data-testid=preview-json]');
      await json.waitFor();
      assert.deepEqual(JSON.parse((await json.textContent()) ?? ''), {
        text: 'FIRING: High CPU on',
        firing: 2,
        labels: { alertname: 'High CPU', severity: 'critical', team: 'ops' },
      });
      assert.match((await templates.locator('[data-testid=template-unknown]').textContent()) ?? '', /objekt/);
      await page.screenshot({ path: resultsPath('notify-templates-ui-preview.png'), fullPage: true });

      // A template that does not parse is refused at save, with the field named.
      await templates.locator('input[name=template-title]').fill('{{status_upper}}: {{rule');
      await form.getByRole('button', { name: 'Save channel' }).click();
      const formError = page.locator('[data-testid=channel-form-error]');
      await formError.waitFor();
      assert.match(
        (await formError.textContent()) ?? '',
        /templates\.title: "\{\{" at character 19 is never closed/,
      );

      await templates.locator('input[name=template-title]').fill('{{status_upper}}: {{rule}} on {{object}}');
      await form.getByRole('button', { name: 'Save channel' }).click();
      const row = page.locator('[data-testid=channel][data-name="templated hook"]');
      await row.waitFor();

      await row.getByRole('button', { name: 'Send test' }).click();
      const outcome = row.locator('[data-testid=test-outcome]');
      await outcome.waitFor();
      assert.equal(((await outcome.textContent()) ?? '').trim(), 'Delivered.');
      assert.equal(bodies.length, 1);
      assert.deepEqual(JSON.parse(bodies[0] ?? ''), {
        text: 'FIRING: Test notification on Test notification',
        firing: 1,
        labels: { alertname: 'UnityTest' },
      });

      // Editing shows the saved templates again.
      await row.getByRole('button', { name: 'Edit' }).click();
      const edit = page.locator('[data-testid=channel-form]');
      assert.equal(
        await edit.locator('input[name=template-title]').inputValue(),
        '{{status_upper}}: {{rule}} on {{object}}',
      );
      assert.match(await edit.locator('textarea[name=bodyTemplate]').inputValue(), /\{\{labels_json\}\}/);
      await edit.getByRole('button', { name: 'Cancel' }).click();

      // An email channel previews its subject and its HTML part, with a stand-in for the chart.
      await page.getByRole('button', { name: 'New channel' }).click();
      const mail = page.locator('[data-testid=channel-form]');
      await mail.locator('select[name=type]').selectOption('email');
      const mailTemplates = mail.locator('[data-testid=channel-templates]');
      await mailTemplates.locator('input[name=template-title]').fill('[{{severity}}] {{rule}}');
      await mailTemplates
        .locator('textarea[name=template-html]')
        .fill('<h1 id="t">{{title}}</h1>{{chart_html}}{{alerts_html}}');
      await mailTemplates.getByRole('button', { name: 'Preview' }).click();
      await mailTemplates.locator('[data-testid=preview-title]').waitFor();
      assert.equal(
        await mailTemplates.locator('[data-testid=preview-title]').textContent(),
        '[critical] High CPU',
      );
      const frame = page.frameLocator('[data-testid=preview-html]');
      assert.equal(await frame.locator('#t').textContent(), '[critical] High CPU');
      assert.match((await frame.locator('body').textContent()) ?? '', /chart of the metric, last hour/);
      assert.match((await frame.locator('body').textContent()) ?? '', /CPU on web-1 is 97\.2 %/);
    } finally {
      await page.context().close();
    }
  });
});
