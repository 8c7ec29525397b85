/**
 * Container actions and the scan panel in headless Chromium against a real hub, agent and
 * Podman engine (PostgreSQL, so a viewer can be added straight to the users table): an admin
 * stops a container through the confirmation dialog and starts it again, a viewer sees no
 * buttons, and without Trivy on the host the scan panel says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { podman } from '../lib/podman.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

let stack: Stack;
let db: TestDatabase;
let browser: Browser;
let containerId = '';
let fullName = '';

before(async () => {
  db = await createTestDatabase();
  stack = await startStack({ name: 'actions-ui', withPodman: true, databaseUrl: db.url });
  const engine = stack.engine;
  assert.ok(engine);
  await engine.run({ name: 'clicked' });
  fullName = engine.fullName('clicked');
  const host = await waitForHostOnline(stack.api, await stack.startAgent());
  containerId = await waitFor(
    async () => {
      const c = (await stack.api.containers(host.id)).find((x) => x.name.replace(/^\//, '') === fullName);
      if (c?.state !== 'running') throw new NotYet(c?.state ?? 'not listed');
      return c.id;
    },
    { timeoutMs: 30_000, what: 'the container listed running' },
  );
  await db.sql`insert into users (username, password_hash, role)
    select 'viewer', password_hash, 'viewer' from users where username = 'admin'`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.cleanup();
  await db?.drop();
});

async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${stack.hub.url}/containers/${containerId}`);
  await page.waitForURL(/\/login/);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/containers\//);
  return page;
}

const podmanState = () => podman(['inspect', '--format', '{{.State.Status}}', fullName]);

async function badge(page: Page, state: string): Promise<void> {
  await waitFor(
    async () => {
      const text = ((await page.locator('[data-testid=state]').first().textContent()) ?? '').trim();
      if (text !== state) throw new NotYet(text);
      return true;
    },
    { timeoutMs: 15_000, intervalMs: 250, what: `state badge "${state}"` },
  );
}

describe('container actions in the UI', () => {
  test('an admin stops the container after confirming, then starts it again', async () => {
    const page = await signedIn(ADMIN_USER);
    try {
      await badge(page, 'running');
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      assert.match((await dialog.textContent()) ?? '', /SIGTERM/);
      // Cancel first: nothing happens.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal(await podmanState(), 'running');
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      await page.locator('[data-testid=confirm]').click();
      await badge(page, 'exited');
      assert.equal(await podmanState(), 'exited');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await badge(page, 'running');
      assert.equal(await podmanState(), 'running');
    } finally {
      await page.context().close();
    }
  });

  test('without Trivy on the host, "Scan now" ends in "Trivy is not installed on this host"', async () => {
    const page = await signedIn(ADMIN_USER);
    try {
      await page.getByRole('button', { name: 'Scan now' }).click();
      await page.locator('[data-testid=trivy-missing]').waitFor();
      assert.equal(
        ((await page.locator('[data-testid=trivy-missing]').textContent()) ?? '').trim(),
        'Trivy is not installed on this host.',
      );
    } finally {
      await page.context().close();
    }
  });

  test('a viewer sees no action buttons, only a note', async () => {
    const page = await signedIn('viewer');
    try {
      await badge(page, 'running');
      await page.locator('[data-testid=actions-viewer]').waitFor();
      assert.equal(await page.locator('[data-testid=actions] button').count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Scan now' }).count(), 0);
    } finally {
      await page.context().close();
    }
  });
});
