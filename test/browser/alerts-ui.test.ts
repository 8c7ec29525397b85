/**
 * The alert routing pages in headless Chromium against a real hub (in this process, over
 * PGlite, serving the built UI from ui/dist), so the test can push firing alerts straight into
 * the hub's router: an editor acknowledges an alert and silences it from its Silence button,
 * creates a silence from the form and expires it, saves a child route in the policy editor, and
 * sees the hub's message for a bad regular expression, previews a rule on a scraped series; a
 * viewer sees every page without write buttons.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NotificationPolicyResponseSchema, type NotifiedAlert } from '@unity/shared';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../hub/src/auth/users.js';
import { storeSeriesSamples, upsertSeries } from '../../hub/src/metrics/generic-series.js';
import { login, startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { launchChromium } from '../lib/browser.js';
import { REPO_ROOT, resultsPath } from '../lib/paths.js';
import { NotYet, waitFor } from '../lib/wait.js';

const EDITOR = { username: 'ed', password: 'editor password 1' };
const VIEWER = { username: 'vi', password: 'viewer password 1' };

let hub: TestHub;
let browser: Browser;

const firing = (name: string, labels: Record<string, string>): NotifiedAlert => ({
  fingerprint: name,
  status: 'firing',
  ruleId: 'rule-container-down',
  ruleName: 'Container down',
  severity: 'critical',
  labels,
  annotations: { summary: `${labels.container ?? name} is down` },
  value: 1,
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  endsAt: null,
  url: 'http://hub.test/alerts',
});

before(async () => {
  hub = await startTestHub({
    // Where rule evaluation feeds the router, each evaluation hands it the complete picture (with
    // no rules: nothing firing), which would resolve the alerts pushed below: evaluate rarely.
    env: { UNITY_UI_DIR: join(REPO_ROOT, 'ui', 'dist'), UNITY_ALERT_EVAL_INTERVAL: '1h' },
  });
  await createUser(hub.deps.db, { ...EDITOR, role: 'editor' });
  await createUser(hub.deps.db, { ...VIEWER, role: 'viewer' });
  // …and let the evaluation made at start finish first (evaluations queue one after another).
  await (hub.deps as { alerts?: { evaluate(): Promise<unknown> } }).alerts?.evaluate();
  await hub.deps.alertRouter.update([
    firing('web-down', { alertname: 'ContainerDown', container: 'web', host: 'h1' }),
    firing('db-down', { alertname: 'ContainerDown', container: 'db', host: 'h1' }),
  ]);
  const queue = await upsertSeries(hub.deps.db, {
    source: 'scrape',
    name: 'queue_depth',
    labels: { job: 'api', instance: 'a' },
  });
  await storeSeriesSamples(hub.deps.db, queue, [{ ts: Date.now() - 10_000, value: 50 }]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.close();
});

async function signedIn(user: { username: string; password: string }, path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${hub.url}${path}`);
  await page.waitForURL(/\/login/);
  await page.locator('input[name=username]').fill(user.username);
  await page.locator('input[name=password]').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === path);
  return page;
}

describe('alert routing in the UI', () => {
  test('an editor acknowledges a firing alert and silences another from its Silence button', async () => {
    const page = await signedIn(EDITOR, '/alerts');
    try {
      const web = page.locator('[data-testid=alert][data-fingerprint=web-down]');
      await web.waitFor();
      assert.equal((await web.locator('[data-testid=alert-state]').textContent())?.trim(), 'firing');
      await web.getByRole('button', { name: 'Acknowledge Container down' }).click();
      await web.locator('[data-testid=alert-state]', { hasText: 'acknowledged' }).waitFor();
      assert.equal(await web.locator('[data-testid=ack]').count(), 0, 'no second Ack');
      await page.screenshot({ path: resultsPath('ui-alerts.png'), fullPage: true });

      const db = page.locator('[data-testid=alert][data-fingerprint=db-down]');
      await db.locator('[data-testid=silence]').click();
      await page.waitForURL(/\/alerts\/silences\?/);
      const form = page.locator('[data-testid=silence-form]');
      const inputs = form.locator('input[name=matcher-value]');
      const values: string[] = [];
      for (let i = 0; i < (await inputs.count()); i++) values.push(await inputs.nth(i).inputValue());
      assert.deepEqual(values.sort(), ['ContainerDown', 'db', 'h1']);
      assert.equal(await form.locator('input[name=duration]').inputValue(), '2h');
      await form.getByLabel('Comment').fill('db maintenance');
      await form.getByRole('button', { name: 'Create silence' }).click();
      await page.locator('[data-testid=silence-comment]', { hasText: 'db maintenance' }).waitFor();

      await page.goto(`${hub.url}/alerts`);
      await db.locator('[data-testid=alert-state]', { hasText: 'silenced' }).waitFor();
    } finally {
      await page.context().close();
    }
  });

  test('an editor creates a silence from the form, sees it listed active, then expires it', async () => {
    const page = await signedIn(EDITOR, '/alerts/silences');
    try {
      const form = page.locator('[data-testid=silence-form]');
      await form.locator('input[name=matcher-value]').first().fill('DiskFull');
      await form.getByRole('textbox', { name: /^Duration/ }).fill('30m');
      await form.getByLabel('Comment').fill('disk swap tonight');
      await form.getByRole('button', { name: 'Create silence' }).click();
      const row = page.locator('[data-testid=silence]', { hasText: 'disk swap tonight' });
      await row.waitFor();
      assert.equal(await row.getAttribute('data-state'), 'active');
      assert.match((await row.textContent()) ?? '', /alertname="DiskFull"/);
      await page.screenshot({ path: resultsPath('ui-silences.png'), fullPage: true });
      await row.getByRole('button', { name: /Expire/ }).click();
      await page
        .locator('[data-testid=silence][data-state=expired]', { hasText: 'disk swap tonight' })
        .waitFor();
      assert.equal(await row.locator('[data-testid=expire]').count(), 0);
    } finally {
      await page.context().close();
    }
  });

  test('a bad regular expression in a matcher is refused with the hub message shown', async () => {
    const page = await signedIn(EDITOR, '/alerts/silences');
    try {
      const form = page.locator('[data-testid=silence-form]');
      await form.locator('select[name=matcher-op]').first().selectOption('=~');
      await form.locator('input[name=matcher-value]').first().fill('web(');
      await form.getByLabel('Comment').fill('broken pattern');
      await form.getByRole('button', { name: 'Create silence' }).click();
      const error = page.locator('[data-testid=silence-form-error]');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /invalid regular expression/);
      assert.equal(await page.locator('[data-testid=silence]', { hasText: 'broken pattern' }).count(), 0);
    } finally {
      await page.context().close();
    }
  });

  test('the policy editor saves a child route and the API returns it', async () => {
    const page = await signedIn(EDITOR, '/alerts/policy');
    try {
      await page.locator('[data-testid=route-node][data-path=""]').waitFor();
      await page.locator('[data-testid=add-child]').click();
      await page.locator('[data-testid=route-node][data-path="0"]').waitFor();
      const form = page.locator('[data-testid=route-form]');
      await form.locator('input[name=matcher-value]').first().fill('warning');
      await form.getByLabel(/Contact point/).fill('ops-pager');
      await form.getByLabel(/Repeat interval/).fill('1h');
      await form.locator('[data-testid=save-policy]').click();
      await page.locator('[data-testid=policy-saved]').waitFor();
      const node = page.locator('[data-testid=route-node][data-path="0"]');
      assert.match((await node.textContent()) ?? '', /severity="warning"/);
      assert.match((await node.textContent()) ?? '', /ops-pager/);

      const res = await fetch(`${hub.url}/api/notification-policy`, {
        headers: { cookie: await login(hub) },
      });
      const { policy } = NotificationPolicyResponseSchema.parse(await res.json());
      const child = policy.routes?.[0];
      assert.deepEqual(child?.matchers, [{ label: 'severity', op: '=', value: 'warning' }]);
      assert.equal(child?.contactPointId, 'ops-pager');
      assert.equal(child?.repeatInterval, '1h');
      assert.ok(child?.id, 'the hub gave the new route an id');
      await page.screenshot({ path: resultsPath('ui-policy.png'), fullPage: true });

      // A bad regex in the policy is refused too, with the message next to the form.
      await node.click();
      await form.locator('select[name=matcher-op]').first().selectOption('=~');
      await form.locator('input[name=matcher-value]').first().fill('[');
      await form.locator('[data-testid=save-policy]').click();
      await page
        .locator('[data-testid=policy-form-error]', { hasText: 'invalid regular expression' })
        .waitFor();
    } finally {
      await page.context().close();
    }
  });

  test('an editor creates a time interval, and a bad time zone is refused with the message shown', async () => {
    const page = await signedIn(EDITOR, '/alerts/time-intervals');
    try {
      const form = page.locator('[data-testid=interval-form]');
      await form.getByLabel('Name').fill('business-hours');
      assert.equal(await form.getByLabel(/Weekdays/).inputValue(), 'monday:friday');
      await form.getByLabel(/Time zone/).fill('Mars/Olympus');
      await form.getByRole('button', { name: 'Create' }).click();
      await page.locator('[data-testid=interval-form-error]', { hasText: 'IANA time zone' }).waitFor();
      await form.getByLabel(/Time zone/).fill('Europe/Paris');
      await form.getByRole('button', { name: 'Create' }).click();
      const row = page.locator('[data-testid=time-interval][data-name=business-hours]');
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /monday:friday · 09:00–17:00 \(Europe\/Paris\)/);
      const res = await fetch(`${hub.url}/api/time-intervals/business-hours`, {
        headers: { cookie: await login(hub) },
      });
      assert.equal(res.status, 200);

      await row.getByRole('button', { name: 'Delete business-hours' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await page.locator('[data-testid=intervals-empty]').waitFor();
    } finally {
      await page.context().close();
    }
  });

  test('an editor creates an inhibition rule next to the built-in one, deletes it, and creates an escalation chain', async () => {
    const page = await signedIn(EDITOR, '/alerts/inhibition');
    try {
      const rules = page.locator('[data-testid=inhibition-rule]');
      await rules.first().waitFor();
      assert.match((await rules.first().textContent()) ?? '', /built in/);
      assert.equal(await rules.first().getByRole('button').count(), 0, 'the built-in rule cannot be deleted');
      const form = page.locator('[data-testid=inhibition-form]');
      await form.getByLabel('Name').fill('switch down mutes hosts');
      await form.locator('input[name=matcher-value]').nth(0).fill('SwitchDown');
      await form.locator('input[name=matcher-value]').nth(1).fill('HostOffline');
      await form.getByLabel(/Equal labels/).fill('rack');
      await form.getByRole('button', { name: 'Create rule' }).click();
      const mine = rules.filter({ hasText: 'switch down mutes hosts' });
      await mine.waitFor();
      assert.match((await mine.textContent()) ?? '', /alertname="SwitchDown"/);
      await page.screenshot({ path: resultsPath('ui-inhibition.png'), fullPage: true });
      await mine.getByRole('button', { name: 'Delete switch down mutes hosts' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await waitFor(
        async () => {
          if ((await rules.count()) !== 1) throw new NotYet(String(await rules.count()));
          return true;
        },
        { timeoutMs: 10_000, what: 'only the built-in rule left' },
      );

      const chainForm = page.locator('[data-testid=chain-form]');
      await chainForm.getByLabel('Name').fill('night shift');
      await chainForm.getByLabel(/Step 1: contact point/).fill('first-line');
      await chainForm.getByRole('button', { name: 'Add step' }).click();
      await chainForm.getByLabel(/Step 2: contact point/).fill('second-line');
      await chainForm.getByRole('button', { name: 'Create chain' }).click();
      const chain = page.locator('[data-testid=escalation-chain]', { hasText: 'night shift' });
      await chain.waitFor();
      assert.match((await chain.textContent()) ?? '', /first-line \(wait 10m\)\s*→\s*second-line/);
    } finally {
      await page.context().close();
    }
  });

  test('the rule editor previews a rule on a scraped series picked from the suggestions, and offers Kubernetes objects', async () => {
    const page = await signedIn(EDITOR, '/alerts/rules');
    try {
      await page.getByRole('button', { name: 'New blank rule' }).click();
      const form = page.locator('[data-testid=rule-form]');
      await form.locator('select[name=object]').selectOption({ label: 'Scraped series' });
      await form.locator('#series-metrics option[value=queue_depth]').waitFor({ state: 'attached' });
      await form.locator('input[name=series-metric]').fill('queue_depth');
      assert.equal(await form.locator('select[name=condition-kind] option[value=status]').count(), 0);
      await form.locator('input[name=threshold]').fill('20');
      const summary = page.locator('[data-testid=preview-summary]', { hasText: '1 of 1 series' });
      await summary.waitFor();
      assert.match((await summary.textContent()) ?? '', /1 of 1 series would fire/);

      // Kubernetes nodes have statuses only: the condition becomes one, listing the node statuses.
      await form.locator('select[name=object]').selectOption({ label: 'Kubernetes nodes' });
      assert.equal(await form.locator('select[name=condition-kind] option[value=threshold]').count(), 0);
      assert.deepEqual(await form.locator('select[name=status] option').allTextContents(), [
        'not_ready',
        'memory_pressure',
        'disk_pressure',
        'pid_pressure',
        'unschedulable',
      ]);
      await page.locator('[data-testid=preview-summary]', { hasText: '0 of 0 nodes' }).waitFor();
    } finally {
      await page.context().close();
    }
  });

  test('a viewer sees every alerts page without write buttons', async () => {
    const page = await signedIn(VIEWER, '/alerts');
    try {
      await page.locator('[data-testid=alert]').first().waitFor();
      assert.equal(await page.locator('[data-testid=ack]').count(), 0);
      assert.equal(await page.locator('[data-testid=silence]').count(), 0);

      await page.getByRole('link', { name: 'Silences' }).click();
      await page.locator('[data-testid=silence]').first().waitFor();
      await page.locator('[data-testid=viewer-note]').waitFor();
      assert.equal(await page.locator('[data-testid=silence-form]').count(), 0);
      assert.equal(await page.locator('[data-testid=expire]').count(), 0);

      await page.getByRole('link', { name: 'Notification policy' }).click();
      await page.locator('[data-testid=route-node]').first().waitFor();
      await page.locator('[data-testid=viewer-note]').waitFor();
      assert.equal(await page.locator('[data-testid=route-form]').count(), 0);

      await page.getByRole('link', { name: 'Time intervals' }).click();
      await page.locator('[data-testid=viewer-note]').waitFor();
      assert.equal(await page.locator('[data-testid=interval-form]').count(), 0);
    } finally {
      await page.context().close();
    }
  });
});
