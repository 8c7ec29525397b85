/**
 * Passkeys and mailed codes through the real HTTP API of one in-process hub (PGlite), with a
 * software authenticator producing real attestations and assertions (ES256, CBOR, none
 * attestation) and a real SMTP server receiving the codes. Registration, management limited to
 * one's own passkeys, the passkey as second factor and as passwordless sign-in, and what must
 * fail: a wrong origin, a challenge never issued, a replayed one, a counter going backwards, a
 * missing user verification; codes accepted once, wrong and expired ones refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AuditListSchema,
  EmailVerificationStatusSchema,
  PasskeyListSchema,
  PasskeyOptionsSchema,
  PasskeySchema,
} from '@unity/shared';
import { eq } from 'drizzle-orm';
import { emailCodes, passkeys, users } from '../../db/schema.js';
import { mimeParts, startSmtp } from '../../notify/testing-smtp.js';
import { startTestHub, type TestHub } from '../../testing/hub.js';
import { SoftAuthenticator } from '../../testing/soft-authenticator.js';
import { createUser } from '../users.js';

const RP_ID = 'hub.test';
const ORIGIN = 'http://hub.test:8080';
const ALICE = { username: 'alice', password: 'alice long password 1' };
const BOB = { username: 'bob', password: 'bob long password 22' };
const CAROL = { username: 'carol', password: 'carol long password 3' };

/** A browser: keeps the cookies the hub sets and sends them back. */
class Browser {
  readonly jar = new Map<string, string>();
  constructor(readonly hub: TestHub) {}

  async call(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
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
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }

  async signIn(who: { username: string; password: string }) {
    return this.call('POST', '/api/auth/login', who);
  }
}

const errorOf = (res: { json?: Record<string, unknown> | undefined }) =>
  (res.json?.error ?? { code: '', message: '' }) as { code: string; message: string };

type Options = { challenge: string; user: { id: string } };
const optionsOf = (json: unknown) => PasskeyOptionsSchema.parse(json).options as unknown as Options;

describe('passkeys and mailed codes', () => {
  let hub: TestHub;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let offset = 0;
  const clock = () => Date.now() + offset;
  const alice = new SoftAuthenticator(RP_ID, ORIGIN);
  let alicePasskeyId = '';

  before(async () => {
    smtp = await startSmtp();
    hub = await startTestHub({
      clock,
      env: {
        UNITY_SMTP_HOST: '127.0.0.1',
        UNITY_SMTP_PORT: String(smtp.port),
        UNITY_SMTP_SECURITY: 'none',
        UNITY_SMTP_FROM: 'unity@hub.test',
        // The failures below are meant; no ban or growing delay between the cases.
        UNITY_REGULATION_MAX_RETRIES: '100',
        UNITY_REGULATION_IP_MAX_RETRIES: '1000',
        UNITY_REGULATION_DELAY_MS: '0',
      },
    });
    for (const u of [ALICE, BOB, CAROL]) {
      const { id } = await createUser(hub.deps.db, { ...u, role: 'viewer' });
      await hub.deps.db
        .update(users)
        .set({ email: `${u.username}@example.com` })
        .where(eq(users.id, id));
    }
  });
  after(async () => {
    await hub?.close();
    await smtp?.close();
  });

  /** Registers `authenticator` for the signed-in browser under `name`. */
  async function register(b: Browser, authenticator: SoftAuthenticator, name: string) {
    const options = optionsOf((await b.call('POST', '/api/me/passkeys/options')).json);
    return b.call('POST', '/api/me/passkeys', { name, response: authenticator.register(options) });
  }

  /** The code in the n-th mail received (1-based). */
  async function mailedCode(n: number): Promise<{ to: string[]; code: string }> {
    await smtp.waitFor(n);
    const mail = smtp.received[n - 1];
    assert.ok(mail);
    const text = mimeParts(mail.raw)
      .map((p) => p.body.toString('utf8'))
      .join('\n');
    const code = /Your code: (\d{6})/.exec(text)?.[1];
    assert.ok(code, text);
    return { to: mail.to, code };
  }

  it('refuses anonymous calls and API-less guesses', async () => {
    const anonymous = new Browser(hub);
    assert.equal((await anonymous.call('GET', '/api/me/passkeys')).status, 401);
    assert.equal((await anonymous.call('POST', '/api/me/passkeys/options')).status, 401);
    assert.equal((await anonymous.call('DELETE', `/api/me/passkeys/${crypto.randomUUID()}`, {})).status, 401);
    // The second-factor forms need a password step first.
    assert.equal((await anonymous.call('POST', '/api/auth/second-factor/passkey/options')).status, 400);
    assert.equal((await anonymous.call('POST', '/api/auth/second-factor/email')).status, 400);
  });

  it('registers a passkey with a real attestation; refuses a wrong origin and a replayed challenge', async () => {
    const b = new Browser(hub);
    assert.equal((await b.signIn(ALICE)).status, 200);
    const wrongOrigin = new SoftAuthenticator(RP_ID, 'http://evil.test:8080');
    const refused = await register(b, wrongOrigin, 'phishing');
    assert.equal(refused.status, 400);
    assert.match(errorOf(refused).message, /origin/i);

    const options = optionsOf((await b.call('POST', '/api/me/passkeys/options')).json);
    const response = alice.register(options);
    const added = await b.call('POST', '/api/me/passkeys', { name: 'Laptop', response });
    assert.equal(added.status, 201, JSON.stringify(added.json));
    const passkey = PasskeySchema.parse(added.json);
    assert.equal(passkey.name, 'Laptop');
    alicePasskeyId = passkey.id;
    // The same response again: its challenge is used up.
    const replay = await b.call('POST', '/api/me/passkeys', { name: 'Again', response });
    assert.equal(replay.status, 400);
    assert.match(errorOf(replay).message, /challenge/);
    // A challenge the hub never issued.
    const forged = alice.register({
      ...options,
      challenge: Buffer.from('never issued').toString('base64url'),
    });
    assert.equal(
      (await b.call('POST', '/api/me/passkeys', { name: 'Forged', response: forged })).status,
      400,
    );

    const list = PasskeyListSchema.parse((await b.call('GET', '/api/me/passkeys')).json);
    assert.deepEqual(
      list.items.map((p) => p.name),
      ['Laptop'],
    );
    const [row] = await hub.deps.db.select().from(passkeys).where(eq(passkeys.id, passkey.id));
    assert.equal(row?.credentialId, alice.credentialId.toString('base64url'));
  });

  it("lets a user manage only their own passkeys: someone else's id is a 404", async () => {
    const bob = new Browser(hub);
    assert.equal((await bob.signIn(BOB)).status, 200);
    assert.deepEqual(PasskeyListSchema.parse((await bob.call('GET', '/api/me/passkeys')).json).items, []);
    const path = `/api/me/passkeys/${alicePasskeyId}`;
    assert.equal((await bob.call('PATCH', path, { name: 'mine now' })).status, 404);
    assert.equal((await bob.call('DELETE', path, { password: BOB.password })).status, 404);
    assert.equal((await bob.call('PATCH', '/api/me/passkeys/not-a-uuid', { name: 'x' })).status, 400);

    const a = new Browser(hub);
    // Alice has a passkey now: her password alone no longer signs in.
    const first = await a.signIn(ALICE);
    assert.equal(first.status, 202);
    assert.deepEqual(first.json, { secondFactorRequired: true, methods: ['passkey'] });
    const options = optionsOf((await a.call('POST', '/api/auth/second-factor/passkey/options')).json);
    assert.equal(
      (await a.call('POST', '/api/auth/second-factor/passkey', { response: alice.assert(options) })).status,
      200,
    );
    const renamed = await a.call('PATCH', path, { name: 'Work laptop' });
    assert.equal(renamed.status, 200);
    assert.equal(PasskeySchema.parse(renamed.json).name, 'Work laptop');
  });

  it('takes the passkey as the second factor, refusing a wrong challenge, a replay and a counter going back', async () => {
    const b = new Browser(hub);
    assert.equal((await b.signIn(ALICE)).status, 202);
    const options = optionsOf((await b.call('POST', '/api/auth/second-factor/passkey/options')).json);
    assert.equal(
      (
        await b.call('POST', '/api/auth/second-factor/passkey', {
          response: alice.assert({ challenge: 'bm90LWlzc3VlZA' }),
        })
      ).status,
      401,
      'a challenge never issued',
    );
    const wrongOrigin = alice.assert(options, { origin: 'http://evil.test:8080' });
    assert.equal(
      (await b.call('POST', '/api/auth/second-factor/passkey', { response: wrongOrigin })).status,
      401,
    );
    assert.ok(!b.jar.has('unity_session'));

    const fresh = optionsOf((await b.call('POST', '/api/auth/second-factor/passkey/options')).json);
    const response = alice.assert(fresh);
    const done = await b.call('POST', '/api/auth/second-factor/passkey', { response });
    assert.equal(done.status, 200);
    assert.equal(done.json?.username, 'alice');
    assert.ok(b.jar.has('unity_session'));

    // The same assertion replayed in a new sign-in: its challenge is gone.
    const again = new Browser(hub);
    assert.equal((await again.signIn(ALICE)).status, 202);
    assert.equal((await again.call('POST', '/api/auth/second-factor/passkey', { response })).status, 401);
    // A clone: a valid signature over a fresh challenge, but a counter the hub has already seen.
    const next = optionsOf((await again.call('POST', '/api/auth/second-factor/passkey/options')).json);
    const clone = alice.assert(next, { counter: alice.counter - 1 });
    assert.equal(
      (await again.call('POST', '/api/auth/second-factor/passkey', { response: clone })).status,
      401,
    );
    const [row] = await hub.deps.db.select().from(passkeys).where(eq(passkeys.id, alicePasskeyId));
    assert.equal(row?.counter, alice.counter, 'the counter stays at the highest value seen');
    assert.ok(row?.lastUsedAt);
    // Still signs in with the real authenticator.
    const last = optionsOf((await again.call('POST', '/api/auth/second-factor/passkey/options')).json);
    assert.equal(
      (await again.call('POST', '/api/auth/second-factor/passkey', { response: alice.assert(last) })).status,
      200,
    );

    const admin = new Browser(hub);
    assert.equal((await admin.signIn({ username: 'admin', password: 'correct horse battery' })).status, 200);
    const audit = AuditListSchema.parse(
      (await admin.call('GET', '/api/audit-log?action=auth.second_factor&limit=20')).json,
    );
    assert.ok(
      audit.items.some((e) => /cloned authenticator/.test(e.message ?? '')),
      JSON.stringify(audit.items.map((e) => e.message)),
    );
    const signins = AuditListSchema.parse(
      (await admin.call('GET', '/api/audit-log?action=auth.signin&limit=50')).json,
    );
    assert.ok(signins.items.some((e) => /with a passkey "Work laptop"/.test(e.message ?? '')));
    const added = AuditListSchema.parse(
      (await admin.call('GET', '/api/audit-log?action=user.passkey_add')).json,
    );
    assert.equal(added.items.length, 1);
  });

  it('signs in without a password, user verification required', async () => {
    const b = new Browser(hub);
    const options = optionsOf((await b.call('POST', '/api/auth/passkey/options')).json) as unknown as {
      challenge: string;
      allowCredentials: unknown[];
      userVerification: string;
    };
    assert.deepEqual(options.allowCredentials, [], 'discoverable: no user named');
    assert.equal(options.userVerification, 'required');
    const noUv = alice.assert(options, { userVerified: false });
    assert.equal((await b.call('POST', '/api/auth/passkey', { response: noUv })).status, 401);
    const fresh = optionsOf((await b.call('POST', '/api/auth/passkey/options')).json);
    const response = alice.assert(fresh);
    const done = await b.call('POST', '/api/auth/passkey', { response, remember: true });
    assert.equal(done.status, 200);
    assert.equal(done.json?.username, 'alice');
    assert.equal((await b.call('GET', '/api/me/passkeys')).status, 200);
    assert.equal(
      (await new Browser(hub).call('POST', '/api/auth/passkey', { response })).status,
      401,
      'replayed',
    );
    // An unknown credential signs nobody in.
    const stranger = new SoftAuthenticator(RP_ID, ORIGIN);
    const other = optionsOf((await b.call('POST', '/api/auth/passkey/options')).json);
    assert.equal(
      (await new Browser(hub).call('POST', '/api/auth/passkey', { response: stranger.assert(other) })).status,
      401,
    );
  });

  it('counts a passkey as the second factor a role requires', async () => {
    const admin = new Browser(hub);
    assert.equal((await admin.signIn({ username: 'admin', password: 'correct horse battery' })).status, 200);
    assert.equal(
      (await admin.call('PUT', '/api/roles/viewer/second-factor', { required: true })).status,
      200,
    );
    try {
      const bob = new Browser(hub);
      assert.equal((await bob.signIn(BOB)).status, 200);
      const gated = await bob.call('GET', '/api/hosts');
      assert.equal(gated.status, 403);
      assert.equal(errorOf(gated).code, 'second_factor_enrolment_required');
      // Registering a passkey is open to him, and satisfies the requirement.
      const bobKey = new SoftAuthenticator(RP_ID, ORIGIN);
      assert.equal((await register(bob, bobKey, 'Phone')).status, 201);
      assert.equal((await bob.call('GET', '/api/hosts')).status, 200);
    } finally {
      await admin.call('PUT', '/api/roles/viewer/second-factor', { required: false });
    }
  });

  it('deletes a passkey only with a fresh password or code', async () => {
    const b = new Browser(hub);
    const options = optionsOf((await b.call('POST', '/api/auth/passkey/options')).json);
    assert.equal(
      (await b.call('POST', '/api/auth/passkey', { response: alice.assert(options) })).status,
      200,
    );
    const path = `/api/me/passkeys/${alicePasskeyId}`;
    assert.equal((await b.call('DELETE', path, {})).status, 400);
    assert.equal((await b.call('DELETE', path, { password: 'not her password' })).status, 400);
    assert.equal((await b.call('DELETE', path, { password: ALICE.password })).status, 204);
    assert.equal((await b.call('DELETE', path, { password: ALICE.password })).status, 404);
    // No second factor left: the password alone signs in again.
    assert.equal((await new Browser(hub).signIn(ALICE)).status, 200);
  });

  it('mails one-time codes: verified address first, then accepted once; wrong and expired refused', async () => {
    const carol = new Browser(hub);
    assert.equal((await carol.signIn(CAROL)).status, 200);
    const carolKey = new SoftAuthenticator(RP_ID, ORIGIN);
    assert.equal((await register(carol, carolKey, 'Key')).status, 201);
    // Not verified yet: no mailed codes at sign-in.
    assert.deepEqual((await new Browser(hub).signIn(CAROL)).json?.methods, ['passkey']);
    const status = EmailVerificationStatusSchema.parse(
      (await carol.call('GET', '/api/me/email-verification')).json,
    );
    assert.deepEqual(status, { smtp: true, email: 'carol@example.com', verified: false });

    const sent = await carol.call('POST', '/api/me/email-verification');
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    assert.deepEqual(sent.json, { sentTo: 'c…@example.com', resendAfterSec: 60 });
    const verify = await mailedCode(1);
    assert.deepEqual(verify.to, ['carol@example.com']);
    const [stored] = await hub.deps.db
      .select()
      .from(emailCodes)
      .where(eq(emailCodes.purpose, 'verify_email'));
    assert.ok(stored && !stored.codeHash.includes(verify.code), 'only a keyed hash is kept');
    assert.equal(
      (
        await carol.call('POST', '/api/me/email-verification/confirm', {
          code: '000000' === verify.code ? '000001' : '000000',
        })
      ).status,
      400,
    );
    assert.equal(
      (await carol.call('POST', '/api/me/email-verification/confirm', { code: verify.code })).status,
      204,
    );
    assert.equal(
      (await carol.call('POST', '/api/me/email-verification/confirm', { code: verify.code })).status,
      400,
      'used',
    );
    assert.equal(
      EmailVerificationStatusSchema.parse((await carol.call('GET', '/api/me/email-verification')).json)
        .verified,
      true,
    );

    // Sign-in: the code is offered, mailed, refused when wrong, accepted once.
    const b = new Browser(hub);
    const first = await b.signIn(CAROL);
    assert.deepEqual(first.json?.methods, ['passkey', 'email']);
    assert.equal((await b.call('POST', '/api/auth/second-factor/email')).status, 200);
    const { code } = await mailedCode(2);
    const resend = await b.call('POST', '/api/auth/second-factor/email');
    assert.equal(resend.status, 429, 'resend within the cooldown');
    const wrong = code === '123456' ? '654321' : '123456';
    assert.equal(
      (await b.call('POST', '/api/auth/second-factor', { code: wrong, method: 'email' })).status,
      401,
    );
    // As a TOTP code it is nothing: Carol has no authenticator app.
    assert.equal((await b.call('POST', '/api/auth/second-factor', { code })).status, 401);
    const done = await b.call('POST', '/api/auth/second-factor', { code, method: 'email' });
    assert.equal(done.status, 200);
    assert.equal(done.json?.username, 'carol');
    const reuse = new Browser(hub);
    assert.equal((await reuse.signIn(CAROL)).status, 202);
    assert.equal(
      (await reuse.call('POST', '/api/auth/second-factor', { code, method: 'email' })).status,
      401,
      'used once',
    );

    // Expired: mailed, then 11 minutes pass (a fresh password step, so only the code is old).
    offset += 61_000;
    const late = new Browser(hub);
    assert.equal((await late.signIn(CAROL)).status, 202);
    assert.equal((await late.call('POST', '/api/auth/second-factor/email')).status, 200);
    const old = await mailedCode(3);
    offset += 11 * 60_000;
    const later = new Browser(hub);
    assert.equal((await later.signIn(CAROL)).status, 202);
    const expired = await later.call('POST', '/api/auth/second-factor', { code: old.code, method: 'email' });
    assert.equal(expired.status, 401);
    assert.match(errorOf(expired).message, /wrong or already used/);

    // Changing the address undoes the verification.
    assert.equal(
      (await carol.call('PATCH', '/api/me', { displayName: '', email: 'carol@elsewhere.example' })).status,
      200,
    );
    assert.deepEqual((await new Browser(hub).signIn(CAROL)).json?.methods, ['passkey']);
  });
});
