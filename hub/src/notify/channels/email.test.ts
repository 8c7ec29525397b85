/**
 * The email channel against a real SMTP server (npm `smtp-server`) inside the test: STARTTLS
 * with AUTH, plain SMTP, and how SMTP rejections are classified.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ChannelSettingsSchema } from '@unity/shared';
import { resolvedNotification, sampleNotification } from '../testing.js';
import { header, startSmtp, unQuote } from '../testing-smtp.js';
import { SENDERS, send } from './index.js';
import type { SendContext } from './types.js';

const ctx = (notification = sampleNotification()): SendContext => ({
  notification,
  channelName: 'mail',
  idempotencyKey: `${notification.id}/chan-mail`,
  signal: AbortSignal.timeout(10_000),
  fetch,
  publicUrl: 'http://hub.test:8080',
  appriseCommand: 'apprise',
  timeoutMs: 10_000,
});

describe('email channel against a real SMTP server', () => {
  const servers: { close(): Promise<void> }[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));

  it('sends over STARTTLS with AUTH: subject, both parts, headers, threading by group', async () => {
    const smtp = await startSmtp({
      onAuth(auth, _session, callback) {
        if (auth.username === 'alerts' && auth.password === 'smtp-pass')
          return callback(null, { user: 'alerts' });
        return callback(new Error('Invalid username or password'));
      },
    });
    servers.push(smtp);
    const settings = ChannelSettingsSchema.parse({
      type: 'email',
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls',
      // smtp-server's built-in certificate is self-signed.
      verifyCertificate: false,
      username: 'alerts',
      password: 'smtp-pass',
      from: 'Unity <unity@example.org>',
      to: ['ops@example.org', 'oncall@example.org'],
      subjectPrefix: '[unity]',
    });
    assert.deepEqual(await send(SENDERS, settings, ctx()), { ok: true });
    assert.equal(smtp.received.length, 1);
    const [mail] = smtp.received;
    assert.ok(mail);
    assert.equal(mail.secure, true, 'upgraded with STARTTLS');
    assert.equal(mail.user, 'alerts');
    assert.equal(mail.from, 'unity@example.org');
    assert.deepEqual(mail.to, ['ops@example.org', 'oncall@example.org']);
    assert.equal(header(mail.raw, 'Subject'), '[unity] [FIRING:2] HighCpu');
    assert.equal(header(mail.raw, 'From'), 'Unity <unity@example.org>');
    assert.equal(header(mail.raw, 'To'), 'ops@example.org, oncall@example.org');
    assert.equal(header(mail.raw, 'X-Unity-Notification-Id'), 'n-1');
    assert.equal(header(mail.raw, 'X-Unity-Severity'), 'critical');
    assert.match(header(mail.raw, 'Message-ID') ?? '', /^<[0-9a-f]{32}@example\.org>$/);
    const references = header(mail.raw, 'References');
    assert.match(references ?? '', /^<group-[0-9a-f]{32}@example\.org>$/);
    assert.match(header(mail.raw, 'Content-Type') ?? '', /^multipart\/alternative/);
    const body = unQuote(mail.raw);
    assert.match(body, /Content-Type: text\/plain; charset=utf-8/);
    assert.match(body, /Content-Type: text\/html; charset=utf-8/);
    assert.match(body, /FIRING · critical: \[FIRING:2\] HighCpu/);
    assert.match(body, /\[firing\] web-1 CPU at 97% \(value 97\.25\)/);
    assert.match(body, /<h2 style="margin:4px 0">\[FIRING:2\] HighCpu<\/h2>/);
    assert.match(body, /<a href="http:\/\/hub\.test:8080\/alerts">Open in Unity<\/a>/);

    // The resolved mail of the same group references the same thread.
    assert.deepEqual(await send(SENDERS, settings, ctx(resolvedNotification())), { ok: true });
    assert.equal(header(smtp.received[1]?.raw ?? '', 'References'), references);
    assert.equal(header(smtp.received[1]?.raw ?? '', 'Subject'), '[unity] [RESOLVED] HighCpu');
  });

  it('sends plain SMTP without TLS or AUTH when told to', async () => {
    const smtp = await startSmtp({ disabledCommands: ['STARTTLS', 'AUTH'] });
    servers.push(smtp);
    const settings = ChannelSettingsSchema.parse({
      type: 'email',
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      from: 'unity@example.org',
      to: ['ops@example.org'],
    });
    assert.deepEqual(await send(SENDERS, settings, ctx()), { ok: true });
    assert.equal(smtp.received[0]?.secure, false);
  });

  it('a wrong password and a 5xx rejection are permanent, a 4xx is retried', async () => {
    const smtp = await startSmtp({
      onAuth: (_auth, _session, callback) => callback(new Error('Invalid username or password')),
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('busy')) {
          return callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 450 }));
        }
        if (address.address.startsWith('nobody')) {
          return callback(Object.assign(new Error('no such user'), { responseCode: 550 }));
        }
        return callback();
      },
    });
    servers.push(smtp);
    const base = {
      type: 'email',
      host: '127.0.0.1',
      port: smtp.port,
      verifyCertificate: false,
      from: 'unity@example.org',
    };
    const auth = await send(
      SENDERS,
      ChannelSettingsSchema.parse({
        ...base,
        to: ['ops@example.org'],
        username: 'x',
        password: 'wrong-password',
      }),
      ctx(),
    );
    assert.ok(!auth.ok && auth.permanent, 'EAUTH is permanent');
    assert.ok(!auth.ok && !auth.error.includes('wrong-password'));
    const rejected = await send(
      SENDERS,
      ChannelSettingsSchema.parse({ ...base, to: ['nobody@example.org'] }),
      ctx(),
    );
    assert.ok(!rejected.ok && rejected.permanent, '550 is permanent');
    const busy = await send(
      SENDERS,
      ChannelSettingsSchema.parse({ ...base, to: ['busy@example.org'] }),
      ctx(),
    );
    assert.ok(!busy.ok && !busy.permanent, `450 is retried: ${JSON.stringify(busy)}`);
    assert.equal(smtp.received.length, 0);
  });
});
