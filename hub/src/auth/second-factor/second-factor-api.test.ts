/**
 * Second factors through the real HTTP API, on PGlite and on PostgreSQL: enrolment confirmed by
 * a code, the sign-in challenge, replay refusal, single-use backup codes, remember-this-device,
 * per-role requirement with forced enrolment, and wrong codes ending in a ban. Codes come from
 * otpauth with the hub's clock under the test's control (each use moves it one 30 s step on).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AuditListSchema,
  BackupCodesSchema,
  LIVE_PATH,
  RoleSchema,
  SecondFactorStatusSchema,
  TotpEnrolmentSchema,
} from '@unity/shared';
import { eq } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import WebSocket from 'ws';
import { auditLog, secondFactors } from '../../db/schema.js';
import { backends } from '../../testing/databases.js';
import { ADMIN, startTestHub, type TestHub } from '../../testing/hub.js';
import { createUser } from '../users.js';

/** The status a WebSocket upgrade to the live feed gets with these cookies (101 when opened). */
function liveStatus(hub: TestHub, cookie: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(`${hub.url.replace(/^http/, 'ws')}${LIVE_PATH}`, { headers: { cookie } });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => {});
  });
}

/** A browser: keeps the cookies the hub sets and sends them back. */
class Browser {
  readonly jar = new Map<string, string>();
  constructor(readonly hub: TestHub) {}

  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async call(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.jar.size) headers.cookie = this.cookie;
    const res = await fetch(this.hub.url + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value === '' || attrs.some((a) => /max-age=0\b/i.test(a.trim()))) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }
}

for (const backend of backends) {
  describe(`second factors on ${backend.name}`, () => {
    let hub: TestHub;
    let offset = 0;
    const clock = () => Date.now() + offset;
    let totp: OTPAuth.TOTP;
    /** The next code: one step after the last one used, so it is never a replay. */
    const nextCode = () => {
      offset += 30_000;
      return totp.generate({ timestamp: clock() });
    };
    let backupCodes: string[] = [];
    let eveTotp: OTPAuth.TOTP;
    const EVE = { username: 'eve', password: 'a long test password' };

    before(async () => {
      hub = await startTestHub({ database: await backend.open(), clock });
    });
    after(() => hub.close());

    it('enrols TOTP only once a code confirms it, and keeps the secret sealed', async () => {
      const admin = new Browser(hub);
      assert.equal((await admin.call('POST', '/api/auth/login', ADMIN)).status, 200);
      const before = SecondFactorStatusSchema.parse((await admin.call('GET', '/api/me/second-factor')).json);
      assert.deepEqual(before, { enabled: false, pending: false, backupCodesRemaining: 0, required: false });

      const started = await admin.call('POST', '/api/me/second-factor/totp');
      assert.equal(started.status, 200);
      const enrolment = TotpEnrolmentSchema.parse(started.json);
      assert.match(
        enrolment.uri,
        new RegExp(`^otpauth://totp/Unity:admin\\?secret=${enrolment.secret}&issuer=Unity`),
      );
      assert.equal(enrolment.secret.length, 32, '160 bits in base32');
      assert.match(Buffer.from(enrolment.qrSvgDataUrl.split(',')[1] ?? '', 'base64').toString(), /^<svg/);
      totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrolment.secret) });

      const wrong = await admin.call('POST', '/api/me/second-factor/totp/confirm', { code: '000000' });
      assert.equal(wrong.status, 400);
      const pending = SecondFactorStatusSchema.parse((await admin.call('GET', '/api/me/second-factor')).json);
      assert.equal(pending.enabled, false);
      assert.equal(pending.pending, true);
      // Not yet on: the password alone still signs in.
      assert.equal((await new Browser(hub).call('POST', '/api/auth/login', ADMIN)).status, 200);

      const confirmed = await admin.call('POST', '/api/me/second-factor/totp/confirm', { code: nextCode() });
      assert.equal(confirmed.status, 200);
      backupCodes = BackupCodesSchema.parse(confirmed.json).backupCodes;
      assert.equal(backupCodes.length, 10);
      assert.equal(new Set(backupCodes).size, 10);
      const on = SecondFactorStatusSchema.parse((await admin.call('GET', '/api/me/second-factor')).json);
      assert.deepEqual(on, { enabled: true, pending: false, backupCodesRemaining: 10, required: false });

      const [row] = await hub.deps.db.select().from(secondFactors);
      assert.ok(row);
      assert.ok(!row.totpSecretSealed.includes(enrolment.secret), 'the secret is not stored in clear');
      const audit = AuditListSchema.parse(
        (await admin.call('GET', '/api/audit-log?action=user.second_factor_enrol')).json,
      );
      assert.equal(audit.items.length, 1);
    });

    it('asks for a code after the password, refuses a replayed one and issues the session only after', async () => {
      const replay = totp.generate({ timestamp: clock() });
      const b = new Browser(hub);
      const first = await b.call('POST', '/api/auth/login', ADMIN);
      assert.equal(first.status, 202);
      assert.deepEqual(first.json, { secondFactorRequired: true, methods: ['totp', 'backup_code'] });
      assert.ok(!b.jar.has('unity_session'), 'no session before the second factor');
      assert.ok(b.jar.has('unity_2fa_challenge'));
      assert.equal((await b.call('GET', '/api/hosts')).status, 401);

      assert.equal((await b.call('POST', '/api/auth/second-factor', { code: replay })).status, 401, 'replay');
      const challenge = b.jar.get('unity_2fa_challenge') ?? '';
      const done = await b.call('POST', '/api/auth/second-factor', { code: nextCode() });
      assert.equal(done.status, 200);
      assert.equal((done.json as { username: string }).username, 'admin');
      assert.ok(b.jar.has('unity_session'));
      assert.ok(!b.jar.has('unity_2fa_challenge'), 'the challenge cookie is cleared');
      assert.equal((await b.call('GET', '/api/hosts')).status, 200);

      // The challenge completes one sign-in only, whatever code comes with it.
      const again = new Browser(hub);
      again.jar.set('unity_2fa_challenge', challenge);
      assert.equal((await again.call('POST', '/api/auth/second-factor', { code: nextCode() })).status, 401);
      // Without a password step first there is nothing to complete.
      assert.equal(
        (await new Browser(hub).call('POST', '/api/auth/second-factor', { code: nextCode() })).status,
        401,
      );
    });

    it('accepts each backup code once and counts the rest', async () => {
      const code = backupCodes[0] ?? '';
      const b = new Browser(hub);
      assert.equal((await b.call('POST', '/api/auth/login', ADMIN)).status, 202);
      assert.equal(
        (await b.call('POST', '/api/auth/second-factor', { code: code.toUpperCase() })).status,
        200,
      );
      const again = new Browser(hub);
      assert.equal((await again.call('POST', '/api/auth/login', ADMIN)).status, 202);
      assert.equal((await again.call('POST', '/api/auth/second-factor', { code })).status, 401);
      const status = SecondFactorStatusSchema.parse((await b.call('GET', '/api/me/second-factor')).json);
      assert.equal(status.backupCodesRemaining, 9);
      // The failure above counted; a success clears the pair's count before the next tests.
      assert.equal(
        (await again.call('POST', '/api/auth/second-factor', { code: backupCodes[1] })).status,
        200,
      );
    });

    it('drops the password floor to 8 characters once enrolled', async () => {
      const b = new Browser(hub);
      await b.call('POST', '/api/auth/login', ADMIN);
      await b.call('POST', '/api/auth/second-factor', { code: nextCode() });
      const check = await b.call('POST', '/api/me/password-check', { password: 'tulip-42x' });
      assert.deepEqual(check.json, { ok: true, problems: [] });
    });

    it('skips the challenge on a remembered device until 2FA is turned off', async () => {
      const b = new Browser(hub);
      assert.equal((await b.call('POST', '/api/auth/login', ADMIN)).status, 202);
      const done = await b.call('POST', '/api/auth/second-factor', {
        code: nextCode(),
        rememberDevice: true,
      });
      assert.equal(done.status, 200);
      assert.ok(b.jar.has('unity_2fa_device'));
      assert.equal((await b.call('POST', '/api/auth/logout')).status, 204);
      assert.equal((await b.call('POST', '/api/auth/login', ADMIN)).status, 200, 'remembered: no challenge');
      // Another browser is not remembered.
      assert.equal((await new Browser(hub).call('POST', '/api/auth/login', ADMIN)).status, 202);
      // A forged cookie is ignored.
      const forged = new Browser(hub);
      forged.jar.set('unity_2fa_device', `v1:${Buffer.from('x'.repeat(60)).toString('base64url')}`);
      assert.equal((await forged.call('POST', '/api/auth/login', ADMIN)).status, 202);

      assert.equal(
        (await b.call('POST', '/api/me/second-factor/disable', { password: 'wrong' })).status,
        400,
      );
      assert.equal(
        (await b.call('POST', '/api/me/second-factor/disable', { password: ADMIN.password })).status,
        204,
      );
      const off = SecondFactorStatusSchema.parse((await b.call('GET', '/api/me/second-factor')).json);
      assert.deepEqual(off, { enabled: false, pending: false, backupCodesRemaining: 0, required: false });
      // Enrolled again: the old device cookie no longer skips the challenge.
      const again = TotpEnrolmentSchema.parse((await b.call('POST', '/api/me/second-factor/totp')).json);
      totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(again.secret) });
      assert.equal(
        (await b.call('POST', '/api/me/second-factor/totp/confirm', { code: nextCode() })).status,
        200,
      );
      assert.ok(b.jar.has('unity_2fa_device'));
      assert.equal((await b.call('POST', '/api/auth/login', ADMIN)).status, 202);
      const audit = AuditListSchema.parse(
        (await b.call('GET', '/api/audit-log?action=user.second_factor_disable')).json,
      );
      assert.equal(audit.items.length, 1);
    });

    it('forces a member of a role that requires 2FA to enrol before anything else', async () => {
      const admin = new Browser(hub);
      await admin.call('POST', '/api/auth/login', ADMIN);
      assert.equal((await admin.call('POST', '/api/auth/second-factor', { code: nextCode() })).status, 200);
      await createUser(hub.deps.db, { username: 'eve', password: 'a long test password', role: 'editor' });
      const set = await admin.call('PUT', '/api/roles/editor/second-factor', { required: true });
      assert.equal(set.status, 200);
      assert.equal(RoleSchema.parse(set.json).requireSecondFactor, true);
      const roles = (await admin.call('GET', '/api/roles')).json as { items: unknown[] };
      const editor = roles.items.map((r) => RoleSchema.parse(r)).find((r) => r.id === 'editor');
      assert.equal(editor?.requireSecondFactor, true);
      assert.equal(
        (await admin.call('PUT', '/api/roles/editor/second-factor', { required: 'yes' })).status,
        400,
      );

      const eve = new Browser(hub);
      assert.equal(
        (await eve.call('POST', '/api/auth/login', { username: 'eve', password: 'a long test password' }))
          .status,
        200,
      );
      const blocked = await eve.call('GET', '/api/hosts');
      assert.equal(blocked.status, 403);
      assert.equal(
        (blocked.json as { error: { code: string } }).error.code,
        'second_factor_enrolment_required',
      );
      assert.equal((await eve.call('GET', '/api/auth/me')).status, 200);
      assert.equal(await liveStatus(hub, eve.cookie), 403, 'no live feed before enrolment either');
      const status = SecondFactorStatusSchema.parse((await eve.call('GET', '/api/me/second-factor')).json);
      assert.equal(status.required, true);
      const enrolment = TotpEnrolmentSchema.parse(
        (await eve.call('POST', '/api/me/second-factor/totp')).json,
      );
      eveTotp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrolment.secret) });
      const code = eveTotp.generate({ timestamp: clock() });
      assert.equal((await eve.call('POST', '/api/me/second-factor/totp/confirm', { code })).status, 200);
      assert.equal((await eve.call('GET', '/api/hosts')).status, 200);
      assert.equal(await liveStatus(hub, eve.cookie), 101);

      assert.equal(
        (await admin.call('PUT', '/api/roles/editor/second-factor', { required: false })).status,
        200,
      );
    });

    it('stops remembering a device once the password changes', async () => {
      const eve = new Browser(hub);
      assert.equal((await eve.call('POST', '/api/auth/login', EVE)).status, 202);
      offset += 30_000;
      const code = eveTotp.generate({ timestamp: clock() });
      assert.equal(
        (await eve.call('POST', '/api/auth/second-factor', { code, rememberDevice: true })).status,
        200,
      );
      assert.equal((await eve.call('POST', '/api/auth/login', EVE)).status, 200, 'remembered');
      const changed = await eve.call('PUT', '/api/me/password', {
        currentPassword: EVE.password,
        newPassword: 'tulip-42x',
      });
      assert.equal(changed.status, 204, 'with 2FA on, 8 characters are enough');
      assert.equal(
        (await eve.call('POST', '/api/auth/login', { ...EVE, password: 'tulip-42x' })).status,
        202,
      );
    });

    it('counts wrong codes as failed sign-ins: the pair is banned, even with the right code after', async () => {
      const b = new Browser(hub);
      assert.equal((await b.call('POST', '/api/auth/login', ADMIN)).status, 202);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await b.call('POST', '/api/auth/second-factor', { code: '000000' })).status);
      assert.deepEqual(statuses, [401, 401, 401]);
      const banned = await b.call('POST', '/api/auth/second-factor', { code: nextCode() });
      assert.equal(banned.status, 429);
      // Entering the password again does not wipe the count.
      assert.equal((await new Browser(hub).call('POST', '/api/auth/login', ADMIN)).status, 429);
      const failed = await hub.deps.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, 'auth.second_factor'));
      assert.ok(
        failed.some((e) => e.outcome === 'unauthorized' && e.message === 'wrong code; address banned'),
      );
    });
  });
}
