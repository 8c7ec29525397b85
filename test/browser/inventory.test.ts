/**
 * The inventory pages in headless Chromium against a real hub, agent and Podman engine: the
 * Containers page groups a Compose project's containers into one stack, and the Images page marks
 * an image no container uses. Screenshots: test-results/ui-stacks.png, ui-images.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImageListSchema, StackListSchema } from '@unity/shared';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { resultsPath } from '../lib/paths.js';
import { BUSYBOX_IMAGE, podman } from '../lib/podman.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

let stack: Stack;
let browser: Browser;
let project = '';
let spareTag = '';

before(async () => {
  stack = await startStack({ name: 'ui-inventory', withPodman: true });
  const engine = stack.engine;
  assert.ok(engine);
  project = engine.fullName('shop');
  spareTag = `localhost/${engine.fullName('spare')}:1`;
  for (const service of ['web', 'db']) {
    await podman([
      'run',
      '-d',
      '--network',
      'none',
      '--name',
      engine.fullName(service),
      '--label',
      `unity-test=${engine.prefix}`,
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      `com.docker.compose.service=${service}`,
      BUSYBOX_IMAGE,
      'sleep',
      '3600',
    ]);
  }
  await podman(['commit', engine.fullName('web'), spareTag]);
  const agent = await stack.startAgent();
  const host = await waitForHostOnline(stack.api, agent, 30_000);
  await waitFor(
    async () => {
      const stacks = StackListSchema.parse(await stack.api.json(`/api/stacks?host=${host.id}`)).items;
      const images = ImageListSchema.parse(await stack.api.json(`/api/images?host=${host.id}`)).items;
      const ready =
        stacks.some((s) => s.name === project && s.running === 2) &&
        images.some((i) => i.tags.includes(spareTag));
      if (!ready) throw new NotYet('stack and image not in the API yet');
      return true;
    },
    { timeoutMs: 30_000, what: 'the stack and the spare image in the API' },
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
  await podman(['rmi', '--force', spareTag], true);
});

describe('inventory pages in headless Chromium', () => {
  test('the Containers page groups the stack; the Images page marks the unused image', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${stack.hub.url}/containers`);
      await page.waitForURL(/\/login/);
      await page.locator('input[name=username]').fill(ADMIN_USER);
      await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/containers$/);

      const group = page.locator(`[data-testid=stack-group][data-stack="${project}"]`);
      await group.waitFor();
      assert.match((await group.locator('[data-testid=stack-count]').textContent()) ?? '', /2 of 2 running/);
      const names = await group
        .locator('[data-testid=container-row]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-container-name')));
      assert.deepEqual(names.sort(), [stack.engine?.fullName('db'), stack.engine?.fullName('web')].sort());
      await page.screenshot({ path: resultsPath('ui-stacks.png'), fullPage: true });

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Images' }).click();
      await page.waitForURL(/\/images$/);
      const spare = page.locator(`[data-testid=inventory-row][data-tags~="${spareTag}"]`);
      await spare.waitFor();
      assert.equal(
        await spare.locator('[data-testid=unused]').count(),
        1,
        'the spare image is marked unused',
      );
      const busybox = page.locator(`[data-testid=inventory-row][data-tags~="${BUSYBOX_IMAGE}"]`);
      await busybox.waitFor();
      assert.equal(await busybox.locator('[data-testid=unused]').count(), 0, 'busybox is in use');
      await page.screenshot({ path: resultsPath('ui-images.png'), fullPage: true });
    } catch (error) {
      await page
        .screenshot({ path: resultsPath('ui-inventory-failure.png'), fullPage: true })
        .catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
});
