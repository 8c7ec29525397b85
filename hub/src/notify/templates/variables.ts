/**
 * The variables a channel template can use, computed from one notification: the group's title,
 * body, state and counts, the common labels and annotations (`{{labels.host}}`, `{{host}}`),
 * the first alert's rule, object and value, and structured forms for the formats that need them:
 * `*_json` variables hold JSON values (`{{alerts_json}}`), `*_html` ones ready HTML.
 *
 * Escaping depends on where the text goes: a JSON body template gets every other variable
 * JSON-string-escaped (so `"{{title}}"` stays valid whatever the title holds), an HTML template
 * gets them HTML-escaped; plain-text templates take them as they are.
 * @module
 */
import type { Notification } from '@unity/shared';
import { objectName } from '../../alerts/route/message.js';
import { render } from '../../alerts/templates/render.js';
import { alertLine, escapeHtml, formatValue, stateLabel, summaryOf } from '../channels/render.js';

export type TemplateFormat = 'text' | 'json' | 'html';

export type VarsInput = {
  notification: Notification;
  /** The channel's name (Alertmanager's `receiver`). */
  receiver: string;
  publicUrl: string;
  /** Extra variables (the email's `chart_html`). */
  extra?: Record<string, string>;
};

function alertsHtml(n: Notification): string {
  const cell = 'style="padding:4px 8px;border-top:1px solid #ddd"';
  const rows = n.alerts
    .map(
      (a) =>
        `<tr><td ${cell}>${escapeHtml(a.status)}</td><td ${cell}><a href="${escapeHtml(a.url)}">${escapeHtml(summaryOf(a))}</a></td><td ${cell}>${escapeHtml(formatValue(a.value))}</td></tr>`,
    )
    .join('');
  return `<table style="border-collapse:collapse">${rows}</table>`;
}

/** Every variable for `n`, unescaped. */
export function notificationVars(input: VarsInput): Record<string, string> {
  const n = input.notification;
  const first = n.alerts.find((a) => a.status === n.status) ?? n.alerts[0];
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const vars: Record<string, string> = {
    title: n.title,
    body: n.body,
    status: n.status,
    status_upper: n.status.toUpperCase(),
    state: stateLabel(n),
    severity: n.severity,
    url: n.url,
    group_key: n.groupKey,
    receiver: input.receiver,
    hub_url: input.publicUrl,
    alert_count: String(n.alerts.length),
    firing_count: String(firing),
    resolved_count: String(n.alerts.length - firing),
    alerts: n.alerts.map(alertLine).join('\n'),
    test: n.test ? 'true' : '',
    acknowledged_by: n.acknowledged?.by ?? '',
  };
  if (first) {
    vars.rule = first.ruleName;
    vars.object = objectName(first);
    vars.value = formatValue(first.value);
    vars.starts_at = first.startsAt;
    vars.alert_url = first.url;
    if (first.endsAt) vars.ends_at = first.endsAt;
  }
  const annotations = { ...first?.annotations, ...n.commonAnnotations };
  for (const [k, v] of Object.entries(annotations)) {
    vars[`annotations.${k}`] = v;
    if (!(k in vars)) vars[k] = v;
  }
  for (const [k, v] of Object.entries(n.commonLabels)) {
    vars[`labels.${k}`] = v;
    if (!(k in vars)) vars[k] = v;
  }
  vars.labels_json = JSON.stringify(n.commonLabels);
  vars.group_labels_json = JSON.stringify(n.groupLabels);
  vars.annotations_json = JSON.stringify(n.commonAnnotations);
  vars.alerts_json = JSON.stringify(
    n.alerts.map((a) => ({
      status: a.status,
      rule: a.ruleName,
      severity: a.severity,
      summary: summaryOf(a),
      value: a.value,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      url: a.url,
      fingerprint: a.fingerprint,
    })),
  );
  vars.alerts_html = alertsHtml(n);
  vars.chart_html = '';
  return { ...vars, ...input.extra };
}

const jsonEscape = (v: string) => JSON.stringify(v).slice(1, -1);

/** The variables as a template of `format` takes them (see the module header). */
export function escapeVars(vars: Record<string, string>, format: TemplateFormat): Record<string, string> {
  if (format === 'text') return vars;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (format === 'json') out[k] = k.endsWith('_json') ? v : jsonEscape(v);
    else out[k] = k.endsWith('_html') ? v : escapeHtml(v);
  }
  return out;
}

export const renderTemplate = (template: string, vars: Record<string, string>, format: TemplateFormat) =>
  render(template, escapeVars(vars, format));
