/**
 * Alert rules (issue 5) as the API takes and answers them: what to watch (a selector over hosts
 * or containers), the condition (threshold, status, absence, rate of change, anomaly hint or a
 * composite of those and of other rules), and how the instance state machine behaves (`for`,
 * `keepFiringFor`, no-data and error handling, flapping). One rule yields one alert instance per
 * matching object, labelled with the object (host, container, compose_project, …) and the
 * rule's own labels. Durations are in seconds.
 * @module
 */
import { z } from 'zod';
import { AlertSeveritySchema } from '../notify/notification.js';
import { MatchOpSchema } from './alert-routing.js';

const DAY = 86_400;
/** A duration in whole seconds, up to 30 days. */
const seconds = (min = 0) =>
  z
    .int('must be a whole number of seconds')
    .min(min, `must be at least ${min} s`)
    .max(30 * DAY, 'must be at most 30 days');

// ---- selector ----

/**
 * Kubernetes objects (issue 10), as the hub stores them from the agents' watches: pods, nodes,
 * workloads (deployments, statefulsets, daemonsets), PVCs, resource quotas and jobs.
 */
export const K8S_OBJECT_KINDS = [
  'k8s_pod',
  'k8s_node',
  'k8s_workload',
  'k8s_pvc',
  'k8s_quota',
  'k8s_job',
] as const;
export type K8sAlertObjectKind = (typeof K8S_OBJECT_KINDS)[number];
const OBJECT_KINDS = ['host', 'container', 'probe', 'series', ...K8S_OBJECT_KINDS] as const;

export const AlertObjectKindSchema = z.enum(OBJECT_KINDS, `must be one of ${OBJECT_KINDS.join(', ')}`);
export type AlertObjectKind = z.infer<typeof AlertObjectKindSchema>;
export const isK8sObjectKind = (kind: string): kind is K8sAlertObjectKind =>
  (K8S_OBJECT_KINDS as readonly string[]).includes(kind);

/**
 * One label matcher, Alertmanager style: regular expressions are fully anchored. `label` is an
 * instance label (`host`, `container`, `compose_project`, `compose_service`, `image`, `mount`)
 * or `label.<key>` for a container's own engine label.
 */
export const LabelMatcherSchema = z
  .object({
    label: z
      .string()
      .min(1)
      .max(256)
      .regex(/^([a-zA-Z_][a-zA-Z0-9_]*|label\..+)$/, 'must be a label name or label.<container label>'),
    op: MatchOpSchema,
    value: z.string().max(1024),
  })
  .superRefine((m, ctx) => {
    if (m.op !== '=~' && m.op !== '!~') return;
    try {
      new RegExp(`^(?:${m.value})$`);
    } catch {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be a valid regular expression' });
    }
  });
export type LabelMatcher = z.infer<typeof LabelMatcherSchema>;

/** A Prometheus metric name (the exposition format's `[a-zA-Z_:][a-zA-Z0-9_:]*`). */
export const MetricNameSchema = z
  .string()
  .max(256)
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)');

/**
 * Which objects a rule covers: every host, container or probe whose labels match all matchers.
 * For `series` (scraped and plugin series), `metric` names the series' metric and the matchers
 * apply to the series' own labels (job, instance, probe_id, host_id and the scraped ones).
 */
export const AlertSelectorSchema = z.object({
  object: AlertObjectKindSchema,
  metric: MetricNameSchema.optional(),
  matchers: z.array(LabelMatcherSchema).max(32).default([]),
});
export type AlertSelector = z.infer<typeof AlertSelectorSchema>;

// ---- metrics ----

/** Host metrics: the host_samples columns, memory as a share of total, and disk use per mount. */
export const HOST_METRICS = [
  'cpu_percent',
  'memory_percent',
  'memory_bytes',
  'swap_bytes',
  'load1',
  'load5',
  'load15',
  'net_rx_bytes_per_sec',
  'net_tx_bytes_per_sec',
  'disk_read_bytes_per_sec',
  'disk_write_bytes_per_sec',
  'disk_percent',
] as const;

/** Container metrics: the container_samples columns and memory as a share of the limit. */
export const CONTAINER_METRICS = [
  'cpu_percent',
  'memory_percent',
  'memory_bytes',
  'net_rx_bytes_per_sec',
  'net_tx_bytes_per_sec',
  'block_read_bytes_per_sec',
  'block_write_bytes_per_sec',
  'pids',
] as const;

/**
 * What a series rule reads of each series (the metric name is the selector's): `value` the
 * samples as stored (gauges); `rate` the per-second increase between consecutive samples with
 * counter resets handled as Prometheus does (a drop counts as a restart from 0) — the way to
 * alert on a counter (`*_total`), whose raw value only grows.
 */
export const SERIES_METRICS = ['value', 'rate'] as const;

/**
 * Kubernetes metrics: values of the object's current state (the hub keeps no history of them,
 * so every aggregation reads the latest value). Pods: `restarts` (the sum over containers).
 * Workloads: `ready_percent` (ready of desired), `unavailable_replicas` (desired − ready).
 * PVCs: `usage_percent` (used of capacity, when the kubelet's volume stats are known).
 * Quotas: `quota_percent` (the highest used/hard share over the quota's resources).
 * Jobs: `failed_pods`.
 */
export const K8S_METRICS = {
  k8s_pod: ['restarts'],
  k8s_node: [],
  k8s_workload: ['ready_percent', 'unavailable_replicas'],
  k8s_pvc: ['usage_percent'],
  k8s_quota: ['quota_percent'],
  k8s_job: ['failed_pods'],
} as const satisfies Record<K8sAlertObjectKind, readonly string[]>;

/**
 * Kubernetes statuses. Pods: `not_ready` (running or pending without the Ready condition;
 * finished pods are not counted), `crash_looping` (a container waiting in CrashLoopBackOff),
 * `restarting` (restart count up by at least `restarts` within `windowSec`), `image_pull_failing`
 * (ImagePullBackOff / ErrImagePull), `oom_killed` (a container's last termination), `failed`
 * (phase Failed). Nodes: `not_ready`, `memory_pressure`, `disk_pressure`, `pid_pressure`,
 * `unschedulable` (cordoned). Workloads: `replica_mismatch` (ready < desired), `rollout_stuck`
 * (Progressing false or ProgressDeadlineExceeded, or fewer updated than desired replicas).
 * PVCs: `not_bound` (phase Pending or Lost). Jobs: `failed` (the Failed condition).
 */
export const K8S_STATUSES = {
  k8s_pod: ['not_ready', 'crash_looping', 'restarting', 'image_pull_failing', 'oom_killed', 'failed'],
  k8s_node: ['not_ready', 'memory_pressure', 'disk_pressure', 'pid_pressure', 'unschedulable'],
  k8s_workload: ['replica_mismatch', 'rollout_stuck'],
  k8s_pvc: ['not_bound'],
  k8s_quota: [],
  k8s_job: ['failed'],
} as const satisfies Record<K8sAlertObjectKind, readonly string[]>;

const K8S_ALL_METRICS = Object.values(K8S_METRICS).flat();
const K8S_ALL_STATUSES = [...new Set(Object.values(K8S_STATUSES).flat())];

const ALL_METRICS = [
  ...new Set([...HOST_METRICS, ...CONTAINER_METRICS, ...SERIES_METRICS, ...K8S_ALL_METRICS]),
];
export const AlertMetricSchema = z.enum(
  ALL_METRICS as [string, ...string[]],
  `must be one of ${ALL_METRICS.join(', ')}`,
);
export type AlertMetric =
  | (typeof HOST_METRICS)[number]
  | (typeof CONTAINER_METRICS)[number]
  | (typeof SERIES_METRICS)[number]
  | (typeof K8S_ALL_METRICS)[number];

/** Probes have statuses only (their latency and uptime live in probe_results, not the metric store). */
export const metricsFor = (object: AlertObjectKind): readonly string[] =>
  object === 'host'
    ? HOST_METRICS
    : object === 'container'
      ? CONTAINER_METRICS
      : object === 'series'
        ? SERIES_METRICS
        : object === 'probe'
          ? []
          : K8S_METRICS[object];

// ---- conditions ----

export const CompareOpSchema = z.enum(['>', '>=', '<', '<='], 'must be >, >=, < or <=');
export type CompareOp = z.infer<typeof CompareOpSchema>;
export const AggregationSchema = z.enum(['avg', 'min', 'max', 'last'], 'must be avg, min, max or last');
export type Aggregation = z.infer<typeof AggregationSchema>;

/**
 * `metric` aggregated over the last `windowSec` compared with `threshold`. With `clearThreshold`
 * (hysteresis) an active instance stays active until the value is past the clear threshold:
 * `> 90` raised, cleared only at `<= 80` with clearThreshold 80.
 */
export const ThresholdConditionSchema = z.object({
  kind: z.literal('threshold'),
  metric: AlertMetricSchema,
  aggregation: AggregationSchema.default('avg'),
  windowSec: seconds(1).default(300),
  op: CompareOpSchema,
  threshold: z.number(),
  clearThreshold: z.number().optional(),
});

export const CONTAINER_STATUSES = ['stopped', 'died', 'unhealthy', 'restarting', 'oom_killed'] as const;
export const HOST_STATUSES = ['offline'] as const;
/** Probe `down` (its quorum of locations down, outside maintenance); `cert_expiring` (< 14 days left). */
export const PROBE_STATUSES = ['down', 'cert_expiring'] as const;
/** `cert_expiring` fires below this many days before the earliest expiry of the chain. */
export const CERT_EXPIRING_DAYS = 14;

/** The statuses a kind of object has (none for series). */
export const statusesFor = (object: AlertObjectKind): readonly string[] =>
  object === 'host'
    ? HOST_STATUSES
    : object === 'container'
      ? CONTAINER_STATUSES
      : object === 'probe'
        ? PROBE_STATUSES
        : object === 'series'
          ? []
          : K8S_STATUSES[object];

/**
 * A status: container `stopped` (exited or dead), `died` (exited with a non-zero code),
 * `unhealthy` (health check failing), `restarting` (restart count up by at least `restarts`
 * within `windowSec`), `oom_killed`; host `offline` (its agent is not connected).
 */
export const StatusConditionSchema = z.object({
  kind: z.literal('status'),
  status: z.enum([
    ...new Set([...CONTAINER_STATUSES, ...HOST_STATUSES, ...PROBE_STATUSES, ...K8S_ALL_STATUSES]),
  ] as [string, ...string[]]),
  restarts: z.int().min(1).max(1000).default(3),
  windowSec: seconds(1).default(600),
});

/** Heartbeat: no sample from the object for `afterSec` (containers: running ones only). */
export const AbsenceConditionSchema = z.object({
  kind: z.literal('absence'),
  afterSec: seconds(1),
});

/** Percent change of `metric` from the first to the last sample of the window, compared with `percent`. */
export const RateOfChangeConditionSchema = z.object({
  kind: z.literal('rate_of_change'),
  metric: AlertMetricSchema,
  windowSec: seconds(1).default(600),
  op: CompareOpSchema,
  percent: z.number(),
});

/**
 * Anomaly hint: a robust baseline (median and MAD) over `longWindowSec`; the short window's mean
 * and its latest value must both lie more than `sensitivity` scaled MADs away in `direction`
 * (the short and long windows agree), so a single spike does not count.
 */
export const AnomalyConditionSchema = z.object({
  kind: z.literal('anomaly'),
  metric: AlertMetricSchema,
  shortWindowSec: seconds(60).default(300),
  longWindowSec: seconds(600).default(DAY),
  sensitivity: z.number().min(1).max(20).default(3),
  direction: z.enum(['up', 'down', 'both']).default('both'),
});

/** The longest log pattern a rule may hold (a bound on compile and match cost). */
export const LOG_PATTERN_MAX_LENGTH = 256;

/**
 * Log pattern: lines of a container's shipped logs (the log_lines table) within `windowSec` that
 * match `pattern`, counted per container; holds when the count is at least `threshold`.
 * `pattern` is a PostgreSQL (POSIX ARE) regular expression, matched in the database where the
 * lines are: that engine compiles to automata and does not backtrack exponentially the way
 * JavaScript's does, as long as there are no back-references, which are refused here. The hub
 * also compiles it at save (a syntax error names this field) and bounds the query's run time.
 */
export const LogPatternConditionSchema = z.object({
  kind: z.literal('log_pattern'),
  pattern: z
    .string()
    .min(1, 'must not be empty')
    .max(LOG_PATTERN_MAX_LENGTH, `must be at most ${LOG_PATTERN_MAX_LENGTH} characters`)
    .refine((p) => !/\\[1-9]/.test(p), 'must not use back-references (\\1 … \\9): they make matching slow'),
  ignoreCase: z.boolean().default(false),
  windowSec: seconds(10).max(DAY, 'must be at most 1 day').default(300),
  threshold: z.int('must be a whole number').min(1, 'must be at least 1').max(1_000_000).default(1),
});

/**
 * Another rule as a condition: true when that rule has a firing instance with the same values
 * for the labels in `on` (omitted: the same object; `[]`: any firing instance at all).
 */
export const RuleRefConditionSchema = z.object({
  kind: z.literal('rule'),
  ruleId: z.uuid(),
  on: z.array(z.string().min(1).max(256)).max(16).optional(),
});

export const LeafConditionSchema = z.discriminatedUnion('kind', [
  ThresholdConditionSchema,
  StatusConditionSchema,
  AbsenceConditionSchema,
  RateOfChangeConditionSchema,
  AnomalyConditionSchema,
  LogPatternConditionSchema,
]);

export const CompositePartSchema = z.discriminatedUnion('kind', [
  ThresholdConditionSchema,
  StatusConditionSchema,
  AbsenceConditionSchema,
  RateOfChangeConditionSchema,
  AnomalyConditionSchema,
  LogPatternConditionSchema,
  RuleRefConditionSchema,
]);

/** and / or over its parts, or not over exactly one; inline parts are evaluated per object. */
export const CompositeConditionSchema = z
  .object({
    kind: z.literal('composite'),
    op: z.enum(['and', 'or', 'not'], 'must be and, or or not'),
    conditions: z.array(CompositePartSchema).min(1).max(16),
  })
  .refine((c) => c.op !== 'not' || c.conditions.length === 1, {
    message: 'not takes exactly one condition',
    path: ['conditions'],
  });

export const AlertConditionSchema = z.discriminatedUnion('kind', [
  ThresholdConditionSchema,
  StatusConditionSchema,
  AbsenceConditionSchema,
  RateOfChangeConditionSchema,
  AnomalyConditionSchema,
  LogPatternConditionSchema,
  CompositeConditionSchema,
]);

export type ThresholdCondition = z.infer<typeof ThresholdConditionSchema>;
export type StatusCondition = z.infer<typeof StatusConditionSchema>;
export type AbsenceCondition = z.infer<typeof AbsenceConditionSchema>;
export type RateOfChangeCondition = z.infer<typeof RateOfChangeConditionSchema>;
export type AnomalyCondition = z.infer<typeof AnomalyConditionSchema>;
export type LogPatternCondition = z.infer<typeof LogPatternConditionSchema>;
export type RuleRefCondition = z.infer<typeof RuleRefConditionSchema>;
export type LeafCondition = z.infer<typeof LeafConditionSchema>;
export type CompositePart = z.infer<typeof CompositePartSchema>;
export type CompositeCondition = z.infer<typeof CompositeConditionSchema>;
export type AlertCondition = z.infer<typeof AlertConditionSchema>;

// ---- rule ----

/** What a rule's instance becomes when its object has no data, or the query fails. */
export const NoDataStateSchema = z.enum(['alerting', 'nodata', 'ok', 'keep_last']);
export const ErrorStateSchema = z.enum(['alerting', 'error', 'ok', 'keep_last']);

const RESERVED_LABELS = new Set(['alertname', 'severity', 'flapping', 'alertstate']);

const LabelsSchema = z
  .record(
    z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are letters, digits and _'),
    z.string().max(1024),
  )
  .refine((l) => Object.keys(l).length <= 32, 'at most 32 labels')
  .refine((l) => !Object.keys(l).some((k) => RESERVED_LABELS.has(k)), {
    message: `${[...RESERVED_LABELS].join(', ')} are set by Unity`,
  });

/** Templates with `{{variables}}`; empty means the built-in default text. */
export const AlertAnnotationsSchema = z.object({
  summary: z.string().max(1024).optional(),
  description: z.string().max(8192).optional(),
  runbook_url: z.string().max(2048).optional(),
});

/** `changes` state changes (firing ↔ resolved) within `windowSec` make an instance flapping. */
export const FlappingSchema = z.object({
  changes: z.int().min(2).max(100),
  windowSec: seconds(60),
});

export const AlertRuleSpecSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean().default(true),
    selector: AlertSelectorSchema,
    condition: AlertConditionSchema,
    severity: AlertSeveritySchema.default('warning'),
    /** The condition must hold this long (pending) before the instance fires. */
    for: seconds().default(0),
    /** Once firing, keep firing this long after the condition stops holding. */
    keepFiringFor: seconds().default(0),
    noDataState: NoDataStateSchema.default('ok'),
    errorState: ErrorStateSchema.default('error'),
    labels: LabelsSchema.default({}),
    annotations: AlertAnnotationsSchema.default({}),
    flapping: FlappingSchema.nullable().default(null),
  })
  .superRefine((rule, ctx) => {
    const { object, metric } = rule.selector;
    if (object === 'series' && metric === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['selector', 'metric'],
        message: 'a series rule needs the metric name of its series',
      });
    if (object !== 'series' && metric !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['selector', 'metric'],
        message: 'only series rules name a metric here; other metrics go in the condition',
      });
    checkCondition(object, rule.condition, ['condition'], ctx);
  });

function checkCondition(
  object: AlertObjectKind,
  c: AlertCondition | CompositePart,
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const issue = (message: string, at: string) =>
    ctx.addIssue({ code: 'custom', path: [...path, at], message });
  switch (c.kind) {
    case 'threshold':
    case 'rate_of_change':
    case 'anomaly':
      if (object === 'probe')
        issue('probes have no metrics here; use a status condition (down, cert_expiring)', 'kind');
      else if (metricsFor(object).length === 0)
        issue(`${object} has no metrics; use a status condition (${statusesFor(object).join(', ')})`, 'kind');
      else if (isK8sObjectKind(object) && c.kind !== 'threshold')
        issue('Kubernetes metrics are current values without history; use a threshold condition', 'kind');
      else if (!metricsFor(object).includes(c.metric))
        issue(`${object} metrics are ${metricsFor(object).join(', ')}`, 'metric');
      if (c.kind === 'threshold' && c.clearThreshold !== undefined) {
        const raisesUp = c.op === '>' || c.op === '>=';
        if (raisesUp ? c.clearThreshold > c.threshold : c.clearThreshold < c.threshold)
          issue(`must be ${raisesUp ? 'at most' : 'at least'} the threshold`, 'clearThreshold');
      }
      if (c.kind === 'anomaly' && c.shortWindowSec * 4 > c.longWindowSec)
        issue('must be at least 4 times the short window', 'longWindowSec');
      return;
    case 'status': {
      if (object === 'series') {
        issue('series have no statuses; use a threshold, rate of change, anomaly or absence', 'kind');
        return;
      }
      const allowed = statusesFor(object);
      if (allowed.length === 0)
        issue(`${object} has no statuses; use a threshold on ${metricsFor(object).join(', ')}`, 'kind');
      else if (!allowed.includes(c.status)) issue(`${object} statuses are ${allowed.join(', ')}`, 'status');
      return;
    }
    case 'log_pattern':
      if (object !== 'container')
        issue(
          object === 'series'
            ? 'series have no logs; log patterns apply to containers (their shipped logs)'
            : 'log patterns apply to containers (their shipped logs)',
          'kind',
        );
      return;
    case 'absence':
      if (object === 'probe') issue('probes have no samples to miss; use the down status', 'kind');
      else if (isK8sObjectKind(object))
        issue('Kubernetes objects have no samples to miss; use a status condition', 'kind');
      return;
    case 'rule':
      return;
    case 'composite':
      c.conditions.forEach((part, i) => {
        checkCondition(object, part, [...path, 'conditions', i], ctx);
        // Disk use is per mount, so its instances cannot be joined with per-host parts.
        if ('metric' in part && part.metric === 'disk_percent')
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'conditions', i, 'metric'],
            message: 'disk_percent is per mount and cannot be part of a composite',
          });
      });
      return;
    default:
      c satisfies never;
  }
}

/** A rule as written by a client (defaults not yet applied). */
export type AlertRuleSpecInput = z.input<typeof AlertRuleSpecSchema>;
export type AlertRuleSpec = z.output<typeof AlertRuleSpecSchema>;

export const AlertRuleSchema = AlertRuleSpecSchema.and(
  z.object({ id: z.string(), createdAt: z.number(), updatedAt: z.number() }),
);
export type AlertRule = AlertRuleSpec & { id: string; createdAt: number; updatedAt: number };
export const AlertRuleListSchema = z.object({ items: z.array(AlertRuleSchema) });

// ---- instances and history ----

/**
 * inactive → pending → firing → resolved (→ inactive); nodata and error are active states like
 * firing, entered when a rule says so for missing data or a failed query.
 */
export const AlertInstanceStateSchema = z.enum([
  'inactive',
  'pending',
  'firing',
  'nodata',
  'error',
  'resolved',
]);
export type AlertInstanceState = z.infer<typeof AlertInstanceStateSchema>;

/** `GET /api/alerts`: the current instances (inactive ones are not listed). */
export const AlertInstanceViewSchema = z.object({
  fingerprint: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  severity: AlertSeveritySchema,
  state: AlertInstanceStateSchema,
  labels: z.record(z.string(), z.string()),
  value: z.number().nullable(),
  /** Epoch ms the current state (pending or firing) began. */
  since: z.number().nullable(),
  firingSince: z.number().nullable(),
  lastEvaluatedAt: z.number().nullable(),
  /** Epoch ms until which a firing instance keeps firing after its condition cleared. */
  keepFiringUntil: z.number().nullable(),
  flapping: z.boolean(),
});
export type AlertInstanceView = z.infer<typeof AlertInstanceViewSchema>;
export const AlertInstanceListSchema = z.object({ items: z.array(AlertInstanceViewSchema) });

export const AlertsQuerySchema = z.object({
  ruleId: z.uuid().optional(),
  state: AlertInstanceStateSchema.optional(),
});

export const AlertHistoryEntrySchema = z.object({
  id: z.number(),
  /** Epoch ms. */
  at: z.number(),
  fingerprint: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  labels: z.record(z.string(), z.string()),
  from: AlertInstanceStateSchema,
  to: AlertInstanceStateSchema,
  value: z.number().nullable(),
});
export type AlertHistoryEntry = z.infer<typeof AlertHistoryEntrySchema>;
export const AlertHistoryListSchema = z.object({ items: z.array(AlertHistoryEntrySchema) });

// The history query and analytics shapes are in alert-history.ts.

// ---- templates, preview, backtest ----

export const AlertRuleTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  rule: AlertRuleSpecSchema,
});
export type AlertRuleTemplate = z.infer<typeof AlertRuleTemplateSchema>;
export const AlertRuleTemplateListSchema = z.object({ items: z.array(AlertRuleTemplateSchema) });

/** `POST /api/alert-rules/preview`: the rule evaluated now against current data, nothing stored. */
export const AlertPreviewRequestSchema = z.object({ rule: AlertRuleSpecSchema });
export const AlertPreviewSchema = z.object({
  /** Epoch ms of the evaluation. */
  at: z.number(),
  objects: z.number(),
  items: z.array(
    z.object({
      labels: z.record(z.string(), z.string()),
      /** What the instance would be if the condition had held long enough (`for` ignored). */
      active: z.boolean(),
      health: z.enum(['ok', 'nodata', 'error']),
      value: z.number().nullable(),
      annotations: z.record(z.string(), z.string()),
    }),
  ),
});
export type AlertPreview = z.infer<typeof AlertPreviewSchema>;

/** `POST /api/alert-rules/backtest`: what the rule would have done over the last `days`. */
export const AlertBacktestRequestSchema = z.object({
  rule: AlertRuleSpecSchema,
  days: z
    .number()
    .min(1 / 24)
    .max(30)
    .default(7),
  /** Evaluation step; default one minute (the 1 min rollups are the data). */
  stepSec: seconds(10).max(3600).default(60),
});
export const AlertBacktestSchema = z.object({
  from: z.number(),
  to: z.number(),
  stepSec: z.number(),
  objects: z.number(),
  transitions: z.array(
    z.object({
      at: z.number(),
      fingerprint: z.string(),
      labels: z.record(z.string(), z.string()),
      from: AlertInstanceStateSchema,
      to: AlertInstanceStateSchema,
      value: z.number().nullable(),
    }),
  ),
  /** Notifications it would have sent: firing and resolved. */
  notifications: z.object({ firing: z.number(), resolved: z.number() }),
});
export type AlertBacktest = z.infer<typeof AlertBacktestSchema>;
