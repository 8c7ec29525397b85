/**
 * LDAP sign-in against a real OpenLDAP (Debian's slapd, started by the test on loopback with
 * users in groupOfNames, groupOfUniqueNames and posixGroup groups), through the hub's real HTTP
 * API: search-then-bind with good and bad passwords, unknown users and filter injection, group →
 * role mapping, a group removal picked up by the periodic sync (sessions ended), StartTLS and
 * LDAPS with a throwaway CA, the write-only bind password, regulation, the 2FA challenge, and
 * the admin-only settings endpoints. The whole suite on PGlite, the core on PostgreSQL too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AuditListSchema,
  type LdapSettingsUpdate,
  LdapSettingsViewSchema,
  LdapTestResultSchema,
  MeSchema,
  TotpEnrolmentSchema,
} from '@unity/shared';
import { Attribute, Change, Client } from 'ldapts';
import * as OTPAuth from 'otpauth';
import { backends } from '../../testing/databases.js';
import { ADMIN, startTestHub, type TestHub, waitFor } from '../../testing/hub.js';
import { baseEntries, ldifEntry, type Slapd, startSlapd } from '../../testing/slapd.js';
import { createUser } from '../users.js';

const S = 'dc=example,dc=org';
const SERVICE = { dn: `cn=unity,${S}`, password: 'service-secret-pw' };
const person = (uid: string, password: string, extra: Record<string, string> = {}) =>
  ldifEntry(`uid=${uid},ou=people,${S}`, {
    objectClass: 'inetOrgPerson',
    uid,
    cn: uid,
    sn: uid,
    mail: `${uid}@example.org`,
    displayName: `${uid[0]?.toUpperCase()}${uid.slice(1)} Example`,
    userPassword: password,
    ...extra,
  });
const DN = (uid: string) => `uid=${uid},ou=people,${S}`;
const GROUP = (cn: string) => `cn=${cn},ou=groups,${S}`;

const LDIF = [
  ...baseEntries(S),
  ldifEntry(SERVICE.dn, {
    objectClass: ['organizationalRole', 'simpleSecurityObject'],
    cn: 'unity',
    userPassword: SERVICE.password,
  }),
  person('alice', 'alice-pw'),
  person('bob', 'bob-pw'),
  person('carol', 'carol-pw'),
  person('dave', 'dave-pw'),
  ldifEntry(GROUP('admins'), { objectClass: 'groupOfNames', cn: 'admins', member: DN('alice') }),
  ldifEntry(GROUP('ops'), {
    objectClass: 'groupOfUniqueNames',
    cn: 'ops',
    uniqueMember: [DN('bob'), DN('gone')],
  }),
  ldifEntry(GROUP('watchers'), {
    objectClass: 'posixGroup',
    cn: 'watchers',
    gidNumber: '5000',
    memberUid: 'carol',
  }),
].join('\n');

function settingsFor(ldap: Slapd, over: Partial<LdapSettingsUpdate> = {}): LdapSettingsUpdate {
  return {
    enabled: true,
    url: ldap.url,
    security: 'plain',
    caCertificate: '',
    verifyCertificate: true,
    bindDn: SERVICE.dn,
    bindPassword: SERVICE.password,
    userBase: `ou=people,${S}`,
    userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
    groupBase: `ou=groups,${S}`,
    groupFilter: '',
    usernameAttribute: 'uid',
    emailAttribute: 'mail',
    displayNameAttribute: 'displayName',
    autoProvision: true,
    mappings: [
      { groupDn: GROUP('admins'), role: 'admin' },
      // Spelled differently from the directory: DNs compare case- and space-insensitively.
      { groupDn: `CN=ops, ou=groups, ${S}`, role: 'editor' },
      { groupDn: GROUP('watchers'), role: 'viewer' },
    ],
    syncIntervalSeconds: 3600,
    timeoutMs: 3000,
    ...over,
  };
}

/** A browser: keeps the cookies the hub sets and sends them back. */
class Browser {
  cookie = '';
  constructor(readonly hub: TestHub) {}
  async call(method: string, path: string, body?: unknown) {
    const res = await fetch(this.hub.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const set = res.headers.getSetCookie().find((l) => l.startsWith('unity_session='));
    if (set) this.cookie = set.split(';')[0] ?? '';
    const text = await res.text();
    return { status: res.status, text, json: text ? (JSON.parse(text) as unknown) : undefined };
  }
  login(username: string, password: string) {
    return this.call('POST', '/api/auth/login', { username, password });
  }
}

async function modifyGroup(
  ldap: Slapd,
  group: string,
  operation: 'add' | 'delete',
  attr: string,
  value: string,
) {
  const client = new Client({ url: ldap.url });
  await client.bind(ldap.rootDn, ldap.rootPassword);
  await client.modify(
    group,
    new Change({ operation, modification: new Attribute({ type: attr, values: [value] }) }),
  );
  await client.unbind();
}

let ldap: Slapd;
before(async () => {
  ldap = await startSlapd({ ldif: LDIF, tls: true });
});
after(() => ldap.stop());

for (const backend of backends) {
  const full = backend.name === 'pglite';
  describe(`LDAP sign-in on ${backend.name}`, () => {
    let hub: TestHub;
    const admin = () => new Browser(hub);
    let root: Browser;

    before(async () => {
      hub = await startTestHub({
        database: await backend.open(),
        env: { UNITY_REGULATION_DELAY_MS: '0', UNITY_REGULATION_IP_MAX_RETRIES: '1000' },
      });
      root = admin();
      assert.equal((await root.login(ADMIN.username, ADMIN.password)).status, 200);
      const saved = await root.call('PUT', '/api/ldap/settings', settingsFor(ldap));
      assert.equal(saved.status, 200, saved.text);
    });
    after(() => hub.close());

    it('signs a directory user in by search-then-bind and maps their group to a role', async () => {
      const alice = new Browser(hub);
      const res = await alice.login('alice', 'alice-pw');
      assert.equal(res.status, 200, res.text);
      const me = MeSchema.parse((await alice.call('GET', '/api/auth/me')).json);
      assert.equal(me.username, 'alice');
      assert.equal(me.role, 'admin');
      const bob = new Browser(hub);
      assert.equal((await bob.login('bob', 'bob-pw')).status, 200);
      assert.equal(MeSchema.parse((await bob.call('GET', '/api/auth/me')).json).role, 'editor');
      // posixGroup membership is by memberUid, not DN.
      // The directory matches names case-insensitively; the same account is used.
      const again = new Browser(hub);
      assert.equal((await again.login('ALICE', 'alice-pw')).status, 200);
      assert.equal(MeSchema.parse((await again.call('GET', '/api/auth/me')).json).username, 'alice');
      const carol = new Browser(hub);
      assert.equal((await carol.login('carol', 'carol-pw')).status, 200);
      assert.equal(MeSchema.parse((await carol.call('GET', '/api/auth/me')).json).role, 'viewer');
      const audit = AuditListSchema.parse(
        (await root.call('GET', '/api/audit-log?action=auth.signin&limit=20')).json,
      );
      assert.ok(
        audit.items.some(
          (e) => e.objectName === 'alice' && e.outcome === 'ok' && /ldap/.test(e.message ?? ''),
        ),
      );
    });

    it('refuses a wrong password, an unknown user and a user in no mapped group', async () => {
      const b = new Browser(hub);
      assert.equal((await b.login('alice', 'not-alice-pw')).status, 401);
      assert.equal((await b.login('nobody', 'whatever-pw')).status, 401);
      // An empty password would be an unauthenticated bind, which slapd accepts.
      assert.equal((await b.login('alice', '')).status, 400);
      const dave = await b.login('dave', 'dave-pw');
      assert.equal(dave.status, 403);
      assert.match(dave.text, /no group that grants access/);
      const users = (await root.call('GET', '/api/users')).text;
      assert.ok(!users.includes('"dave"'), 'no account is made for a user without a mapped group');
      const audit = AuditListSchema.parse(
        (await root.call('GET', '/api/audit-log?action=auth.signin&limit=50')).json,
      );
      assert.ok(audit.items.some((e) => e.objectName === 'alice' && e.outcome === 'unauthorized'));
    });

    it('keeps local accounts working beside the directory', async () => {
      const local = new Browser(hub);
      assert.equal((await local.login(ADMIN.username, ADMIN.password)).status, 200);
      assert.equal((await local.login(ADMIN.username, 'wrong password here')).status, 401);
    });

    it('removes the access of a user taken out of their group at the periodic sync', async () => {
      const bob = new Browser(hub);
      assert.equal((await bob.login('bob', 'bob-pw')).status, 200);
      await modifyGroup(ldap, GROUP('ops'), 'delete', 'uniqueMember', DN('bob'));
      try {
        const fast = await root.call('PUT', '/api/ldap/settings', {
          ...settingsFor(ldap, { syncIntervalSeconds: 1 }),
          bindPassword: undefined,
        });
        assert.equal(fast.status, 200, fast.text);
        await waitFor(async () => (await bob.call('GET', '/api/auth/me')).status === 401, 5000);
        const audit = AuditListSchema.parse(
          (await root.call('GET', '/api/audit-log?action=auth.ldap.access_removed')).json,
        );
        assert.ok(audit.items.some((e) => e.objectName === 'bob'));
        assert.equal((await bob.login('bob', 'bob-pw')).status, 403);
      } finally {
        await modifyGroup(ldap, GROUP('ops'), 'add', 'uniqueMember', DN('bob'));
        await root.call('PUT', '/api/ldap/settings', { ...settingsFor(ldap), bindPassword: undefined });
      }
      assert.equal((await bob.login('bob', 'bob-pw')).status, 200);
    });

    if (!full) return;

    it('matches nobody with filter metacharacters in the username', async () => {
      const b = new Browser(hub);
      for (const name of ['*)(uid=*', '*', 'alice)(|(uid=*', 'al*']) {
        assert.equal((await b.login(name, 'alice-pw')).status, 401, name);
      }
      const probe = LdapTestResultSchema.parse(
        (await root.call('POST', '/api/ldap/test', { username: '*' })).json,
      );
      assert.equal(probe.user, null);
    });

    it('keeps the bind password write-only and out of the audit log', async () => {
      const view = await root.call('GET', '/api/ldap/settings');
      assert.equal(view.status, 200);
      assert.ok(!view.text.includes(SERVICE.password));
      assert.equal(LdapSettingsViewSchema.parse(view.json).bindPasswordSet, true);
      const audit = await root.call('GET', '/api/audit-log?action=config.ldap.update');
      assert.ok(AuditListSchema.parse(audit.json).items.length > 0);
      assert.ok(!audit.text.includes(SERVICE.password));
      // The stored password is never sent to another server than the one it was entered for.
      const moved = await root.call('PUT', '/api/ldap/settings', {
        ...settingsFor(ldap, { url: 'ldap://127.0.0.2:389' }),
        bindPassword: undefined,
      });
      assert.equal(moved.status, 400);
      assert.match(moved.text, /bind password again/);
    });

    it('tests the connection and reports what it found', async () => {
      const res = await root.call('POST', '/api/ldap/test', { username: 'alice' });
      const result = LdapTestResultSchema.parse(res.json);
      assert.equal(result.ok, true, result.message);
      assert.equal(result.usersFound, 4);
      assert.equal(result.groupsFound, 3);
      assert.equal(result.user?.dn, DN('alice'));
      assert.equal(result.user?.email, 'alice@example.org');
      assert.equal(result.user?.displayName, 'Alice Example');
      assert.deepEqual(result.user?.roles, ['admin']);
      const bad = LdapTestResultSchema.parse(
        (
          await root.call('POST', '/api/ldap/test', {
            settings: settingsFor(ldap, { bindPassword: 'wrong-service-pw' }),
          })
        ).json,
      );
      assert.deepEqual([bad.ok, bad.step], [false, 'bind']);
    });

    it('speaks StartTLS and LDAPS with the CA set, and says so when a certificate is refused', async () => {
      const ca = ldap.caCert ?? '';
      const ldapsUrl = ldap.ldapsUrl ?? '';
      const untrusted = LdapTestResultSchema.parse(
        (await root.call('POST', '/api/ldap/test', { settings: settingsFor(ldap, { security: 'starttls' }) }))
          .json,
      );
      assert.deepEqual([untrusted.ok, untrusted.step], [false, 'connect']);
      assert.match(untrusted.message, /certificate/);
      const noCa = LdapTestResultSchema.parse(
        (
          await root.call('POST', '/api/ldap/test', {
            settings: settingsFor(ldap, { security: 'ldaps', url: ldapsUrl }),
          })
        ).json,
      );
      assert.match(noCa.message, /certificate/);
      for (const tls of [
        { security: 'starttls' as const, caCertificate: ca },
        { security: 'ldaps' as const, url: ldapsUrl, caCertificate: ca },
      ]) {
        const saved = await root.call('PUT', '/api/ldap/settings', settingsFor(ldap, tls));
        assert.equal(saved.status, 200, saved.text);
        const b = new Browser(hub);
        assert.equal((await b.login('carol', 'carol-pw')).status, 200, tls.security);
        assert.equal((await b.login('carol', 'wrong-pw')).status, 401, tls.security);
      }
      await root.call('PUT', '/api/ldap/settings', settingsFor(ldap));
    });

    it('keeps the second-factor challenge for a directory user who enrolled one', async () => {
      const alice = new Browser(hub);
      assert.equal((await alice.login('alice', 'alice-pw')).status, 200);
      const enrolment = TotpEnrolmentSchema.parse(
        (await alice.call('POST', '/api/me/second-factor/totp')).json,
      );
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrolment.secret) });
      const confirmed = await alice.call('POST', '/api/me/second-factor/totp/confirm', {
        code: totp.generate(),
      });
      assert.equal(confirmed.status, 200, confirmed.text);
      const again = await new Browser(hub).login('alice', 'alice-pw');
      assert.equal(again.status, 202);
      assert.deepEqual(again.json, { secondFactorRequired: true, methods: ['totp', 'backup_code'] });
    });

    it('bans an account after repeated wrong directory passwords', async () => {
      const b = new Browser(hub);
      for (let i = 0; i < 3; i++) assert.equal((await b.login('bob', `wrong-${i}`)).status, 401);
      assert.equal((await b.login('bob', 'bob-pw')).status, 429);
    });

    it('binds mapped custom roles and removes only the bindings the sync made', async () => {
      const role = await root.call('POST', '/api/roles', { name: 'auditors', permissions: ['audit:read'] });
      assert.equal(role.status, 201, role.text);
      const roleId = (role.json as { id: string }).id;
      const base = settingsFor(ldap);
      const withCustom = {
        ...base,
        mappings: [...base.mappings, { groupDn: GROUP('watchers'), role: roleId }],
      };
      assert.equal((await root.call('PUT', '/api/ldap/settings', withCustom)).status, 200);
      const carol = new Browser(hub);
      assert.equal((await carol.login('carol', 'carol-pw')).status, 200);
      const me = MeSchema.parse((await carol.call('GET', '/api/auth/me')).json);
      assert.equal(me.role, 'viewer');
      assert.ok(me.permissions?.includes('audit:read'));
      const manual = await root.call('POST', '/api/role-bindings', { roleId: 'editor', userId: me.id });
      assert.equal(manual.status, 201, manual.text);

      assert.equal((await root.call('PUT', '/api/ldap/settings', base)).status, 200);
      assert.equal((await root.call('POST', '/api/ldap/sync', {})).status, 200);
      const after = MeSchema.parse((await carol.call('GET', '/api/auth/me')).json);
      assert.ok(!after.permissions?.includes('audit:read'), 'the sync took its own binding away');
      assert.ok(after.permissions?.includes('containers:act'), "the admin's binding stays");
    });

    it('lets only admins see and change the LDAP settings', async () => {
      await createUser(hub.deps.db, { username: 'ed', password: 'ed password long', role: 'editor' });
      await createUser(hub.deps.db, { username: 'vi', password: 'vi password long', role: 'viewer' });
      const anonymous = new Browser(hub);
      const calls = [
        ['GET', '/api/ldap/settings', undefined],
        ['PUT', '/api/ldap/settings', settingsFor(ldap)],
        ['POST', '/api/ldap/test', {}],
        ['POST', '/api/ldap/sync', {}],
      ] as const;
      for (const [method, path, body] of calls) {
        assert.equal((await anonymous.call(method, path, body)).status, 401, `${method} ${path}`);
      }
      for (const [name, password] of [
        ['ed', 'ed password long'],
        ['vi', 'vi password long'],
      ] as const) {
        const b = new Browser(hub);
        assert.equal((await b.login(name, password)).status, 200);
        for (const [method, path, body] of calls) {
          assert.equal((await b.call(method, path, body)).status, 403, `${name} ${method} ${path}`);
        }
      }
      for (const [method, path, body] of calls) {
        assert.equal((await root.call(method, path, body)).status, 200, `admin ${method} ${path}`);
      }
      const refused = await root.call('GET', '/api/audit-log?action=config.ldap.update');
      assert.ok(AuditListSchema.parse(refused.json).items.some((e) => e.outcome === 'forbidden'));
      const invalid = await root.call('PUT', '/api/ldap/settings', {
        ...settingsFor(ldap),
        userFilter: '(uid=x)',
      });
      assert.equal(invalid.status, 400);
      assert.match(invalid.text, /\{username\}/);
    });
  });
}
