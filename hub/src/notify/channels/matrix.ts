/**
 * Matrix client-server API: `PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}`
 * (spec: spec.matrix.org/latest/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid).
 * The transaction id is the delivery's idempotency key, so the homeserver itself drops a
 * retried request it already took. Rate limits answer 429 with `retry_after_ms`.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { alertLine, escapeHtml, stateLabel, titleOf } from './render.js';
import type { ChannelSender, HttpRequest, SendResult } from './types.js';

export const matrixTxnId = (key: string) =>
  `unity-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

export function matrixContent(n: Notification) {
  const lines = n.alerts.slice(0, 20).map(alertLine);
  const text = [`${titleOf(n)} (${stateLabel(n)})`, n.body, ...lines, n.url].join('\n');
  const html = [
    `<strong>${escapeHtml(titleOf(n))}</strong> <em>(${escapeHtml(stateLabel(n))})</em>`,
    `<p>${escapeHtml(n.body).replace(/\n/g, '<br>')}</p>`,
    lines.length > 0 ? `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '',
    `<a href="${escapeHtml(n.url)}">Open in Unity</a>`,
  ].join('');
  return { msgtype: 'm.text', body: text, format: 'org.matrix.custom.html', formatted_body: html };
}

export function buildMatrixRequest(
  s: SettingsOf<'matrix'>,
  n: Notification,
  idempotencyKey: string,
): HttpRequest {
  const url = `${s.homeserverUrl.replace(/\/+$/, '')}/_matrix/client/v3/rooms/${encodeURIComponent(s.roomId)}/send/m.room.message/${matrixTxnId(idempotencyKey)}`;
  return jsonRequest(url, matrixContent(n), { authorization: `Bearer ${s.accessToken}` }, 'PUT');
}

function check(status: number, body: string): SendResult | undefined {
  if (status < 400) return undefined;
  try {
    const e = JSON.parse(body) as { errcode?: string; error?: string; retry_after_ms?: number };
    if (!e.errcode) return undefined;
    return {
      ok: false,
      permanent: status < 500 && status !== 429 && status !== 408,
      error: `matrix ${status} ${e.errcode}: ${(e.error ?? '').slice(0, 200)}`,
      ...(typeof e.retry_after_ms === 'number' ? { retryAfterMs: e.retry_after_ms } : {}),
    };
  } catch {
    return undefined;
  }
}

export const sendMatrix: ChannelSender<'matrix'> = (s, ctx) =>
  sendHttp(buildMatrixRequest(s, ctx.notification, ctx.idempotencyKey), ctx, check);
