/**
 * Chat servers whose incoming webhooks take a small JSON message: Mattermost (Slack-style
 * attachments, docs: developers.mattermost.com/integrate/webhooks/incoming), Rocket.Chat
 * (docs: docs.rocket.chat, "Integrations: incoming webhook") and Google Chat (docs:
 * developers.google.com/workspace/chat/quickstart/webhooks), where every message of one alert
 * group goes to the same thread (`thread.threadKey` with REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD).
 * @module
 */
import { createHash } from 'node:crypto';
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { stateColor, stateLabel, titleOf, truncate } from './render.js';
import { alertList, slackEscape } from './slack.js';
import type { ChannelSender, HttpRequest } from './types.js';

const attachment = (n: Notification, esc: (s: string) => string) => ({
  fallback: `${stateLabel(n)}: ${titleOf(n)}`,
  color: stateColor(n),
  title: titleOf(n),
  title_link: n.url,
  text: truncate([`**${stateLabel(n)}**`, esc(n.body), alertList(n, esc)].filter(Boolean).join('\n'), 7000),
});

export function buildMattermostRequest(s: SettingsOf<'mattermost'>, n: Notification): HttpRequest {
  return jsonRequest(s.url, {
    text: '',
    ...(s.channel ? { channel: s.channel } : {}),
    ...(s.username ? { username: s.username } : {}),
    attachments: [attachment(n, (x) => x)],
  });
}

export function buildRocketChatRequest(s: SettingsOf<'rocketchat'>, n: Notification): HttpRequest {
  return jsonRequest(s.url, {
    text: `${stateLabel(n)}: ${titleOf(n)}`,
    ...(s.channel ? { channel: s.channel } : {}),
    attachments: [attachment(n, (x) => x)],
  });
}

export const googleChatThreadKey = (groupKey: string) =>
  `unity-${createHash('sha256').update(groupKey).digest('hex').slice(0, 32)}`;

export function buildGoogleChatRequest(s: SettingsOf<'googlechat'>, n: Notification): HttpRequest {
  const url = new URL(s.url);
  url.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  const text = [
    `*${titleOf(n)}*`,
    `_${stateLabel(n)}_`,
    n.body,
    alertList(n, slackEscape),
    `<${n.url}|Open in Unity>`,
  ]
    .filter(Boolean)
    .join('\n');
  return jsonRequest(url.toString(), {
    text: truncate(text, 4000),
    thread: { threadKey: googleChatThreadKey(n.groupKey) },
  });
}

export const sendMattermost: ChannelSender<'mattermost'> = (s, ctx) =>
  sendHttp(buildMattermostRequest(s, ctx.notification), ctx);
export const sendRocketChat: ChannelSender<'rocketchat'> = (s, ctx) =>
  sendHttp(buildRocketChatRequest(s, ctx.notification), ctx);
export const sendGoogleChat: ChannelSender<'googlechat'> = (s, ctx) =>
  sendHttp(buildGoogleChatRequest(s, ctx.notification), ctx);
