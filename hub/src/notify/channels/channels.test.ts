/**
 * Each HTTP channel against a local server speaking the provider's API: the exact request the
 * provider documents (method, path, headers, JSON shape), and how its error answers are read.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChannelSettingsSchema, type Notification } from '@unity/shared';
import { type HttpPeer, startPeer } from '../../testing/http-peer.js';
import { resolvedNotification, sampleNotification } from '../testing.js';
import { parseRetryAfter } from './http.js';
import { SENDERS, send } from './index.js';
import type { SendContext } from './types.js';

const ctx = (notification: Notification = sampleNotification()): SendContext => ({
  notification,
  channelName: 'ops',
  idempotencyKey: `${notification.id}/chan-1`,
  signal: AbortSignal.timeout(5000),
  fetch,
  publicUrl: 'http://hub.test:8080',
  appriseCommand: 'apprise',
  timeoutMs: 5000,
});

/** Validates settings the way the API does (defaults applied), then sends. */
const deliver = (settings: Record<string, unknown>, n?: Notification) =>
  send(SENDERS, ChannelSettingsSchema.parse(settings), ctx(n));

describe('HTTP channels against local provider peers', () => {
  let peer: HttpPeer;
  before(async () => {
    peer = await startPeer();
  });
  after(() => peer.close());
  beforeEach(() => {
    peer.requests.length = 0;
    peer.replies.length = 0;
    peer.fallback = { status: 200, body: 'ok' };
  });
  const last = () => {
    const r = peer.requests.at(-1);
    assert.ok(r, 'the peer got a request');
    return r;
  };

  it('webhook: Alertmanager v4 payload, custom headers, idempotency key and HMAC-SHA256 signature', async () => {
    const result = await deliver({
      type: 'webhook',
      url: `${peer.url}/hook?token=abc`,
      headers: { Authorization: 'Bearer xyz', 'X-Env': 'prod' },
      hmacSecret: 'sign-me-please',
    });
    assert.deepEqual(result, { ok: true });
    const r = last();
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/hook?token=abc');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers.authorization, 'Bearer xyz');
    assert.equal(r.headers['x-env'], 'prod');
    assert.equal(r.headers['idempotency-key'], 'n-1/chan-1');
    const expected = createHmac('sha256', 'sign-me-please').update(r.body).digest('hex');
    assert.equal(r.headers['x-unity-signature'], `sha256=${expected}`);
    const body = JSON.parse(r.body);
    assert.equal(body.version, '4');
    assert.equal(body.status, 'firing');
    assert.equal(body.receiver, 'ops');
    assert.equal(body.groupKey, '{}:{alertname="HighCpu"}');
    assert.equal(body.externalURL, 'http://hub.test:8080');
    assert.deepEqual(body.groupLabels, { alertname: 'HighCpu' });
    assert.equal(body.truncatedAlerts, 0);
    assert.equal(body.alerts.length, 2);
    assert.deepEqual(body.alerts[0], {
      status: 'firing',
      labels: { alertname: 'HighCpu', host: 'web-1' },
      annotations: { summary: 'web-1 CPU at 97%', description: 'for 5 minutes' },
      startsAt: '2026-11-23T10:00:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://hub.test:8080/hosts/web-1',
      fingerprint: 'fp-web-1',
    });
    assert.equal(body.title, '[FIRING:2] HighCpu');
    assert.equal(body.message, 'CPU above 90% on web-1 and web-2');
  });

  it('webhook: PUT when configured, no signature without a secret', async () => {
    await deliver({ type: 'webhook', url: `${peer.url}/put`, method: 'PUT' });
    assert.equal(last().method, 'PUT');
    assert.equal(last().headers['x-unity-signature'], undefined);
  });

  it('slack: incoming webhook with blocks and a fallback text', async () => {
    await deliver({
      type: 'slack',
      url: `${peer.url}/services/T0/B0/XXXX`,
      channel: '#ops',
      username: 'unity',
    });
    const r = last();
    assert.equal(r.url, '/services/T0/B0/XXXX');
    assert.equal(r.headers['content-type'], 'application/json');
    const body = JSON.parse(r.body);
    assert.equal(body.text, 'FIRING · critical: [FIRING:2] HighCpu');
    assert.equal(body.channel, '#ops');
    assert.equal(body.username, 'unity');
    assert.deepEqual(body.blocks[0], {
      type: 'header',
      text: { type: 'plain_text', text: '[FIRING:2] HighCpu', emoji: true },
    });
    assert.equal(body.blocks[1].type, 'section');
    assert.equal(body.blocks[1].text.type, 'mrkdwn');
    assert.match(body.blocks[1].text.text, /\*FIRING · critical\*\nCPU above 90% on web-1 and web-2/);
    assert.match(body.blocks[2].text.text, /• \[firing\] web-1 CPU at 97% \(value 97\.25\)/);
    const actions = body.blocks.at(-1);
    assert.equal(actions.type, 'actions');
    assert.equal(actions.elements[0].url, 'http://hub.test:8080/alerts');
  });

  it('discord: webhook embed coloured by severity, mentions only while firing', async () => {
    const settings = { type: 'discord', url: `${peer.url}/api/webhooks/1/tok`, mentions: '<@&42>' };
    await deliver(settings);
    let body = JSON.parse(last().body);
    assert.equal(last().url, '/api/webhooks/1/tok');
    assert.equal(body.content, '<@&42>');
    assert.deepEqual(body.allowed_mentions, { parse: ['users', 'roles', 'everyone'] });
    const [embed] = body.embeds;
    assert.equal(embed.title, '[FIRING:2] HighCpu');
    assert.equal(embed.description, 'CPU above 90% on web-1 and web-2');
    assert.equal(embed.url, 'http://hub.test:8080/alerts');
    assert.equal(embed.color, 0xe01e5a, 'critical is red');
    assert.equal(embed.fields.length, 2);
    assert.equal(embed.timestamp, '2026-11-23T10:00:00.000Z');

    await deliver(settings, sampleNotification({ severity: 'warning' }));
    assert.equal(JSON.parse(last().body).embeds[0].color, 0xecb22e, 'warning is amber');
    await deliver(settings, resolvedNotification());
    body = JSON.parse(last().body);
    assert.equal(body.embeds[0].color, 0x2eb67d, 'resolved is green');
    assert.equal(body.content, undefined, 'no ping on resolve');
    assert.deepEqual(body.allowed_mentions, { parse: [] });
  });

  it('discord: a 429 body retry_after (seconds) is honoured', async () => {
    peer.replies.push({
      status: 429,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 1.5, global: false }),
    });
    const result = await deliver({ type: 'discord', url: `${peer.url}/api/webhooks/1/tok` });
    assert.deepEqual(result, {
      ok: false,
      permanent: false,
      error: 'discord rate limit (429)',
      retryAfterMs: 1500,
    });
  });

  it('telegram: Bot API sendMessage with HTML, token in the path only', async () => {
    peer.fallback = { status: 200, body: JSON.stringify({ ok: true, result: { message_id: 1 } }) };
    const result = await deliver({
      type: 'telegram',
      botToken: '123456:ABC-def_GHI',
      chatId: -1001234,
      messageThreadId: 7,
      apiUrl: peer.url,
    });
    assert.deepEqual(result, { ok: true });
    const r = last();
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/bot123456:ABC-def_GHI/sendMessage');
    const body = JSON.parse(r.body);
    assert.equal(body.chat_id, '-1001234');
    assert.equal(body.parse_mode, 'HTML');
    assert.equal(body.message_thread_id, 7);
    assert.equal(body.disable_notification, false);
    assert.deepEqual(body.link_preview_options, { is_disabled: true });
    assert.match(body.text, /^<b>\[FIRING:2\] HighCpu<\/b>\n<i>FIRING · critical<\/i>/);
    assert.match(body.text, /<a href="http:\/\/hub.test:8080\/alerts">Open in Unity<\/a>$/);
  });

  it('telegram: ok:false answers are read (retry_after, permanent 400), without the token', async () => {
    const settings = { type: 'telegram', botToken: '123456:SECRETTOKEN', chatId: '1', apiUrl: peer.url };
    peer.replies.push({
      status: 429,
      body: JSON.stringify({
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 3',
        parameters: { retry_after: 3 },
      }),
    });
    const limited = await deliver(settings);
    assert.deepEqual(limited, {
      ok: false,
      permanent: false,
      error: 'telegram 429: Too Many Requests: retry after 3',
      retryAfterMs: 3000,
    });
    peer.replies.push({
      status: 400,
      body: JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }),
    });
    const bad = await deliver(settings);
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.permanent, true);
    peer.replies.push({ status: 502, body: 'bad gateway' });
    const down = await deliver(settings);
    assert.ok(!down.ok && !down.permanent);
    assert.ok(!down.ok && !down.error.includes('SECRETTOKEN'), 'errors never carry the URL');
  });

  it('ntfy: JSON publish to the server root with priority, tags, click and a Bearer token', async () => {
    await deliver({ type: 'ntfy', serverUrl: peer.url, topic: 'alerts', token: 'tk_abc' });
    const r = last();
    assert.equal(r.url, '/');
    assert.equal(r.headers.authorization, 'Bearer tk_abc');
    assert.deepEqual(JSON.parse(r.body), {
      topic: 'alerts',
      title: '[FIRING:2] HighCpu',
      message: 'CPU above 90% on web-1 and web-2',
      priority: 5,
      tags: ['rotating_light'],
      click: 'http://hub.test:8080/alerts',
    });
    await deliver(
      { type: 'ntfy', serverUrl: peer.url, topic: 'alerts', username: 'u', password: 'p' },
      resolvedNotification(),
    );
    assert.equal(last().headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(JSON.parse(last().body).priority, 3);
  });

  it('gotify: POST /message with X-Gotify-Key, priority and click extras', async () => {
    await deliver({ type: 'gotify', serverUrl: `${peer.url}/gotify/`, token: 'AppToken.1' });
    const r = last();
    assert.equal(r.url, '/gotify/message');
    assert.equal(r.headers['x-gotify-key'], 'AppToken.1');
    assert.deepEqual(JSON.parse(r.body), {
      title: '[FIRING:2] HighCpu',
      message: 'CPU above 90% on web-1 and web-2',
      priority: 8,
      extras: {
        'client::display': { contentType: 'text/plain' },
        'client::notification': { click: { url: 'http://hub.test:8080/alerts' } },
      },
    });
  });

  it('pushover: form-encoded POST /1/messages.json; a 400 with errors is permanent', async () => {
    peer.fallback = { status: 200, body: JSON.stringify({ status: 1, request: 'r1' }) };
    await deliver({
      type: 'pushover',
      token: 'apptoken',
      userKey: 'userkey',
      sound: 'siren',
      apiUrl: peer.url,
    });
    const r = last();
    assert.equal(r.url, '/1/messages.json');
    assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(r.body));
    assert.equal(form.token, 'apptoken');
    assert.equal(form.user, 'userkey');
    assert.equal(form.title, '[FIRING:2] HighCpu');
    assert.equal(form.priority, '1');
    assert.equal(form.html, '1');
    assert.equal(form.sound, 'siren');
    assert.equal(form.url, 'http://hub.test:8080/alerts');
    assert.match(form.message ?? '', /^<b>FIRING · critical<\/b>\nCPU above 90%/);
    peer.replies.push({
      status: 400,
      body: JSON.stringify({ user: 'invalid', errors: ['user identifier is invalid'], status: 0 }),
    });
    const bad = await deliver({ type: 'pushover', token: 'apptoken', userKey: 'nope', apiUrl: peer.url });
    assert.deepEqual(bad, { ok: false, permanent: true, error: 'pushover 400: user identifier is invalid' });
  });

  it('teams: workflow webhook with an Adaptive Card attachment', async () => {
    peer.fallback = { status: 202 };
    const result = await deliver({
      type: 'teams',
      url: `${peer.url}/workflows/abc/triggers/manual/paths/invoke?sig=s`,
    });
    assert.deepEqual(result, { ok: true });
    const body = JSON.parse(last().body);
    assert.equal(body.type, 'message');
    assert.equal(body.attachments.length, 1);
    const [att] = body.attachments;
    assert.equal(att.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(att.contentUrl, null);
    assert.equal(att.content.type, 'AdaptiveCard');
    assert.equal(att.content.version, '1.4');
    assert.equal(att.content.$schema, 'http://adaptivecards.io/schemas/adaptive-card.json');
    assert.deepEqual(att.content.body[0], {
      type: 'TextBlock',
      text: '[FIRING:2] HighCpu',
      weight: 'Bolder',
      size: 'Large',
      wrap: true,
      color: 'Attention',
    });
    assert.equal(att.content.body[3].type, 'FactSet');
    assert.deepEqual(att.content.actions, [
      { type: 'Action.OpenUrl', title: 'Open in Unity', url: 'http://hub.test:8080/alerts' },
    ]);
  });

  it('matrix: PUT send/m.room.message/{txnId} with a Bearer token; the same delivery keeps its txnId', async () => {
    peer.fallback = { status: 200, body: JSON.stringify({ event_id: '$e' }) };
    const settings = {
      type: 'matrix',
      homeserverUrl: peer.url,
      accessToken: 'syt_token',
      roomId: '!room:example.org',
    };
    await deliver(settings);
    const r = last();
    assert.equal(r.method, 'PUT');
    assert.match(
      r.url,
      /^\/_matrix\/client\/v3\/rooms\/!room%3Aexample\.org\/send\/m\.room\.message\/unity-[0-9a-f]{32}$/,
    );
    assert.equal(r.headers.authorization, 'Bearer syt_token');
    const body = JSON.parse(r.body);
    assert.equal(body.msgtype, 'm.text');
    assert.equal(body.format, 'org.matrix.custom.html');
    assert.match(body.body, /^\[FIRING:2\] HighCpu \(FIRING · critical\)\n/);
    assert.match(body.formatted_body, /^<strong>\[FIRING:2\] HighCpu<\/strong>/);
    await deliver(settings);
    assert.equal(peer.requests.at(-1)?.url, r.url, 'a retry reuses the transaction id');
    peer.replies.push({
      status: 429,
      body: JSON.stringify({ errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 2500 }),
    });
    assert.deepEqual(await deliver(settings), {
      ok: false,
      permanent: false,
      error: 'matrix 429 M_LIMIT_EXCEEDED: Too many requests',
      retryAfterMs: 2500,
    });
  });

  it('pagerduty: Events API v2 trigger, then resolve, under the group key', async () => {
    peer.fallback = { status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed' }) };
    const settings = { type: 'pagerduty', routingKey: 'R'.repeat(32), apiUrl: peer.url };
    await deliver(settings);
    let r = last();
    assert.equal(r.url, '/v2/enqueue');
    let body = JSON.parse(r.body);
    assert.equal(body.routing_key, 'R'.repeat(32));
    assert.equal(body.event_action, 'trigger');
    assert.equal(body.dedup_key, '{}:{alertname="HighCpu"}');
    assert.equal(body.payload.summary, '[FIRING:2] HighCpu');
    assert.equal(body.payload.source, 'http://hub.test:8080');
    assert.equal(body.payload.severity, 'critical');
    assert.equal(body.payload.timestamp, '2026-11-23T10:00:00.000Z');
    assert.equal(body.payload.class, 'HighCpu');
    assert.equal(body.payload.custom_details.firing, 2);
    assert.deepEqual(body.links, [{ href: 'http://hub.test:8080/alerts', text: 'Open in Unity' }]);
    await deliver(settings, resolvedNotification());
    r = last();
    body = JSON.parse(r.body);
    assert.deepEqual(body, {
      routing_key: 'R'.repeat(32),
      dedup_key: '{}:{alertname="HighCpu"}',
      event_action: 'resolve',
    });
  });

  it('opsgenie: create with alias and GenieKey, close by alias on resolve', async () => {
    peer.fallback = {
      status: 202,
      body: JSON.stringify({ result: 'Request will be processed', requestId: 'x' }),
    };
    const settings = {
      type: 'opsgenie',
      apiKey: 'genie-key',
      apiUrl: peer.url,
      responders: [{ type: 'team', name: 'ops' }],
      tags: ['unity'],
    };
    await deliver(settings);
    let r = last();
    assert.equal(r.url, '/v2/alerts');
    assert.equal(r.headers.authorization, 'GenieKey genie-key');
    const body = JSON.parse(r.body);
    assert.equal(body.message, '[FIRING:2] HighCpu');
    assert.equal(body.alias, '{}:{alertname="HighCpu"}');
    assert.equal(body.priority, 'P1');
    assert.deepEqual(body.responders, [{ type: 'team', name: 'ops' }]);
    assert.deepEqual(body.tags, ['unity']);
    assert.equal(body.source, 'Unity');
    await deliver(settings, resolvedNotification());
    r = last();
    assert.equal(
      r.url,
      `/v2/alerts/${encodeURIComponent('{}:{alertname="HighCpu"}')}/close?identifierType=alias`,
    );
    assert.equal(JSON.parse(r.body).source, 'Unity');
    // Acknowledged in Unity: acknowledged in Opsgenie, by alias, saying who.
    await deliver(
      settings,
      sampleNotification({ acknowledged: { by: 'ed', at: '2026-11-23T10:05:00.000Z' } }),
    );
    r = last();
    assert.equal(
      r.url,
      `/v2/alerts/${encodeURIComponent('{}:{alertname="HighCpu"}')}/acknowledge?identifierType=alias`,
    );
    assert.deepEqual(JSON.parse(r.body), { user: 'ed', source: 'Unity', note: 'Acknowledged in Unity' });
  });

  it('mattermost, rocket.chat and google chat webhooks', async () => {
    await deliver({ type: 'mattermost', url: `${peer.url}/hooks/mm`, channel: 'town-square' });
    let body = JSON.parse(last().body);
    assert.equal(last().url, '/hooks/mm');
    assert.equal(body.channel, 'town-square');
    assert.equal(body.attachments[0].title, '[FIRING:2] HighCpu');
    assert.equal(body.attachments[0].color, '#e01e5a');
    assert.equal(body.attachments[0].title_link, 'http://hub.test:8080/alerts');

    await deliver({ type: 'rocketchat', url: `${peer.url}/hooks/rc/tok` });
    body = JSON.parse(last().body);
    assert.equal(body.text, 'FIRING · critical: [FIRING:2] HighCpu');
    assert.equal(body.attachments[0].title, '[FIRING:2] HighCpu');

    await deliver({ type: 'googlechat', url: `${peer.url}/v1/spaces/S/messages?key=k&token=t` });
    const r = last();
    const url = new URL(r.url, peer.url);
    assert.equal(url.pathname, '/v1/spaces/S/messages');
    assert.equal(url.searchParams.get('key'), 'k');
    assert.equal(url.searchParams.get('messageReplyOption'), 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    body = JSON.parse(r.body);
    assert.match(body.thread.threadKey, /^unity-[0-9a-f]{32}$/);
    assert.match(body.text, /^\*\[FIRING:2\] HighCpu\*\n_FIRING · critical_/);
    await deliver(
      { type: 'googlechat', url: `${peer.url}/v1/spaces/S/messages?key=k&token=t` },
      resolvedNotification(),
    );
    assert.equal(
      JSON.parse(last().body).thread.threadKey,
      body.thread.threadKey,
      'one thread per alert group',
    );
  });

  it('twilio: form-encoded Messages.json with Basic auth; a 400 error body is permanent', async () => {
    peer.fallback = { status: 201, body: JSON.stringify({ sid: 'SM1', status: 'queued' }) };
    const sid = `AC${'a'.repeat(32)}`;
    const settings = {
      type: 'twilio',
      accountSid: sid,
      authToken: 'twilio-auth',
      from: '+14155550100',
      to: '+14155550123',
      apiUrl: peer.url,
    };
    assert.deepEqual(await deliver(settings), { ok: true });
    const r = last();
    assert.equal(r.url, `/2010-04-01/Accounts/${sid}/Messages.json`);
    assert.equal(r.headers.authorization, `Basic ${Buffer.from(`${sid}:twilio-auth`).toString('base64')}`);
    assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(r.body));
    assert.equal(form.To, '+14155550123');
    assert.equal(form.From, '+14155550100');
    assert.equal(
      form.Body,
      'FIRING · critical: [FIRING:2] HighCpu\nCPU above 90% on web-1 and web-2\nhttp://hub.test:8080/alerts',
    );
    peer.replies.push({
      status: 400,
      body: JSON.stringify({
        code: 21211,
        message: "The 'To' number is not a valid phone number.",
        status: 400,
      }),
    });
    assert.deepEqual(await deliver(settings), {
      ok: false,
      permanent: true,
      error: "twilio 400 (21211): The 'To' number is not a valid phone number.",
    });
  });

  it('signal: signal-cli REST API POST /v2/send', async () => {
    peer.fallback = { status: 201, body: JSON.stringify({ timestamp: '1' }) };
    await deliver({
      type: 'signal',
      url: `${peer.url}/signal`,
      number: '+4915100000000',
      recipients: ['+4915100000001', 'group.abc'],
    });
    const r = last();
    assert.equal(r.url, '/signal/v2/send');
    const body = JSON.parse(r.body);
    assert.equal(body.number, '+4915100000000');
    assert.deepEqual(body.recipients, ['+4915100000001', 'group.abc']);
    assert.match(body.message, /^FIRING · critical: \[FIRING:2\] HighCpu\n/);
  });

  it('classifies answers: 5xx and 429 retry (with Retry-After), other 4xx and redirects are permanent', async () => {
    const hook = { type: 'webhook', url: `${peer.url}/hook` };
    peer.replies.push({ status: 503, headers: { 'retry-after': '7' }, body: 'maintenance' });
    assert.deepEqual(await deliver(hook), {
      ok: false,
      permanent: false,
      error: `${new URL(peer.url).host} answered 503: maintenance`,
      retryAfterMs: 7000,
    });
    peer.replies.push({ status: 404, body: 'no such hook' });
    const gone = await deliver(hook);
    assert.ok(!gone.ok && gone.permanent);
    peer.replies.push({ status: 301, headers: { location: 'http://elsewhere.test/' } });
    const moved = await deliver(hook);
    assert.ok(!moved.ok && moved.permanent && /redirects are not followed/.test(moved.error));
    const closed = await startPeer();
    await closed.close();
    const unreachable = await deliver({ type: 'webhook', url: `${closed.url}/hook` });
    assert.ok(!unreachable.ok && !unreachable.permanent);
    assert.equal(
      !unreachable.ok && unreachable.error,
      `could not reach ${new URL(closed.url).host}: ECONNREFUSED`,
    );
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('120'), 120_000);
    assert.equal(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
      10_000,
    );
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});
