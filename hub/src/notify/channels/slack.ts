/**
 * Slack incoming webhook with Block Kit (docs: api.slack.com/messaging/webhooks,
 * /reference/block-kit/blocks): a header, the state and body as mrkdwn, the alerts, a button to
 * Unity; `text` is the notification fallback. Incoming webhooks cannot thread (that needs
 * chat.postMessage and a bot token), so each update of a group is its own message.
 * @module
 */
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { alertLine, labelText, stateLabel, titleOf, truncate } from './render.js';
import type { ChannelSender, HttpRequest } from './types.js';

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

export function buildSlackRequest(s: SettingsOf<'slack'>, n: Notification): HttpRequest {
  return jsonRequest(s.url, {
    ...slackPayload(n),
    ...(s.channel ? { channel: s.channel } : {}),
    ...(s.username ? { username: s.username } : {}),
    ...(s.iconEmoji ? { icon_emoji: s.iconEmoji } : {}),
  });
}

export const sendSlack: ChannelSender<'slack'> = (s, ctx) =>
  sendHttp(buildSlackRequest(s, ctx.notification), ctx);
