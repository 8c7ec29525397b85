/**
 * The Apprise bridge: the real `apprise` CLI (Debian package, installed by scripts/test-env.sh)
 * delivering to a local `json://` endpoint, its failures, a missing CLI, and Apprise API mode.
 * Outside CI the CLI tests are skipped when `apprise` is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChannelSettingsSchema } from '@unity/shared';
import { type HttpPeer, startPeer } from '../../testing/http-peer.js';
import { resolvedNotification, sampleNotification } from '../testing.js';
import { appriseArgs, appriseAvailable } from './apprise.js';
import { SENDERS, send } from './index.js';
import type { SendContext } from './types.js';

const installed = await appriseAvailable('apprise');
const skipCli =
  !installed && !process.env.CI ? 'the apprise CLI is not installed (apt-get install apprise)' : false;

const ctx = (notification = sampleNotification(), appriseCommand = 'apprise'): SendContext => ({
  notification,
  channelName: 'apprise',
  idempotencyKey: `${notification.id}/chan-a`,
  signal: AbortSignal.timeout(30_000),
  fetch,
  publicUrl: 'http://hub.test:8080',
  appriseCommand,
  timeoutMs: 30_000,
});

describe('Apprise bridge', () => {
  let peer: HttpPeer;
  before(async () => {
    peer = await startPeer((req) =>
      req.url.startsWith('/down') ? { status: 500 } : { status: 200, body: 'ok' },
    );
  });
  after(() => peer.close());
  const port = () => new URL(peer.url).port;

  it('the real apprise CLI delivers to a local json:// endpoint', { skip: skipCli }, async () => {
    const settings = ChannelSettingsSchema.parse({
      type: 'apprise',
      urls: [`json://127.0.0.1:${port()}/notify-cli`],
    });
    assert.deepEqual(await send(SENDERS, settings, ctx()), { ok: true });
    const r = peer.requests.find((q) => q.url === '/notify-cli');
    assert.ok(r, 'apprise posted to the endpoint');
    assert.equal(r.method, 'POST');
    assert.equal(r.headers['user-agent'], 'Apprise');
    const body = JSON.parse(r.body);
    assert.equal(body.title, '[FIRING:2] HighCpu');
    assert.equal(body.message, 'CPU above 90% on web-1 and web-2\n\nhttp://hub.test:8080/alerts');
    assert.equal(body.type, 'failure', 'critical firing maps to failure');

    await send(SENDERS, settings, ctx(resolvedNotification()));
    assert.equal(JSON.parse(peer.requests.at(-1)?.body ?? '{}').type, 'success');
  });

  it('a failing service is retried; a missing CLI is permanent with the install hint', {
    skip: skipCli,
  }, async () => {
    const down = ChannelSettingsSchema.parse({ type: 'apprise', urls: [`json://127.0.0.1:${port()}/down`] });
    const failed = await send(SENDERS, down, ctx());
    assert.ok(!failed.ok && !failed.permanent, JSON.stringify(failed));
    assert.match(!failed.ok ? failed.error : '', /^apprise exited with 1/);
    const missing = await send(SENDERS, down, ctx(sampleNotification(), '/nonexistent/apprise'));
    assert.ok(!missing.ok && missing.permanent);
    assert.match(!missing.ok ? missing.error : '', /apt-get install apprise/);
  });

  it('keeps the URLs off the command line', () => {
    const args = appriseArgs(sampleNotification({ body: '--config=/etc/passwd' }));
    assert.deepEqual(args, [
      '--title=[FIRING:2] HighCpu',
      '--body=--config=/etc/passwd\n\nhttp://hub.test:8080/alerts',
      '--notification-type=failure',
    ]);
  });

  it('sends through an Apprise API server (stateless POST /notify/)', async () => {
    const settings = ChannelSettingsSchema.parse({
      type: 'apprise',
      urls: ['tgram://bot-token/chat', 'mailto://u:p@example.org'],
      apiUrl: `${peer.url}/apprise-api`,
    });
    assert.deepEqual(await send(SENDERS, settings, ctx()), { ok: true });
    const r = peer.requests.at(-1);
    assert.equal(r?.url, '/apprise-api/notify/');
    assert.deepEqual(JSON.parse(r?.body ?? '{}'), {
      urls: 'tgram://bot-token/chat,mailto://u:p@example.org',
      title: '[FIRING:2] HighCpu',
      body: 'CPU above 90% on web-1 and web-2\n\nhttp://hub.test:8080/alerts',
      type: 'failure',
      format: 'text',
    });
  });
});
