/**
 * ntfy, publishing as JSON to the server's root (docs: docs.ntfy.sh/publish/#publish-as-json):
 * topic, title, message, priority 1-5, tags (emoji short codes) and a click URL. Auth is an access
 * token (Bearer) or a user name and password (Basic).
 * @module
 */
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { titleOf, truncate } from './render.js';
import type { ChannelSender, HttpRequest } from './types.js';

export function ntfyPriority(n: Notification): number {
  if (n.status === 'resolved') return 3;
  return n.severity === 'critical' ? 5 : n.severity === 'warning' ? 4 : 3;
}

export function buildNtfyRequest(s: SettingsOf<'ntfy'>, n: Notification): HttpRequest {
  const headers: Record<string, string> = {};
  if (s.token) headers.authorization = `Bearer ${s.token}`;
  else if (s.username)
    headers.authorization = `Basic ${Buffer.from(`${s.username}:${s.password ?? ''}`).toString('base64')}`;
  const tag =
    n.status === 'resolved'
      ? 'white_check_mark'
      : n.severity === 'critical'
        ? 'rotating_light'
        : n.severity === 'warning'
          ? 'warning'
          : 'information_source';
  return jsonRequest(
    `${s.serverUrl.replace(/\/+$/, '')}/`,
    {
      topic: s.topic,
      title: truncate(titleOf(n), 250),
      message: truncate(n.body, 4096),
      priority: ntfyPriority(n),
      tags: [tag],
      click: n.url,
    },
    headers,
  );
}

export const sendNtfy: ChannelSender<'ntfy'> = (s, ctx) =>
  sendHttp(buildNtfyRequest(s, ctx.notification), ctx);
