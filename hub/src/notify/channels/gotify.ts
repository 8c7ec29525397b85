/**
 * Gotify `POST /message` with the application token in `X-Gotify-Key` (docs: gotify.net/api-docs,
 * /docs/msgextras): title, message, priority 0-10, and a click URL in the extras.
 * @module
 */
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { titleOf } from './render.js';
import type { ChannelSender, HttpRequest } from './types.js';

export function gotifyPriority(s: SettingsOf<'gotify'>, n: Notification): number {
  if (n.status === 'resolved') return 2;
  return n.severity === 'critical' ? s.priority : n.severity === 'warning' ? 5 : 2;
}

export function buildGotifyRequest(s: SettingsOf<'gotify'>, n: Notification): HttpRequest {
  return jsonRequest(
    `${s.serverUrl.replace(/\/+$/, '')}/message`,
    {
      title: titleOf(n),
      message: n.body,
      priority: gotifyPriority(s, n),
      extras: {
        'client::display': { contentType: 'text/plain' },
        'client::notification': { click: { url: n.url } },
      },
    },
    { 'x-gotify-key': s.token },
  );
}

export const sendGotify: ChannelSender<'gotify'> = (s, ctx) =>
  sendHttp(buildGotifyRequest(s, ctx.notification), ctx);
