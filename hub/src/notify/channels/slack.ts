/**
 * Slack with Block Kit (docs: api.slack.com/reference/block-kit/blocks): a header, the state and
 * body as mrkdwn, the alerts, a button to Unity; `text` is the notification fallback. Two modes:
 *
 * - an incoming webhook (api.slack.com/messaging/webhooks): it cannot thread, so each update of
 *   a group is its own message;
 * - a bot token with `chat.postMessage` (api.slack.com/methods/chat.postMessage): the first
 *   message of an alert group starts a thread, its `ts` is stored (ThreadStore, in the
 *   database), and later messages of the group reply with `thread_ts`; the parent is edited
 *   with `chat.update` to show the group's latest state. A resolved group's reply is also
 *   broadcast to the channel, and its thread is closed: the next firing starts a new one.
 *
 * The Web API answers HTTP 200 with `{ok: false, error}` on failure, 429 with Retry-After when
 * rate limited.
 * @module
 */
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, type ResponseCheck, sendHttp } from './http.js';
import { alertLine, labelText, stateLabel, titleOf, truncate } from './render.js';
import type { ChannelSender, HttpRequest, SendContext, SendResult, ThreadRef } from './types.js';

/** Slack's mrkdwn escapes only these three (docs: "Escaping text"). */
export const slackEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const MAX_ALERTS = 10;

export function alertList(n: Notification, esc: (s: string) => string): string {
  const lines = n.alerts.slice(0, MAX_ALERTS).map((a) => `• ${esc(alertLine(a))}`);
  if (n.alerts.length > MAX_ALERTS) lines.push(`… and ${n.alerts.length - MAX_ALERTS} more`);
  return lines.join('\n');
}

export function slackPayload(n: Notification) {
  const icon =
    n.status === 'resolved'
      ? ':white_check_mark:'
      : n.severity === 'critical'
        ? ':red_circle:'
        : n.severity === 'warning'
          ? ':large_orange_circle:'
          : ':large_blue_circle:';
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(titleOf(n), 150), emoji: true } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`${icon} *${stateLabel(n)}*\n${slackEscape(n.body)}`, 3000) },
    },
  ];
  if (n.alerts.length > 0)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(alertList(n, slackEscape), 3000) },
    });
  const labels = labelText(n.commonLabels);
  if (labels)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(slackEscape(labels), 3000) }],
    });
  blocks.push({
    type: 'actions',
    elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Unity' }, url: n.url }],
  });
  return { text: `${stateLabel(n)}: ${titleOf(n)}`, blocks };
}

const identity = (s: SettingsOf<'slack'>) => ({
  ...(s.username ? { username: s.username } : {}),
  ...(s.iconEmoji ? { icon_emoji: s.iconEmoji } : {}),
});

export function buildSlackRequest(s: SettingsOf<'slack'>, n: Notification): HttpRequest {
  return jsonRequest(s.url ?? '', {
    ...slackPayload(n),
    ...(s.channel ? { channel: s.channel } : {}),
    ...identity(s),
  });
}

/** A Web API call (`chat.postMessage`, `chat.update`) with the bot token. */
export function buildSlackApiRequest(s: SettingsOf<'slack'>, method: string, body: unknown): HttpRequest {
  const base = (s.apiUrl ?? 'https://slack.com/api').replace(/\/+$/, '');
  return jsonRequest(`${base}/${method}`, body, {
    authorization: `Bearer ${s.botToken ?? ''}`,
    'content-type': 'application/json; charset=utf-8',
  });
}

/** Web API errors worth retrying (docs: each method's "Errors"); the others need a person. */
const TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

type ApiAnswer = { ok?: boolean; error?: string; ts?: string; channel?: string };

/** Sends one Web API call; on success also answers what Slack said (the message's ts). */
async function callApi(
  s: SettingsOf<'slack'>,
  method: string,
  body: unknown,
  ctx: SendContext,
): Promise<{ result: SendResult; answer?: ApiAnswer }> {
  let answer: ApiAnswer | undefined;
  const check: ResponseCheck = (status, text) => {
    if (status < 200 || status >= 300) return undefined;
    try {
      answer = JSON.parse(text) as ApiAnswer;
    } catch {
      return { ok: false, permanent: false, error: `Slack ${method} answered ${status} without JSON` };
    }
    if (answer.ok === true) return { ok: true };
    const error = String(answer.error ?? 'unknown_error').slice(0, 100);
    return { ok: false, permanent: !TRANSIENT.has(error), error: `Slack ${method} failed: ${error}` };
  };
  const result = await sendHttp(buildSlackApiRequest(s, method, body), ctx, check);
  return result.ok ? { result, ...(answer ? { answer } : {}) } : { result };
}

async function sendBot(s: SettingsOf<'slack'>, ctx: SendContext): Promise<SendResult> {
  const n = ctx.notification;
  const message = { ...slackPayload(n), ...identity(s) };
  const threads = ctx.threads;
  const channelId = ctx.channelId;
  if (!threads || !channelId || n.test) {
    return (await callApi(s, 'chat.postMessage', { channel: s.channel, ...message }, ctx)).result;
  }
  return threads.serial(channelId, n.groupKey, async () => {
    const thread = await threads.get(channelId, n.groupKey);
    if (!thread) {
      const { result, answer } = await callApi(
        s,
        'chat.postMessage',
        { channel: s.channel, ...message },
        ctx,
      );
      if (result.ok && answer?.ts && n.status === 'firing') {
        await threads.set(channelId, n.groupKey, {
          ts: answer.ts,
          channel: answer.channel ?? s.channel ?? '',
        });
      }
      return result;
    }
    const resolved = n.status === 'resolved';
    const { result } = await callApi(
      s,
      'chat.postMessage',
      {
        channel: thread.channel,
        thread_ts: thread.ts,
        ...(resolved ? { reply_broadcast: true } : {}),
        ...message,
      },
      ctx,
    );
    if (!result.ok) return result;
    if (s.updateParent !== false) await updateParent(s, thread, n, ctx);
    if (resolved) await threads.delete(channelId, n.groupKey);
    return result;
  });
}

/**
 * Edits the thread's first message to the group's latest state. The reply is already posted,
 * so a failed edit does not fail the delivery (retrying would post the reply twice).
 */
async function updateParent(s: SettingsOf<'slack'>, thread: ThreadRef, n: Notification, ctx: SendContext) {
  await callApi(s, 'chat.update', { channel: thread.channel, ts: thread.ts, ...slackPayload(n) }, ctx);
}

export const sendSlack: ChannelSender<'slack'> = (s, ctx) =>
  s.botToken ? sendBot(s, ctx) : sendHttp(buildSlackRequest(s, ctx.notification), ctx);
