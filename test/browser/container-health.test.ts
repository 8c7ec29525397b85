/**
 * The container page's health panel and event timeline in headless Chromium, against a real
 * hub, agent and Podman engine: a container whose health check fails shows "unhealthy" with its
 * failing streak and check outputs; its events are listed, the action filter narrows them, and
 * stopping the container adds `die` to the open page without a reload. Screenshot:
 * test-results/ui-container-health.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { podman } from '../lib/podman.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

let stack: Stack;
let browser: Browser;
let hubContainerId = '';

before(async () => {
  stack = await startStack({ name: 'ui-health', withPodman: true });
  const engine = stack.engine;
  assert.ok(engine);
  const agent = await stack.startAgent();
  const host = await waitForHostOnline(stack.api, agent, 30_000);
  // Made after the agent started, so its whole life is in the event timeline.
  const id = await engine.run({
    name: 'sick',
    command: ['sh', '-c', 'echo started; sleep 3600'],
    options: [
      '--health-cmd',
      'echo checking disk; exit 1',
      '--health-interval',
      '1s',
      '--health-retries',
      '1',
    ],
  });
  // No systemd timers on this machine: run the checks as Podman's timer would.
  for (let i = 0; i < 2; i++) await podman(['healthcheck', 'run', engine.fullName('sick')], true);
  hubContainerId = await waitFor(
    async () => {
      const c = (await stack.api.containers(host.id)).find((x) => x.containerId === id);
      if (c?.health !== 'unhealthy') throw new NotYet(`health ${c?.health}`);
      return c.id;
    },
    { timeoutMs: 30_000, what: 'the container unhealthy in the API' },
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
});

async function textOf(page: Page, selector: string, expected: RegExp): Promise<string> {
  return waitFor(
    async () => {
      const text = ((await page.locator(selector).first().textContent()) ?? '').trim();
      if (!expected.test(text)) throw new NotYet(text);
      return text;
    },
    { timeoutMs: 15_000, intervalMs: 250, what: `${selector} matching ${expected}` },
  );
}

describe('container health and events in the UI', () => {
  test('health panel shows unhealthy with streak and outputs; events filter; a stop appears live', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${stack.hub.url}/login`);
      await page.locator('input[name=username]').fill(ADMIN_USER);
      await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[data-testid=host-row]').first().waitFor();
      await page.goto(`${stack.hub.url}/containers/${hubContainerId}`);

      await textOf(page, '[data-testid=health-status]', /unhealthy/);
      const streak = Number(await textOf(page, '[data-testid=failing-streak]', /^\d+$/));
      assert.ok(streak >= 1, `failing streak ${streak}`);
      await textOf(page, '[data-testid=health-log]', /checking disk/);
      await textOf(page, '[data-testid=oom]', /^no$/);
      await textOf(page, '[data-testid=event-list]', /start/);

      await page.locator('[data-testid=event-action]').fill('create');
      await page.locator('[data-testid=event-action]').press('Enter');
      await page.locator('[data-testid=event-action]').blur();
      await waitFor(
        async () => {
          const items = await page.locator('[data-testid=event-list] li').allTextContents();
          if (items.length !== 1 || !items[0]?.includes('create')) throw new NotYet(JSON.stringify(items));
          return true;
        },
        { timeoutMs: 10_000, what: 'only the create event listed' },
      );
      await page.locator('[data-testid=event-action]').fill('');
      await page.locator('[data-testid=event-action]').blur();

      await stack.engine?.stop('sick');
      // The open page learns of the new events over the live socket; no reload.
      await waitFor(
        async () => {
          const actions = (await page.locator('[data-testid=event-list] unity-badge').allTextContents()).map(
            (t) => t.trim(),
          );
          if (!actions.includes('die')) throw new NotYet(actions.join(','));
          return true;
        },
        { timeoutMs: 10_000, intervalMs: 250, what: 'a die event on the open page' },
      );
      await textOf(page, '[data-testid=event-list]', /exit 137/);
      await page.screenshot({ path: resultsPath('ui-container-health.png'), fullPage: true });
    } catch (error) {
      await page
        .screenshot({ path: resultsPath('ui-container-health-failure.png'), fullPage: true })
        .catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
});
