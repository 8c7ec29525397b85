/**
 * Channel templates on a real hub, end to end: saved through the API (a template that does not
 * parse, or a JSON body that is not JSON, refused with the field named), previewed (viewers
 * may, anonymous callers may not), and delivered through the outbox to a real local webhook
 * receiver and a real SMTP server, the email with a PNG chart of the alert's metric taken from
 * the metrics store.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AlertRuleSpecSchema, ChannelPreviewSchema, ChannelSchema, type Notification } from '@unity/shared';
import { createAgent } from '../../agents/agent-store.js';
import { createRule } from '../../alerts/store.js';
import { createUser } from '../../auth/users.js';
import { storeBatch } from '../../ingest/writer.js';
import { silentLogger } from '../../log.js';
import { batch, hostFacts, hostMetrics } from '../../testing/fixtures.js';
import { type HttpPeer, startPeer } from '../../testing/http-peer.js';
import { login, startTestHub, type TestHub, waitFor } from '../../testing/hub.js';
import { findDelivery } from '../outbox.js';
import { sampleNotification } from '../testing.js';
import { header, mimeParts, startSmtp } from '../testing-smtp.js';

type Call = { status: number; body: Record<string, unknown> };

describe('channel templates, delivered', () => {
  let hub: TestHub;
  let peer: HttpPeer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;
  let viewer: string;

  const call = async (
    cookie: string | undefined,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Call> => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const errorOf = (r: Call) => (r.body.error as { message: string }).message;
  const contactPoint = async (name: string, channelId: string) => {
    const r = await call(admin, 'POST', '/api/contact-points', { name, channelIds: [channelId] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as string;
  };
  const delivered = async (notificationId: string, channelId: string) => {
    let status = '';
    await waitFor(async () => {
      const d = await findDelivery(hub.deps.db, notificationId, channelId);
      status = d?.status ?? '';
      return status === 'delivered' || status === 'failed';
    }, 10_000);
    return findDelivery(hub.deps.db, notificationId, channelId);
  };

  before(async () => {
    peer = await startPeer();
    smtp = await startSmtp({ disabledCommands: ['STARTTLS', 'AUTH'] });
    hub = await startTestHub({ notify: { pollMs: 100 } });
    admin = await login(hub);
    await createUser(hub.deps.db, { username: 'vera', password: 'viewer password 1', role: 'viewer' });
    viewer = await login(hub, 'vera', 'viewer password 1');
  });
  after(async () => {
    await hub.close();
    await peer.close();
    await smtp.close();
  });

  it('refuses a template that does not parse and a JSON body that is not JSON, naming the field', async () => {
    const base = { name: 'bad', settings: { type: 'webhook', url: `${peer.url}/bad` } };
    const title = await call(admin, 'POST', '/api/channels', { ...base, templates: { title: 'CPU {{host' } });
    assert.equal(title.status, 400);
    assert.match(errorOf(title), /^invalid body: templates\.title: "\{\{" at character 5 is never closed/);
    const json = await call(admin, 'POST', '/api/channels', {
      ...base,
      settings: { ...base.settings, bodyTemplate: '{"text": {{title}}}' },
    });
    assert.equal(json.status, 400);
    assert.match(
      errorOf(json),
      /^invalid body: settings\.bodyTemplate: the JSON body template did not render valid JSON/,
    );
    // An update is checked the same way.
    const ok = await call(admin, 'POST', '/api/channels', base);
    assert.equal(ok.status, 201);
    const update = await call(admin, 'PUT', `/api/channels/${ok.body.id}`, {
      ...base,
      templates: { body: 'x {{ 1 }}' },
    });
    assert.equal(update.status, 400);
    assert.match(errorOf(update), /^invalid body: templates\.body: /);
    assert.equal((await call(admin, 'DELETE', `/api/channels/${ok.body.id}`)).status, 204);
  });

  it('previews templates for viewers, not for anonymous callers, and names an unknown variable', async () => {
    const body = {
      type: 'email',
      templates: { title: '{{status_upper}}: {{rule}}', html: '<b>{{title}}</b>{{chart_html}} {{nope}}' },
    };
    assert.equal((await call(undefined, 'POST', '/api/channels/preview', body)).status, 401);
    const r = await call(viewer, 'POST', '/api/channels/preview', body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const preview = ChannelPreviewSchema.parse(r.body);
    assert.equal(preview.title, 'FIRING: High CPU');
    assert.match(preview.html ?? '', /^<b>FIRING: High CPU<\/b><div/);
    assert.deepEqual(preview.unknownVariables, ['nope']);
    const bad = await call(viewer, 'POST', '/api/channels/preview', {
      type: 'webhook',
      bodyTemplate: '{"a": {{title}}}',
    });
    assert.equal(bad.status, 400);
    assert.match(errorOf(bad), /^invalid body: bodyTemplate: /);
  });

  it('sends a webhook its rendered JSON body, signed, and fails one that renders invalid JSON with a clear error', async () => {
    const created = await call(admin, 'POST', '/api/channels', {
      name: 'templated hook',
      templates: { title: '{{status_upper}}: {{rule}} on {{object}}' },
      settings: {
        type: 'webhook',
        url: `${peer.url}/templated`,
        hmacSecret: 'hook-secret-123',
        // `{{value}}` is a bare number here: fine while the alert has a value.
        bodyTemplate:
          '{"text": "{{title}}", "host": "{{host|none}}", "value": {{value}}, "labels": {{labels_json}}}',
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const channel = ChannelSchema.parse(created.body);
    assert.equal(channel.templates.title, '{{status_upper}}: {{rule}} on {{object}}');
    const cp = await contactPoint('templated hook', channel.id);

    // The stored channel's preview renders its own templates.
    const preview = ChannelPreviewSchema.parse(
      (await call(viewer, 'POST', `/api/channels/${channel.id}/preview`)).body,
    );
    assert.deepEqual(preview.json, {
      text: 'FIRING: High CPU on web-1',
      host: 'none',
      value: 97.2,
      labels: { alertname: 'High CPU', severity: 'critical', team: 'ops' },
    });

    const n = sampleNotification({ id: 'tpl-1', title: 'quote " in the title' });
    await hub.deps.notify.enqueue(cp, n);
    assert.equal((await delivered('tpl-1', channel.id))?.status, 'delivered');
    const req = peer.requests.find((r) => r.url === '/templated');
    assert.ok(req);
    assert.deepEqual(JSON.parse(req.body), {
      text: 'FIRING: HighCpu on web-1',
      host: 'none',
      value: 97.25,
      labels: { alertname: 'HighCpu', severity: 'critical' },
    });
    assert.equal(
      req.headers['x-unity-signature'],
      `sha256=${createHmac('sha256', 'hook-secret-123').update(req.body).digest('hex')}`,
    );

    const first = sampleNotification().alerts[0] as Notification['alerts'][number];
    await hub.deps.notify.enqueue(
      cp,
      sampleNotification({ id: 'tpl-2', alerts: [{ ...first, value: null }] }),
    );
    const failed = await delivered('tpl-2', channel.id);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.attempts, 1, 'not retried: retrying cannot fix a template');
    assert.match(failed?.lastError ?? '', /^the JSON body template did not render valid JSON: /);
    assert.equal(peer.requests.filter((r) => r.url === '/templated').length, 1);
  });

  it('mails the templated subject, text and HTML, with a PNG chart of the metric referenced by cid', async () => {
    const db = hub.deps.db;
    const hostId = await createAgent(db, {
      publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'C'.repeat(43) },
      host: hostFacts,
      enrollmentTokenId: null,
    });
    // CPU over the last hour: a minute apart, climbing past the threshold.
    const now = Date.now();
    for (let i = 0; i < 60; i++) {
      const ts = now - (59 - i) * 60_000;
      const b = batch(i + 1, ts, ['web']);
      b.items[0] = hostMetrics(ts, 20 + i * 1.3);
      await storeBatch(db, hostId, b, silentLogger());
    }
    const rule = await createRule(
      db,
      AlertRuleSpecSchema.parse({
        name: 'High CPU',
        selector: { object: 'host' },
        condition: {
          kind: 'threshold',
          metric: 'cpu_percent',
          aggregation: 'avg',
          windowSec: 300,
          op: '>',
          threshold: 90,
        },
      }),
      null,
    );
    const created = await call(admin, 'POST', '/api/channels', {
      name: 'templated mail',
      templates: {
        title: 'CPU alert: {{object}} is {{status}}',
        body: 'Text part: {{summary}}\n{{alerts}}',
        html: '<h1>{{title}}</h1>{{chart_html}}<p>{{summary}}</p>',
      },
      settings: {
        type: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        from: 'unity@example.org',
        to: ['ops@example.org'],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const channelId = created.body.id as string;
    const cp = await contactPoint('templated mail', channelId);

    const base = sampleNotification();
    const alert = {
      ...(base.alerts[0] as Notification['alerts'][number]),
      ruleId: rule.id,
      url: `http://hub.test:8080/hosts/${hostId}`,
    };
    await hub.deps.notify.enqueue(cp, {
      ...base,
      id: 'mail-1',
      alerts: [alert],
      commonAnnotations: { summary: 'CPU <high> & rising' },
    });
    assert.equal((await delivered('mail-1', channelId))?.status, 'delivered');
    await smtp.waitFor(1);
    const raw = smtp.received[0]?.raw ?? '';
    assert.equal(header(raw, 'Subject'), 'CPU alert: web-1 is firing');

    const parts = mimeParts(raw);
    const text = parts.find((p) => p.contentType.startsWith('text/plain'));
    const html = parts.find((p) => p.contentType.startsWith('text/html'));
    const png = parts.find((p) => p.contentType.startsWith('image/png'));
    assert.equal(
      text?.body.toString('utf8').replace(/\r\n/g, '\n'),
      'Text part: CPU <high> & rising\n[firing] web-1 CPU at 97% (value 97.25)',
    );
    assert.ok(html && png, `parts: ${parts.map((p) => p.contentType).join(', ')}`);
    const cid = /^<(.+)>$/.exec(header(png.headers, 'Content-ID') ?? '')?.[1];
    assert.ok(cid, 'the chart has a Content-ID');
    const htmlText = html.body.toString('utf8');
    assert.match(htmlText, /^<h1>CPU alert: web-1 is firing<\/h1><img src="cid:([^"]+)"/);
    assert.equal(/src="cid:([^"]+)"/.exec(htmlText)?.[1], cid, 'the HTML shows the attachment by its cid');
    assert.match(htmlText, /<p>CPU &lt;high&gt; &amp; rising<\/p>$/, 'variables HTML-escaped');

    // A real PNG (RFC 2083): the signature, then the IHDR chunk with the chart's size.
    const bytes = png.body;
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.equal(bytes.readUInt32BE(16), 600);
    assert.equal(bytes.readUInt32BE(20), 240);
    assert.ok(bytes.length > 3000, `a drawn chart, not an empty image (${bytes.length} bytes)`);
  });

  it('mails no chart for an alert that is not about a stored metric, and the built-in parts without templates', async () => {
    const created = await call(admin, 'POST', '/api/channels', {
      name: 'plain mail',
      settings: {
        type: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        from: 'unity@example.org',
        to: ['ops@example.org'],
      },
    });
    const channelId = created.body.id as string;
    const cp = await contactPoint('plain mail', channelId);
    const before = smtp.received.length;
    await hub.deps.notify.enqueue(cp, sampleNotification({ id: 'mail-2' }));
    assert.equal((await delivered('mail-2', channelId))?.status, 'delivered');
    await smtp.waitFor(before + 1);
    const parts = mimeParts(smtp.received[before]?.raw ?? '');
    assert.deepEqual(
      parts.map((p) => p.contentType.split(';')[0]),
      ['text/plain', 'text/html'],
    );
    assert.match(parts[0]?.body.toString('utf8') ?? '', /^FIRING · critical: \[FIRING:2\] HighCpu/);
  });
});
