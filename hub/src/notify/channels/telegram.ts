/**
 * Telegram Bot API `sendMessage` (docs: core.telegram.org/bots/api#sendmessage) with HTML
 * formatting. The token is part of the path, so errors name the host only. Telegram answers
 * `{ok: false, error_code, description, parameters: {retry_after}}` on failure.
 * @module
 */
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { escapeHtml, stateLabel, titleOf, truncate } from './render.js';
import { alertList } from './slack.js';
import type { ChannelSender, HttpRequest, SendResult } from './types.js';

export function telegramText(n: Notification): string {
  const parts = [
    `<b>${escapeHtml(titleOf(n))}</b>`,
    `<i>${escapeHtml(stateLabel(n))}</i>`,
    '',
    escapeHtml(truncate(n.body, 3000)),
  ];
  if (n.alerts.length > 0) parts.push('', alertList(n, escapeHtml));
  parts.push('', `<a href="${escapeHtml(n.url)}">Open in Unity</a>`);
  return truncate(parts.join('\n'), 4096);
}

export function buildTelegramRequest(s: SettingsOf<'telegram'>, n: Notification): HttpRequest {
  return jsonRequest(`${s.apiUrl.replace(/\/+$/, '')}/bot${s.botToken}/sendMessage`, {
    chat_id: s.chatId,
    text: telegramText(n),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    disable_notification: s.disableNotification,
    ...(s.messageThreadId ? { message_thread_id: s.messageThreadId } : {}),
  });
}

function check(status: number, body: string): SendResult | undefined {
  let answer: {
    ok?: boolean;
    error_code?: number;
    description?: string;
    parameters?: { retry_after?: number };
  };
  try {
    answer = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (answer.ok === true) return { ok: true };
  const code = answer.error_code ?? status;
  const retryAfter = answer.parameters?.retry_after;
  return {
    ok: false,
    permanent: code >= 400 && code < 500 && code !== 429,
    error: `telegram ${code}: ${truncate(answer.description ?? 'error', 200)}`,
    ...(typeof retryAfter === 'number' ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}

export const sendTelegram: ChannelSender<'telegram'> = (s, ctx) =>
  sendHttp(buildTelegramRequest(s, ctx.notification), ctx, check);
