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

/** The summary template for a condition when the rule gives none. */
export function defaultSummary(c: AlertCondition): string {
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
