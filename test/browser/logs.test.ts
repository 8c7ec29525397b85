/**
 * The log viewer in headless Chromium against a real hub, agent and Podman engine: open a
 * container's page, see its lines arrive live, search (matches highlighted), filter by level,
 * and switch to the merged view of its compose stack where each line names its container.
 * A screenshot is saved as test-results/ui-logs.png.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

let stack: Stack;
let browser: Browser;
let apiId = '';
const project = `proj${randomBytes(3).toString('hex')}`;
const names: string[] = [];

/** Ten lines a second, every fifth an ERROR, each carrying the container's tag and a counter. */
const talker = (tag: string) =>
  `i=0; while :; do if [ $((i % 5)) -eq 0 ]; then echo "ERROR ${tag} failure $i"; else echo "INFO ${tag} tick $i"; fi; i=$((i+1)); usleep 100000; done`;

before(async () => {
  stack = await startStack({ name: 'ui-logs', withPodman: true });
  const engine = stack.engine;
  assert.ok(engine);
  for (const tag of ['api', 'db']) {
    await engine.run({
      name: tag,
      labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': tag },
      command: ['sh', '-c', talker(tag)],
    });
    names.push(engine.fullName(tag));
  }
  const agent = await stack.startAgent();
  const host = await waitForHostOnline(stack.api, agent, 30_000);
  apiId = await waitFor(
    async () => {
      const c = (await stack.api.containers(host.id)).find((x) => x.name.replace(/^\//, '') === names[0]);
      if (!c) throw new NotYet('api container not listed');
      return c.id;
    },
    { timeoutMs: 30_000, what: 'the api container listed' },
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
});

const count = (l: Locator) => l.evaluateAll((els) => els.length);

describe('log viewer in headless Chromium', () => {
  test('lines arrive live; search highlights; the level filter and the stack view work', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${stack.hub.url}/containers/${apiId}`);
      await page.waitForURL(/\/login/);
      await page.locator('input[name=username]').fill(ADMIN_USER);
      await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/containers\//);

      const lines = page.locator('[data-testid=log-lines] .line');
      await lines.first().waitFor();
      const first = await count(lines);
      await waitFor(
        async () => {
          const now = await count(lines);
          if (now < first + 5) throw new NotYet(`${now} lines (had ${first})`);
          return now;
        },
        { timeoutMs: 10_000, what: 'new lines arriving live' },
      );
      assert.match((await lines.last().textContent()) ?? '', /(INFO|ERROR) api (tick|failure) \d+/);

      await page.locator('[data-testid=log-search]').fill('failure');
      const marks = page.locator('[data-testid=log-lines] mark');
      await marks.first().waitFor();
      assert.equal(await marks.first().textContent(), 'failure');
      const shown = await lines.allTextContents();
      assert.ok(
        shown.length > 0 && shown.every((t) => t.includes('failure')),
        'search shows matching lines only',
      );
      await page.locator('[data-testid=log-search]').fill('');

      await page.locator('[data-testid=log-level]').selectOption('error');
      await waitFor(
        async () => {
          const texts = await lines.allTextContents();
          if (texts.length === 0 || !texts.every((t) => t.includes('ERROR')))
            throw new NotYet(texts.slice(-3).join('|'));
          return true;
        },
        { timeoutMs: 5000, what: 'only ERROR lines' },
      );
      await page.locator('[data-testid=log-level]').selectOption('');

      await page.locator('[data-testid=log-stack]').check();
      await waitFor(
        async () => {
          const sources = await page.locator('[data-testid=log-lines] .line .src').allTextContents();
          const both = names.every((n) => sources.includes(n));
          if (!both) throw new NotYet(`sources: ${[...new Set(sources)].join(', ')}`);
          return true;
        },
        { timeoutMs: 15_000, what: 'lines of both stack containers, tagged' },
      );
      const times = await page
        .locator('[data-testid=log-lines] .line .t')
        .evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
      assert.deepEqual(times, [...times].sort(), 'the merged view is in time order');
      await page.screenshot({ path: resultsPath('ui-logs.png'), fullPage: true });
    } catch (error) {
      await page.screenshot({ path: resultsPath('ui-logs-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
});
