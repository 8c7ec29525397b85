/**
 * The LDAP settings page in headless Chromium against a real hub (in this process, over PGlite,
 * serving the built UI from ui/dist) and a real OpenLDAP (slapd started by the test): an admin
 * fills in the directory and a group → role mapping, "Test connection" shows the user it found
 * with their groups and role, the settings are saved with the password field left empty
 * afterwards, and the directory user then signs in through the ordinary sign-in form. A
 * screenshot is saved as test-results/ldap-settings.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MeSchema } from '@unity/shared';
import type { Browser } from 'playwright-core';
import { ADMIN, startTestHub, type TestHub } from '../../hub/src/testing/hub.js';
import { baseEntries, ldifEntry, type Slapd, startSlapd } from '../../hub/src/testing/slapd.js';
import { launchChromium } from '../lib/browser.js';
import { REPO_ROOT, resultsPath } from '../lib/paths.js';

const S = 'dc=example,dc=org';
const SERVICE = { dn: `cn=unity,${S}`, password: 'service-secret-pw' };

let hub: TestHub;
let ldap: Slapd;
let browser: Browser;

before(async () => {
  [ldap, hub, browser] = await Promise.all([
    startSlapd({
      ldif: [
        ...baseEntries(S),
        ldifEntry(SERVICE.dn, {
          objectClass: ['organizationalRole', 'simpleSecurityObject'],
          cn: 'unity',
          userPassword: SERVICE.password,
        }),
        ldifEntry(`uid=alice,ou=people,${S}`, {
          objectClass: 'inetOrgPerson',
          uid: 'alice',
          cn: 'Alice',
          sn: 'Example',
          mail: 'alice@example.org',
          displayName: 'Alice Example',
          userPassword: 'alice-pw',
        }),
        ldifEntry(`cn=admins,ou=groups,${S}`, {
          objectClass: 'groupOfNames',
          cn: 'admins',
          member: `uid=alice,ou=people,${S}`,
        }),
      ].join('\n'),
    }),
    startTestHub({ env: { UNITY_UI_DIR: join(REPO_ROOT, 'ui', 'dist') } }),
    launchChromium(),
  ]);
});

after(async () => {
  await browser?.close();
  await hub?.close();
  await ldap?.stop();
});

describe('LDAP settings in the UI', () => {
  test('an admin connects the directory, tests it, saves it, and a directory user signs in', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${hub.url}/settings/ldap`);
      await page.waitForURL(/\/login/);
      await page.locator('input[name=username]').fill(ADMIN.username);
      await page.locator('input[name=password]').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/settings/ldap');

      const form = page.locator('[data-testid=ldap-form]');
      await form.locator('input[name=enabled]').check();
      await form.locator('input[name=url]').fill(ldap.url);
      await form.locator('select[name=security]').selectOption('plain');
      await form.locator('input[name=bindDn]').fill(SERVICE.dn);
      await form.locator('input[name=bindPassword]').fill(SERVICE.password);
      await page.locator('[data-testid=ldap-add-mapping]').click();
      const mapping = page.locator('[data-testid=ldap-mapping]');
      await mapping.locator('input[name=groupDn]').fill(`cn=admins,ou=groups,${S}`);
      await mapping.locator('input[name=role]').fill('admin');

      await form.locator('input[name=testUser]').fill('alice');
      await page.locator('[data-testid=ldap-test]').click();
      const result = page.locator('[data-testid=ldap-test-result]');
      await result.waitFor();
      const found = (await result.textContent()) ?? '';
      assert.match(found, /Connection works/);
      assert.match(found, /1 user\(s\) and 1 group\(s\) found/);
      assert.match(found, /Alice Example, alice@example\.org/);
      assert.match(found, /roles admin/);

      await page.locator('[data-testid=ldap-save]').click();
      await page.locator('[data-testid=ldap-notice]').waitFor();
      assert.equal(await form.locator('input[name=bindPassword]').inputValue(), '');
      assert.match(
        (await form.locator('input[name=bindPassword]').getAttribute('placeholder')) ?? '',
        /stored/,
      );
      await page.screenshot({ path: resultsPath('ldap-settings.png'), fullPage: true });

      const other = await browser.newContext();
      const alice = await other.newPage();
      alice.setDefaultTimeout(15_000);
      await alice.goto(`${hub.url}/login`);
      await alice.locator('input[name=username]').fill('alice');
      await alice.locator('input[name=password]').fill('alice-pw');
      await alice.getByRole('button', { name: 'Sign in' }).click();
      await alice.waitForURL((url) => url.pathname === '/');
      const me = MeSchema.parse(await alice.evaluate(async () => (await fetch('/api/auth/me')).json()));
      assert.deepEqual([me.username, me.role], ['alice', 'admin']);
      await other.close();
    } finally {
      await context.close();
    }
  });
});
