/**
 * Microsoft Teams through a Power Automate workflow webhook ("When a Teams webhook request is
 * received"): a message with one Adaptive Card 1.4 attachment (docs: learn.microsoft.com,
 * "Create incoming webhooks with Workflows"; adaptivecards.io). The workflow answers 202.
 * @module
 */
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { alertLine, stateLabel, titleOf, truncate } from './render.js';
import type { ChannelSender, HttpRequest } from './types.js';

/** Adaptive Card text colours: Attention (red), Warning, Good (green), Accent. */
const color = (n: Notification) =>
  n.status === 'resolved'
    ? 'Good'
    : n.severity === 'critical'
      ? 'Attention'
      : n.severity === 'warning'
        ? 'Warning'
        : 'Accent';

export function adaptiveCard(n: Notification) {
  const body: unknown[] = [
    { type: 'TextBlock', text: titleOf(n), weight: 'Bolder', size: 'Large', wrap: true, color: color(n) },
    { type: 'TextBlock', text: stateLabel(n), isSubtle: true, spacing: 'None', wrap: true },
    { type: 'TextBlock', text: truncate(n.body, 5000), wrap: true },
  ];
  if (n.alerts.length > 0) {
    body.push({
      type: 'FactSet',
      facts: n.alerts.slice(0, 20).map((a) => ({ title: a.status, value: truncate(alertLine(a), 500) })),
    });
  }
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body,
    actions: [{ type: 'Action.OpenUrl', title: 'Open in Unity', url: n.url }],
  };
}

export function buildTeamsRequest(s: SettingsOf<'teams'>, n: Notification): HttpRequest {
  return jsonRequest(s.url, {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: adaptiveCard(n) },
    ],
  });
}

export const sendTeams: ChannelSender<'teams'> = (s, ctx) =>
  sendHttp(buildTeamsRequest(s, ctx.notification), ctx);
