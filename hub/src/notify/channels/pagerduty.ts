/**
 * PagerDuty Events API v2 `POST /v2/enqueue` (docs: developer.pagerduty.com/docs/events-api-v2/
 * trigger-events, /acknowledge-events and /resolve-events): a firing group triggers, a group
 * acknowledged in Unity acknowledges, a resolved one resolves, all under `dedup_key` = the alert
 * group's key, so PagerDuty keeps one incident per group.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { titleOf, truncate } from './render.js';
import type { ChannelSender, HttpRequest } from './types.js';

/** dedup_key is at most 255 characters; longer group keys are hashed. */
export const dedupKey = (groupKey: string) =>
  groupKey.length <= 255 ? groupKey : `sha256:${createHash('sha256').update(groupKey).digest('hex')}`;

export function pagerDutyEvent(s: SettingsOf<'pagerduty'>, n: Notification, publicUrl: string) {
  const base = { routing_key: s.routingKey, dedup_key: dedupKey(n.groupKey) };
  if (n.status === 'resolved') return { ...base, event_action: 'resolve' };
  if (n.acknowledged) return { ...base, event_action: 'acknowledge' };
  return {
    ...base,
    event_action: 'trigger',
    payload: {
      summary: truncate(titleOf(n), 1024),
      source: s.source ?? publicUrl,
      // PagerDuty's severities are critical, error, warning and info.
      severity: n.severity,
      timestamp: n.alerts[0]?.startsAt,
      ...(n.commonLabels.alertname || n.groupLabels.alertname
        ? { class: n.commonLabels.alertname ?? n.groupLabels.alertname }
        : {}),
      custom_details: {
        body: n.body,
        firing: n.alerts.filter((a) => a.status === 'firing').length,
        resolved: n.alerts.filter((a) => a.status === 'resolved').length,
        labels: n.commonLabels,
        annotations: n.commonAnnotations,
      },
    },
    client: 'Unity',
    client_url: n.url,
    links: [{ href: n.url, text: 'Open in Unity' }],
  };
}

export function buildPagerDutyRequest(
  s: SettingsOf<'pagerduty'>,
  n: Notification,
  publicUrl: string,
): HttpRequest {
  return jsonRequest(`${s.apiUrl.replace(/\/+$/, '')}/v2/enqueue`, pagerDutyEvent(s, n, publicUrl));
}

export const sendPagerDuty: ChannelSender<'pagerduty'> = (s, ctx) =>
  sendHttp(buildPagerDutyRequest(s, ctx.notification, ctx.publicUrl), ctx);
