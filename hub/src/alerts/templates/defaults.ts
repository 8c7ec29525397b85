/**
 * The default summary and description of each condition kind, so most rules need no template:
 * "CPU on web-1 is 93.4 % (avg over 5 min, threshold > 90 %)", "Container db on nas died (exit
 * code 137)", with the instance's history ("Fired 4 times in the last 7 days.").
 * @module
 */
import type { AlertCondition } from '@unity/shared';

const STATUS_SUMMARY: Record<string, string> = {
  stopped: 'Container {{container}} on {{host}} stopped',
  died: 'Container {{container}} on {{host}} died (exit code {{exit_code|unknown}})',
  unhealthy: 'Container {{container}} on {{host}} is unhealthy',
  restarting: 'Container {{container}} on {{host}} restarted {{value}} times in {{window}}',
  oom_killed: 'Container {{container}} on {{host}} was killed for running out of memory',
  offline: 'Host {{host}} is offline (last seen {{last_seen|never}})',
};

/** Kubernetes statuses, by object kind (some share a name with container statuses). */
const K8S_STATUS_SUMMARY: Record<string, string> = {
  'k8s_pod:not_ready': 'Pod {{namespace}}/{{pod}} in {{cluster}} is not ready (phase {{phase}})',
  'k8s_pod:crash_looping':
    'Pod {{namespace}}/{{pod}} in {{cluster}} is in CrashLoopBackOff ({{restarts}} restarts)',
  'k8s_pod:restarting': 'Pod {{namespace}}/{{pod}} in {{cluster}} restarted {{value}} times in {{window}}',
  'k8s_pod:image_pull_failing': 'Pod {{namespace}}/{{pod}} in {{cluster}} cannot pull its image ({{reason}})',
  'k8s_pod:oom_killed':
    'A container of pod {{namespace}}/{{pod}} in {{cluster}} was killed for running out of memory',
  'k8s_pod:failed': 'Pod {{namespace}}/{{pod}} in {{cluster}} failed',
  'k8s_node:not_ready': 'Node {{node}} in {{cluster}} is not ready',
  'k8s_node:memory_pressure': 'Node {{node}} in {{cluster}} is under memory pressure',
  'k8s_node:disk_pressure': 'Node {{node}} in {{cluster}} is under disk pressure',
  'k8s_node:pid_pressure': 'Node {{node}} in {{cluster}} is running out of process ids',
  'k8s_node:unschedulable': 'Node {{node}} in {{cluster}} is cordoned',
  'k8s_workload:replica_mismatch':
    'Workload {{namespace}}/{{workload}} ({{kind}}) in {{cluster}} has {{ready}} of {{desired}} replicas ready',
  'k8s_workload:rollout_stuck':
    'Rollout of {{namespace}}/{{workload}} ({{kind}}) in {{cluster}} is stuck ({{updated}} of {{desired}} updated)',
  'k8s_pvc:not_bound': 'Volume claim {{namespace}}/{{pvc}} in {{cluster}} is not bound ({{phase}})',
  'k8s_job:failed': 'Job {{namespace}}/{{job}} in {{cluster}} failed ({{reason|Failed}})',
};

/** The summary template for a condition when the rule gives none. */
export function defaultSummary(c: AlertCondition, object?: string): string {
  if (c.kind === 'status' && object?.startsWith('k8s_'))
    return K8S_STATUS_SUMMARY[`${object}:${c.status}`] ?? '{{rule}}: {{object}}';
  switch (c.kind) {
    case 'threshold':
      return '{{metric_name}} on {{object}} is {{value}} ({{aggregation}} over {{window}}, threshold {{op}} {{threshold}})';
    case 'status':
      return STATUS_SUMMARY[c.status] ?? '{{rule}}: {{object}}';
    case 'absence':
      return 'No data from {{object}} for {{value}}';
    case 'rate_of_change':
      return '{{metric_name}} on {{object}} changed {{value}} in {{window}} (threshold {{op}} {{threshold}})';
    case 'anomaly':
      return '{{metric_name}} on {{object}} is unusual: {{value}}, baseline {{baseline}}';
    case 'log_pattern':
      return 'Logs of {{object}} matched /{{pattern}}/ {{value}} times in {{window}} (threshold {{threshold}}): {{last_line}}';
    case 'composite':
      return '{{rule}}: {{object}}';
    default:
      return c satisfies never;
  }
}

/** Summaries for the states a rule's no-data and error settings lead to. */
export const NODATA_SUMMARY = 'No data for {{rule}} on {{object}}';
export const ERROR_SUMMARY = 'Could not evaluate {{rule}} on {{object}}: {{error}}';
export const FLAPPING_SUMMARY =
  '{{rule}} on {{object}} is flapping: {{flap_changes}} changes in {{flap_window}}';

export const DEFAULT_DESCRIPTION = '{{summary}}. {{status_line}} {{history}}{{runbook_line}}\n{{url}}';
