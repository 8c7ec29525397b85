/**
 * Text messages: Twilio's Messages API (docs: twilio.com/docs/messaging/api/message-resource#create-a-message-resource:
 * form-encoded `To`, `From` or `MessagingServiceSid`, `Body`, Basic auth with the account SID and
 * auth token; 201 on success) and a signal-cli REST API server (`POST /v2/send` with `message`,
 * `number`, `recipients`; 201). Both get one short plain-text line per state plus the body.
 * @module
 */
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { stateLabel, titleOf, truncate } from './render.js';
import type { ChannelSender, HttpRequest, SendResult } from './types.js';

export const smsText = (n: Notification, max: number) =>
  truncate(`${stateLabel(n)}: ${titleOf(n)}\n${n.body}\n${n.url}`, max);

export function buildTwilioRequest(s: SettingsOf<'twilio'>, n: Notification): HttpRequest {
  const form = new URLSearchParams({ To: s.to, Body: smsText(n, 1600) });
  form.set(s.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', s.from);
  return {
    method: 'POST',
    url: `${s.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${s.accountSid}/Messages.json`,
    headers: {
      authorization: `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Unity-Hub',
    },
    body: form.toString(),
  };
}

/** Twilio's error body: `{code, message, more_info, status}`. */
function twilioCheck(status: number, body: string): SendResult | undefined {
  if (status < 400 || status === 429 || status >= 500) return undefined;
  try {
    const e = JSON.parse(body) as { code?: number; message?: string };
    return {
      ok: false,
      permanent: true,
      error: `twilio ${status} (${e.code ?? '?'}): ${truncate(e.message ?? '', 200)}`,
    };
  } catch {
    return undefined;
  }
}

export function buildSignalRequest(s: SettingsOf<'signal'>, n: Notification): HttpRequest {
  return jsonRequest(`${s.url.replace(/\/+$/, '')}/v2/send`, {
    message: smsText(n, 4000),
    number: s.number,
    recipients: s.recipients,
  });
}

export const sendTwilio: ChannelSender<'twilio'> = (s, ctx) =>
  sendHttp(buildTwilioRequest(s, ctx.notification), ctx, twilioCheck);
export const sendSignal: ChannelSender<'signal'> = (s, ctx) =>
  sendHttp(buildSignalRequest(s, ctx.notification), ctx);
