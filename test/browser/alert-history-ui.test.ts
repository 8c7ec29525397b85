/**
 * The alert History page in headless Chromium against a real hub (in this process, over
 * PGlite, serving the built UI from ui/dist) holding the hand-checked sample history of
 * hub/src/alerts/history/sample-history.ts: a viewer sees the MTTA and MTTR figures, the
 * noisiest rules, the heatmap in the browser's time zone and then in UTC, filters the timeline
 * and downloads the CSV export.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SAMPLE_RANGE, seedSampleHistory } from '../../hub/src/alerts/history/sample-history.js';
import { createUser } from '../../hub/src/auth/users.js';
import { startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { launchChromium } from '../lib/browser.js';
import { REPO_ROOT, resultsPath } from '../lib/paths.js';

const VIEWER = { username: 'vi', password: 'viewer password 1' };
const PATH = `/alerts/history?from=${SAMPLE_RANGE.from}&to=${SAMPLE_RANGE.to}`;

let hub: TestHub;
let browser: Browser;

before(async () => {
  hub = await startTestHub({
    env: { UNITY_UI_DIR: join(REPO_ROOT, 'ui', 'dist'), UNITY_ALERT_EVAL_INTERVAL: '1h' },
  });
  await createUser(hub.deps.db, { ...VIEWER, role: 'viewer' });
  await seedSampleHistory(hub.deps.db);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.close();
});

/** A viewer signed in, on the History page, in a browser whose clock is in Berlin (+01:00 in January). */
async function historyPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 1200 },
    timezoneId: 'Europe/Berlin',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${hub.url}${PATH}`);
  await page.waitForURL(/\/login/);
  await page.locator('input[name=username]').fill(VIEWER.username);
  await page.locator('input[name=password]').fill(VIEWER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/alerts/history');
  return page;
}

const text = async (page: Page, selector: string) => (await page.locator(selector).textContent())?.trim();
const cell = (page: Page, day: number, hour: number) =>
  page.locator(`[data-testid=heatmap] td[data-day="${day}"][data-hour="${hour}"]`);

describe('alert history in the UI', () => {
  test('a viewer sees MTTA, MTTR, the noisiest rules and the heatmap for the range', async () => {
    const page = await historyPage();
    try {
      await page.locator('[data-testid=mtta-mean]', { hasText: '5m 30s' }).waitFor();
      assert.equal(await text(page, '[data-testid=mtta-median]'), '5m');
      assert.equal(await text(page, '[data-testid=mtta-p90]'), '8m 48s');
      assert.equal(await text(page, '[data-testid=mttr-mean]'), '30m');
      assert.equal(await text(page, '[data-testid=mttr-median]'), '25m');
      assert.equal(await text(page, '[data-testid=mttr-p90]'), '51m');
      assert.equal(await text(page, '[data-testid=mttr-count]'), '4 of 5 firings, 1 still open');

      const bars = page.locator('[data-testid=noisiest] [data-testid=bar]');
      assert.equal(await bars.count(), 2);
      assert.equal(await bars.nth(0).locator('[data-testid=bar-label]').textContent(), 'CPU high');
      assert.match(
        (await bars.nth(0).locator('[data-testid=bar-value]').textContent()) ?? '',
        /^3 firings · 2 instances/,
      );
      assert.equal(await bars.nth(1).locator('[data-testid=bar-label]').textContent(), 'Disk, almost "full"');
      const widths = await page
        .locator('[data-testid=noisiest] .fill')
        .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));
      assert.ok(
        widths[0] && widths[1] && Math.abs(widths[1] / widths[0] - 2 / 3) < 0.02,
        `bars 3:2, got ${widths}`,
      );

      // The browser's zone: Monday 09:00 and 09:30 UTC are 10:00 and 10:30 in Berlin, and
      // Tuesday 23:30 UTC is Wednesday 00:30.
      assert.equal(await page.locator('[data-testid=heatmap-tz]').inputValue(), 'Europe/Berlin');
      assert.equal((await cell(page, 0, 10).textContent())?.trim(), '2');
      assert.equal(await cell(page, 0, 10).getAttribute('aria-label'), 'Monday 10:00–11:00: 2 firings');
      assert.equal((await cell(page, 2, 0).textContent())?.trim(), '1');
      assert.equal((await cell(page, 0, 9).textContent())?.trim(), '0');
      assert.equal(await cell(page, 0, 10).getAttribute('class'), 'l4');
      assert.equal(await cell(page, 2, 0).getAttribute('class'), 'l2');
      await page.screenshot({ path: resultsPath('ui-alert-history.png'), fullPage: true });

      await page.locator('[data-testid=heatmap-tz]').selectOption('UTC');
      await cell(page, 0, 9).filter({ hasText: '2' }).waitFor();
      assert.equal((await cell(page, 1, 23).textContent())?.trim(), '1');
      assert.equal((await cell(page, 0, 10).textContent())?.trim(), '1');
      assert.equal((await cell(page, 2, 0).textContent())?.trim(), '0');
    } finally {
      await page.context().close();
    }
  });

  test('a viewer filters the timeline and downloads the CSV export of what is filtered', async () => {
    const page = await historyPage();
    try {
      const rows = page.locator('[data-testid=history-row]');
      await rows.first().waitFor();
      assert.equal(await rows.count(), 13);
      const filters = page.locator('[data-testid=history-filters]');
      await filters.getByLabel('Changed to').selectOption('resolved');
      await filters.getByRole('button', { name: 'Filter' }).click();
      // Playwright locators pierce shadow roots: the fifth row going away is the filter applied.
      await rows.nth(4).waitFor({ state: 'detached' });
      assert.equal(await rows.count(), 4);
      assert.deepEqual(
        (await rows.locator('[data-testid=to-state]').allTextContents()).map((s) => s.trim()),
        ['resolved', 'resolved', 'resolved', 'resolved'],
      );
      await filters.getByLabel('Labels').fill('host=nas');
      await filters.getByRole('button', { name: 'Filter' }).click();
      await rows.nth(1).waitFor({ state: 'detached' });
      assert.equal(await rows.count(), 1);
      assert.match((await rows.first().textContent()) ?? '', /host=nas/);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-testid=export-csv]').click(),
      ]);
      assert.match(download.suggestedFilename(), /^alert-history-20250106T000000Z-20250112T235959Z\.csv$/);
      const csv = await readFile((await download.path()) ?? '', 'utf8');
      const lines = csv.split('\r\n');
      assert.equal(lines[0], 'at,time,rule_id,rule_name,fingerprint,from,to,value,labels');
      assert.equal(lines.length, 3, 'the header, the one filtered change and the final line break');
      assert.match(lines[1] ?? '', /,"Disk, almost ""full""",bbbbbbbbbbbbbbb1,firing,resolved,80,/);
    } finally {
      await page.context().close();
    }
  });
});
