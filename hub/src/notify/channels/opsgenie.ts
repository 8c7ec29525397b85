/**
 * Opsgenie Alert API (docs: docs.opsgenie.com/docs/alert-api): a firing group creates an alert
 * (`POST /v2/alerts`) under `alias` = the group key, which Opsgenie de-duplicates on; a resolved
 * group closes it (`POST /v2/alerts/{alias}/close?identifierType=alias`), a group acknowledged
 * in Unity acknowledges it (`…/acknowledge?identifierType=alias`, with who). Auth is
 * `Authorization: GenieKey <key>`; requests are accepted asynchronously (202).
 * @module
 */
import { createHash } from 'node:crypto';
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { titleOf, truncate } from './render.js';
import type { ChannelSender, HttpRequest } from './types.js';

/** alias is at most 512 characters. */
export const opsgenieAlias = (groupKey: string) =>
  groupKey.length <= 512 ? groupKey : createHash('sha256').update(groupKey).digest('hex');

const PRIORITY = { critical: 'P1', warning: 'P3', info: 'P5' } as const;

export function buildOpsgenieRequest(s: SettingsOf<'opsgenie'>, n: Notification): HttpRequest {
  const base = s.apiUrl.replace(/\/+$/, '');
  const headers = { authorization: `GenieKey ${s.apiKey}` };
  const alias = opsgenieAlias(n.groupKey);
  if (n.status === 'firing' && n.acknowledged) {
    return jsonRequest(
      `${base}/v2/alerts/${encodeURIComponent(alias)}/acknowledge?identifierType=alias`,
      { user: truncate(n.acknowledged.by, 100), source: 'Unity', note: 'Acknowledged in Unity' },
      headers,
    );
  }
  if (n.status === 'resolved') {
    return jsonRequest(
      `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      { source: 'Unity', note: truncate(`Resolved: ${n.body}`, 25000) },
      headers,
    );
  }
  return jsonRequest(
    `${base}/v2/alerts`,
    {
      message: truncate(titleOf(n), 130),
      alias,
      description: truncate(`${n.body}\n\n${n.url}`, 15000),
      responders: s.responders,
      tags: s.tags,
      details: { ...n.commonLabels, url: n.url },
      source: 'Unity',
      priority: PRIORITY[n.severity],
    },
    headers,
  );
}

export const sendOpsgenie: ChannelSender<'opsgenie'> = (s, ctx) =>
  sendHttp(buildOpsgenieRequest(s, ctx.notification), ctx);
