/**
 * The sample alert group templates are previewed and checked against: CPU on two hosts, built
 * by alerting's own message builder, so the preview shows what a real group would look like.
 * @module
 */
import type { Notification, NotifiedAlert } from '@unity/shared';
import { buildNotification } from '../../alerts/route/message.js';

export function sampleGroup(
  status: 'firing' | 'resolved',
  publicUrl: string,
  now = Date.now(),
): Notification {
  const startsAt = new Date(now - 12 * 60_000).toISOString();
  const endsAt = status === 'resolved' ? new Date(now).toISOString() : null;
  const alert = (host: string, id: string, value: number): NotifiedAlert => ({
    fingerprint: `sample-${host}`,
    status,
    ruleId: 'sample-rule',
    ruleName: 'High CPU',
    severity: 'critical',
    labels: { alertname: 'High CPU', host, team: 'ops' },
    annotations: {
      summary: `CPU on ${host} is ${value} % (avg over 5 min, threshold > 90 %)`,
      description: `CPU on ${host} is ${value} % (avg over 5 min, threshold > 90 %). Since 12 min. First time in the last 7 days.`,
      runbook_url: 'https://wiki.example/runbooks/cpu',
    },
    value,
    startsAt,
    endsAt,
    url: `${publicUrl}/hosts/${id}`,
  });
  const alerts = [
    alert('web-1', '00000000-0000-4000-8000-000000000001', 97.2),
    alert('web-2', '00000000-0000-4000-8000-000000000002', 93.5),
  ];
  return buildNotification({
    groupKey: '{}:{alertname="High CPU"}',
    seq: 1,
    groupLabels: { alertname: 'High CPU' },
    firing: status === 'firing' ? alerts : [],
    resolved: status === 'resolved' ? alerts : [],
    url: `${publicUrl}/alerts`,
  });
}
