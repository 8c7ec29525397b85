/**
 * Status pages in headless Chromium against a real hub process on PostgreSQL, with 90 days of
 * results stored for one probe: an admin creates a page in the UI, chooses that probe (not the
 * other), publishes it and posts an incident with an update. Then a browser that never signed
 * in opens the public page: the probe's name and state, 90 day bars with their date and uptime
 * in the tooltip, the incident's update; not the other probe's name, not the chosen probe's URL;
 * no CSP violation; dark colours when the viewer's system prefers them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../lib/api.js';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER, type HubProcess, startHub } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';

const CHOSEN_URL = 'http://127.0.0.1:9/secret-checkout-path';
let hub: HubProcess;
let db: TestDatabase;
let browser: Browser;

before(async () => {
  db = await createTestDatabase();
  hub = await startHub({ name: 'status-page-ui', databaseUrl: db.url });
  const api = await ApiClient.login(hub.url);
  const create = async (name: string, url: string) =>
    (
      (await api.json('/api/probes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'http', name, url }),
      })) as { id: string }
    ).id;
  const chosen = await create('Checkout API', CHOSEN_URL);
  await create('hidden-intranet', 'http://127.0.0.1:9/intranet');
  // Hourly results for 90 days (and one just now, so today has one whatever the hour), all passed
  // but one failed hour each day 10 to 12 days ago.
  await db.sql`
    insert into probe_results (probe_id, agent_id, time, ok, latency_ms, seq)
    select ${chosen}::uuid, ${randomUUID()}::uuid, t,
      not (t between now() - interval '12 days' and now() - interval '10 days' and extract(hour from t) = 3),
      50, 1
    from generate_series(now() - interval '89 days', now() - interval '1 minute', interval '1 hour') as t
    union all select ${chosen}::uuid, ${randomUUID()}::uuid, now() - interval '5 seconds', true, 50, 1`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
  await hub?.cleanup();
  await db?.drop();
});

async function signedIn(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${hub.url}${path}`);
  await page.waitForURL(/\/login/);
  await page.locator('input[name=username]').fill(ADMIN_USER);
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === path);
  return page;
}

describe('status pages', () => {
  test('an admin builds and publishes a page with an incident in the UI', { timeout: 120_000 }, async () => {
    const page = await signedIn('/status-pages');
    try {
      await page.locator('[data-testid=status-pages-empty]').waitFor();
      await page.locator('[data-testid=new-status-page]').click();
      const create = page.locator('[data-testid=status-page-create]');
      await create.locator('input[name=title]').fill('Acme Status');
      assert.equal(
        await create.locator('input[name=slug]').inputValue(),
        'acme-status',
        'slug from the title',
      );
      await create.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/\/status-pages\/[0-9a-f-]+$/);

      const form = page.locator('[data-testid=status-page-form]');
      await form.locator('[data-testid=choice][data-name="Checkout API"] input[type=checkbox]').check();
      await form.locator('input[name=published]').check();
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved. The public page shows it now.').waitFor();

      const incident = page.locator('[data-testid=incident-form]');
      await incident.locator('input[name=title]').fill('Slow checkout');
      await incident.locator('select[name=severity]').selectOption('major');
      await incident.locator('textarea[name=message]').fill('Payments take a minute');
      await incident.getByRole('button', { name: 'Publish incident' }).click();
      const card = page.locator('[data-testid=incident][data-title="Slow checkout"]');
      await card.waitFor();
      await card.locator('select[name=status]').selectOption('monitoring');
      await card.locator('input[name=message]').fill('A fix is deployed, we are watching');
      await card.getByRole('button', { name: 'Post update' }).click();
      await card.getByText('A fix is deployed, we are watching').waitFor();
      assert.equal(
        await page.locator('[data-testid=public-link]').getAttribute('href'),
        '/status/acme-status',
      );
    } finally {
      await page.context().close();
    }
  });

  test('anyone opens the public page without signing in and sees only what was chosen', async () => {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      colorScheme: 'light',
    });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    try {
      const res = await page.goto(`${hub.url}/status/acme-status`);
      assert.equal(res?.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/status/acme-status', 'no redirect to sign-in');
      const item = page.locator('section.item', { hasText: 'Checkout API' });
      await item.waitFor();
      assert.equal((await item.locator('.state').textContent())?.trim(), 'Operational');
      const bars = item.locator('ol.bars li');
      assert.equal(await bars.count(), 90);
      const today = new Date().toISOString().slice(0, 10);
      assert.match((await bars.nth(89).getAttribute('title')) ?? '', new RegExp(`^${today}: 100%$`));
      const titles = await bars.evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
      assert.ok(
        titles.some((t) => /: 95\.83%$/.test(t)),
        'a day with one failed hour of 24 shows 95.83 %',
      );
      assert.ok(
        (await page.locator('.banner').textContent())?.includes('Partial outage'),
        'an open major incident',
      );
      await page.getByText('A fix is deployed, we are watching').waitFor();
      await page.getByText('Payments take a minute').waitFor();

      const text = (await page.locator('body').textContent()) ?? '';
      const html = await page.content();
      assert.doesNotMatch(text, /hidden-intranet/);
      assert.doesNotMatch(html, /secret-checkout-path|127\.0\.0\.1:9/);
      // The stylesheet applies (bars coloured), and dark colours follow the viewer's system.
      // Expressions as strings: the test package has no DOM types.
      const colour = await page.evaluate(
        "getComputedStyle(document.querySelectorAll('section.item ol.bars li')[89]).backgroundColor",
      );
      assert.match(String(colour), /^rgb\(/, `a bar's colour: ${colour}`);
      const bodyColour = 'getComputedStyle(document.body).backgroundColor';
      const light = await page.evaluate(bodyColour);
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await page.evaluate(bodyColour);
      assert.match(String(light), /^rgb\(/);
      assert.match(String(dark), /^rgb\(/);
      assert.notEqual(dark, light);
      await page.screenshot({ path: resultsPath('browser', 'status-page-dark.png'), fullPage: true });
      assert.deepEqual(cspErrors, []);

      const missing = await page.goto(`${hub.url}/status/no-such-page`);
      assert.equal(missing?.status(), 404);
      await page.getByText('Status page not found').waitFor();
    } finally {
      await context.close();
    }
  });
});
