/**
 * Generic webhook: Alertmanager's webhook payload (version 4), so receivers written for
 * Alertmanager work unchanged, plus Unity's rendered `title` and `message`. With a secret, the
 * body is signed like GitHub's webhooks: `X-Unity-Signature: sha256=<hex HMAC-SHA256(body)>`.
 * A JSON body template, when set, replaces the payload (the signature covers what is sent).
 * @module
 */
import { createHmac } from 'node:crypto';
import type { Notification, SettingsOf } from '@unity/shared';
import { notificationVars, renderTemplate } from '../templates/variables.js';
import { jsonRequest, sendHttp } from './http.js';
import type { ChannelSender, HttpRequest } from './types.js';

/** Alertmanager writes the zero time for an alert that has not ended. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export function alertmanagerPayload(n: Notification, receiver: string, externalUrl: string) {
  return {
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: 0,
    status: n.status,
    receiver,
    groupLabels: n.groupLabels,
    commonLabels: n.commonLabels,
    commonAnnotations: n.commonAnnotations,
    externalURL: externalUrl,
    alerts: n.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? ZERO_TIME,
      generatorURL: a.url,
      fingerprint: a.fingerprint,
    })),
    // Unity's additions; Alertmanager receivers ignore unknown fields.
    notificationId: n.id,
    title: n.title,
    message: n.body,
    severity: n.severity,
    url: n.url,
    ...(n.test ? { test: true } : {}),
  };
}

export const signBody = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export type BodyTemplateResult = { ok: true; body: string } | { ok: false; error: string };

/**
 * The body template rendered for `n`; it must come out as valid JSON (a receiver would refuse
 * anything else, and retrying cannot fix it). `{{payload_json}}` is the default payload.
 */
export function renderBodyTemplate(
  template: string,
  n: Notification,
  opts: { receiver: string; externalUrl: string },
): BodyTemplateResult {
  const vars = notificationVars({
    notification: n,
    receiver: opts.receiver,
    publicUrl: opts.externalUrl,
    extra: { payload_json: JSON.stringify(alertmanagerPayload(n, opts.receiver, opts.externalUrl)) },
  });
  const body = renderTemplate(template, vars, 'json');
  try {
    JSON.parse(body);
    return { ok: true, body };
  } catch (error) {
    return {
      ok: false,
      error: `the JSON body template did not render valid JSON: ${(error as Error).message.slice(0, 160)}`,
    };
  }
}

export function buildWebhookRequest(
  s: SettingsOf<'webhook'>,
  n: Notification,
  opts: { receiver: string; externalUrl: string; idempotencyKey: string },
): HttpRequest | { error: string } {
  const req = jsonRequest(s.url, alertmanagerPayload(n, opts.receiver, opts.externalUrl), {}, s.method);
  if (s.bodyTemplate) {
    const rendered = renderBodyTemplate(s.bodyTemplate, n, opts);
    if (!rendered.ok) return { error: rendered.error };
    req.body = rendered.body;
  }
  // Lower-cased so a configured `Content-Type` replaces the default instead of joining it.
  const custom = Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v]));
  req.headers = { ...req.headers, ...custom, 'idempotency-key': opts.idempotencyKey };
  if (s.hmacSecret) req.headers['x-unity-signature'] = signBody(s.hmacSecret, req.body);
  return req;
}

export const sendWebhook: ChannelSender<'webhook'> = async (s, ctx) => {
  const req = buildWebhookRequest(s, ctx.notification, {
    receiver: ctx.channelName,
    externalUrl: ctx.publicUrl,
    idempotencyKey: ctx.idempotencyKey,
  });
  if ('error' in req) return { ok: false, permanent: true, error: req.error };
  return sendHttp(req, ctx);
};
