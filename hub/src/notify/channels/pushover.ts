/**
 * Pushover `POST /1/messages.json`, form-encoded (docs: pushover.net/api): token, user, title,
 * message, priority, a supplementary URL; HTML on. Critical alerts get high priority (1), which
 * bypasses quiet hours; emergency (2) needs acknowledgement settings Unity does not manage.
 * @module
 */
import type { Notification, SettingsOf } from '@unity/shared';
import { sendHttp } from './http.js';
import { escapeHtml, stateLabel, titleOf, truncate } from './render.js';
import type { ChannelSender, HttpRequest, SendResult } from './types.js';

export function pushoverPriority(n: Notification): number {
  if (n.status === 'resolved') return -1;
  return n.severity === 'critical' ? 1 : n.severity === 'warning' ? 0 : -1;
}

export function buildPushoverRequest(s: SettingsOf<'pushover'>, n: Notification): HttpRequest {
  const form = new URLSearchParams({
    token: s.token,
    user: s.userKey,
    title: truncate(titleOf(n), 250),
    message: truncate(`<b>${escapeHtml(stateLabel(n))}</b>\n${escapeHtml(n.body)}`, 1024),
    html: '1',
    priority: String(pushoverPriority(n)),
    url: truncate(n.url, 512),
    url_title: 'Open in Unity',
  });
  if (s.device) form.set('device', s.device);
  if (s.sound) form.set('sound', s.sound);
  return {
    method: 'POST',
    url: `${s.apiUrl.replace(/\/+$/, '')}/1/messages.json`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Unity-Hub' },
    body: form.toString(),
  };
}

/** `{"status":1}` is success; `{"status":0,"errors":[…]}` with a 4xx is a bad token or user. */
function check(status: number, body: string): SendResult | undefined {
  if (status < 400) return undefined;
  try {
    const errors = (JSON.parse(body) as { errors?: string[] }).errors;
    if (Array.isArray(errors) && status < 500 && status !== 429) {
      return { ok: false, permanent: true, error: `pushover ${status}: ${truncate(errors.join('; '), 200)}` };
    }
  } catch {
    // not JSON: the generic classification
  }
  return undefined;
}

export const sendPushover: ChannelSender<'pushover'> = (s, ctx) =>
  sendHttp(buildPushoverRequest(s, ctx.notification), ctx, check);
