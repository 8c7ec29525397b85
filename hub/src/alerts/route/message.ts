/**
 * Builds the notification for one group: an idempotent id (group key hash and sequence), a title
 * and plain-text body good enough without templates ("[FIRING:2] Container down — web-1, db-1"),
 * the labels and annotations all alerts share, and the highest severity.
 * @module
 */
import { createHash } from 'node:crypto';
import type { AlertSeverity, Notification, NotifiedAlert } from '@unity/shared';
import type { Labels } from './matchers.js';

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** The labels routing sees: the alert's own plus `alertname` (the rule's name) and `severity`. */
export function routingLabels(alert: NotifiedAlert): Labels {
  return {
    ...alert.labels,
    alertname: alert.labels.alertname ?? alert.ruleName,
    severity: alert.labels.severity ?? alert.severity,
  };
}

/** What a person calls the alerting object: container, pod, probe, host… else the rule's name. */
export function objectName(alert: NotifiedAlert): string {
  const l = alert.labels;
  return l.container ?? l.pod ?? l.node ?? l.probe ?? l.service ?? l.host ?? l.instance ?? alert.ruleName;
}

function common(maps: Labels[]): Labels {
  const [first, ...rest] = maps;
  if (!first) return {};
  const out: Labels = {};
  for (const [k, v] of Object.entries(first)) if (rest.every((m) => m[k] === v)) out[k] = v;
  return out;
}

export function highestSeverity(alerts: readonly NotifiedAlert[]): AlertSeverity {
  let best: AlertSeverity = 'info';
  for (const a of alerts) if (SEVERITY_RANK[a.severity] > SEVERITY_RANK[best]) best = a.severity;
  return best;
}

/** A list of names, the first few spelled out: "web-1, db-1 +3 more". */
function listNames(names: string[], max: number): string {
  const unique = [...new Set(names)];
  const shown = unique.slice(0, max).join(', ');
  return unique.length > max ? `${shown} +${unique.length - max} more` : shown;
}

const formatValue = (v: number | null) =>
  v === null ? '' : ` (value ${Number.isInteger(v) ? v : Number(v.toPrecision(4))})`;
const formatTime = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

export const notificationId = (groupKey: string, seq: number) =>
  `${createHash('sha256').update(groupKey).digest('hex').slice(0, 16)}-${seq}`;

export type MessageInput = {
  groupKey: string;
  /** Per group, increasing: with the group key it makes the notification's id. */
  seq: number;
  groupLabels: Labels;
  firing: readonly NotifiedAlert[];
  /** Resolved alerts announced by this message (with their value at resolve time). */
  resolved: readonly NotifiedAlert[];
  /** Link to the alert list in the UI. */
  url: string;
};

export function buildNotification(input: MessageInput): Notification {
  const { firing, resolved } = input;
  const alerts = [...firing, ...resolved];
  const status = firing.length > 0 ? 'firing' : 'resolved';
  const names = listNames(
    alerts.map((a) => routingLabels(a).alertname ?? a.ruleName),
    2,
  );
  const objects = listNames(alerts.map(objectName), 5);
  const head =
    firing.length === 0
      ? '[RESOLVED]'
      : resolved.length === 0
        ? `[FIRING:${firing.length}]`
        : `[FIRING:${firing.length}, RESOLVED:${resolved.length}]`;
  const title = objects && objects !== names ? `${head} ${names} — ${objects}` : `${head} ${names}`;

  const line = (a: NotifiedAlert) => {
    const summary = a.annotations.summary ?? a.annotations.description ?? a.ruleName;
    const when =
      a.status === 'resolved' && a.endsAt
        ? `${formatTime(a.startsAt)} → ${formatTime(a.endsAt)}`
        : `since ${formatTime(a.startsAt)}`;
    const runbook = a.annotations.runbook_url ? `\n  runbook: ${a.annotations.runbook_url}` : '';
    return `- [${a.severity}] ${objectName(a)}: ${summary}${formatValue(a.value)}, ${when}\n  ${a.url}${runbook}`;
  };
  const sections: string[] = [title];
  if (firing.length > 0) sections.push(`Firing:\n${firing.map(line).join('\n')}`);
  if (resolved.length > 0) sections.push(`Resolved:\n${resolved.map(line).join('\n')}`);
  const grouped = Object.entries(input.groupLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  if (grouped) sections.push(`Grouped by ${grouped}`);
  sections.push(input.url);

  return {
    id: notificationId(input.groupKey, input.seq),
    groupKey: input.groupKey,
    status,
    severity: highestSeverity(firing.length > 0 ? firing : resolved),
    title,
    body: sections.join('\n\n'),
    groupLabels: { ...input.groupLabels },
    commonLabels: common(alerts.map(routingLabels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    alerts: alerts.map((a) => ({ ...a, labels: { ...a.labels }, annotations: { ...a.annotations } })),
    url: input.url,
  };
}
