/**
 * Builds an instance's template variables and renders its annotations (summary, description,
 * runbook_url) from the rule's templates or the defaults.
 * @module
 */
import type { AlertCondition } from '@unity/shared';
import type { EvalRule, Labels } from '../eval/types.js';
import {
  DEFAULT_DESCRIPTION,
  defaultSummary,
  ERROR_SUMMARY,
  FLAPPING_SUMMARY,
  NODATA_SUMMARY,
} from './defaults.js';
import { formatChange, formatDuration, formatMetric, formatTime, METRIC_NAMES } from './format.js';
import { render } from './render.js';

export type AnnotateInput = {
  rule: EvalRule;
  labels: Labels;
  url: string;
  value: number | null;
  /** firing, resolved, nodata, error, pending. */
  state: string;
  /** Epoch ms the instance started firing. */
  since: number | null;
  now: number;
  /** Firing episodes in the last 7 days, this one included. */
  fired7d: number;
  flapping?: boolean;
  vars?: Record<string, string>;
};

/** The condition that names the metric and threshold (a composite's first part). */
function primary(c: AlertCondition) {
  return c.kind === 'composite' ? c.conditions.find((p) => p.kind !== 'rule') : c;
}

export function historyLine(fired7d: number): string {
  return fired7d <= 1 ? 'First time in the last 7 days.' : `Fired ${fired7d} times in the last 7 days.`;
}

/** The variables that depend only on the rule and the time, computed once per evaluation. */
function ruleVars(rule: EvalRule, now: number): Record<string, string> {
  const hit = ruleVarsCache.get(rule);
  if (hit?.now === now) return hit.vars;
  const c = primary(rule.condition);
  const metric = c && 'metric' in c ? c.metric : undefined;
  const vars: Record<string, string> = {
    rule: rule.name,
    severity: rule.severity,
    time: formatTime(now),
    for: formatDuration(rule.for),
  };
  if (metric) {
    vars.metric = metric;
    vars.metric_name = METRIC_NAMES[metric] ?? metric;
  }
  // A series rule's metric is the selector's; the condition says value or rate of it.
  const seriesMetric = rule.selector.object === 'series' ? rule.selector.metric : undefined;
  if (seriesMetric) {
    vars.metric = seriesMetric;
    vars.metric_name = metric === 'rate' ? `${seriesMetric} per second` : seriesMetric;
  }
  if (c) {
    switch (c.kind) {
      case 'threshold':
        vars.op = c.op;
        vars.threshold = formatMetric(metric, c.threshold);
        vars.clear_threshold = c.clearThreshold === undefined ? '' : formatMetric(metric, c.clearThreshold);
        vars.aggregation = c.aggregation;
        vars.window = formatDuration(c.windowSec);
        break;
      case 'rate_of_change':
        vars.op = c.op;
        vars.threshold = formatChange(c.percent);
        vars.window = formatDuration(c.windowSec);
        break;
      case 'status':
        vars.window = formatDuration(c.windowSec);
        break;
      case 'absence':
        vars.threshold = formatDuration(c.afterSec);
        break;
      case 'anomaly':
        vars.window = formatDuration(c.shortWindowSec);
        break;
      case 'log_pattern':
        vars.pattern = c.pattern;
        vars.threshold = String(c.threshold);
        vars.window = formatDuration(c.windowSec);
        break;
      default:
        c satisfies never;
    }
  }
  if (rule.flapping) {
    vars.flap_changes = String(rule.flapping.changes);
    vars.flap_window = formatDuration(rule.flapping.windowSec);
  }
  ruleVarsCache.set(rule, { now, vars });
  return vars;
}
const ruleVarsCache = new WeakMap<EvalRule, { now: number; vars: Record<string, string> }>();

/** The value as the condition's kind shows it. */
function formatValue(c: ReturnType<typeof primary>, v: number | null): string {
  switch (c?.kind) {
    case 'rate_of_change':
      return formatChange(v);
    case 'status':
      return v === null ? '' : String(v);
    case 'absence':
      return v === null ? 'ever' : formatDuration(v);
    default:
      return formatMetric(c && 'metric' in c ? c.metric : undefined, v);
  }
}

/** A series as `job instance` (its scrape target), the way Prometheus users name one. */
const seriesObject = (labels: Record<string, string>): string | undefined =>
  [labels.job, labels.instance].filter(Boolean).join(' ') || undefined;

/** A Kubernetes object as `namespace/name` (nodes: their name), or undefined for other objects. */
const k8sObject = (labels: Record<string, string>): string | undefined => {
  if (labels.cluster === undefined) return undefined;
  const name = labels.pod ?? labels.workload ?? labels.pvc ?? labels.quota ?? labels.job;
  return name === undefined ? labels.node : `${labels.namespace ?? ''}/${name}`;
};

/** Every variable a template can use: the rule's (shared through the prototype) and the instance's. */
export function templateVars(a: AnnotateInput): Record<string, string> {
  const vars = Object.create(ruleVars(a.rule, a.now)) as Record<string, string>;
  const c = primary(a.rule.condition);
  vars.state = a.state;
  vars.object =
    (a.rule.selector.object === 'series' ? seriesObject(a.labels) : undefined) ??
    (a.rule.selector.object.startsWith('k8s_') ? k8sObject(a.labels) : undefined) ??
    a.labels.container ??
    (a.labels.mount ? `${a.labels.host ?? ''}:${a.labels.mount}` : a.labels.host) ??
    a.rule.name;
  vars.url = a.url;
  vars.value_raw = a.value === null ? '' : String(a.value);
  vars.value = formatValue(c, a.value);
  vars.fired_7d = String(a.fired7d);
  vars.history = historyLine(a.fired7d);
  for (const k in a.labels) {
    const v = a.labels[k] as string;
    vars[`labels.${k}`] = v;
    if (!(k in vars)) vars[k] = v;
  }
  if (a.since !== null) {
    vars.since = formatTime(a.since);
    vars.duration = formatDuration((a.now - a.since) / 1000);
  }
  if (a.vars) for (const k in a.vars) vars[k] = a.vars[k] as string;
  const metric = vars.metric;
  if (a.vars?.baseline && metric) vars.baseline = formatMetric(metric, Number(a.vars.baseline));
  return vars;
}

/** summary, description and runbook_url (when set), rendered for one notification. */
export function annotate(a: AnnotateInput): Record<string, string> {
  const vars = templateVars(a);
  const t = a.rule.annotations;
  const summaryTemplate = a.flapping
    ? FLAPPING_SUMMARY
    : a.state === 'nodata'
      ? NODATA_SUMMARY
      : a.state === 'error'
        ? ERROR_SUMMARY
        : t.summary || defaultSummary(a.rule.condition, a.rule.selector.object);
  const out: Record<string, string> = { summary: render(summaryTemplate, vars) };
  vars.summary = out.summary ?? '';
  if (t.runbook_url) {
    out.runbook_url = render(t.runbook_url, vars);
    vars.runbook_url = out.runbook_url;
    vars.runbook_line = ` Runbook: ${out.runbook_url}`;
  }
  vars.status_line =
    a.state === 'resolved'
      ? `Resolved at ${vars.time}${vars.value ? ` with ${vars.value}` : ''}.`
      : a.since !== null
        ? `Since ${vars.since} (${vars.duration}).`
        : '';
  out.description = render(t.description || DEFAULT_DESCRIPTION, vars).trim();
  if (a.flapping) out.flapping = 'true';
  if (a.state === 'nodata' || a.state === 'error') out.state = a.state;
  return out;
}
