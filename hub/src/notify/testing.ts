/**
 * Notifications for tests: a firing group of two alerts, and its resolved form.
 * @module
 */
import type { Notification } from '@unity/shared';

export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: 'n-1',
    groupKey: '{}:{alertname="HighCpu"}',
    status: 'firing',
    severity: 'critical',
    title: '[FIRING:2] HighCpu',
    body: 'CPU above 90% on web-1 and web-2',
    groupLabels: { alertname: 'HighCpu' },
    commonLabels: { alertname: 'HighCpu', severity: 'critical' },
    commonAnnotations: { summary: 'CPU is high' },
    alerts: [
      {
        fingerprint: 'fp-web-1',
        status: 'firing',
        ruleId: 'rule-1',
        ruleName: 'HighCpu',
        severity: 'critical',
        labels: { alertname: 'HighCpu', host: 'web-1' },
        annotations: { summary: 'web-1 CPU at 97%', description: 'for 5 minutes' },
        value: 97.25,
        startsAt: '2026-11-23T10:00:00.000Z',
        endsAt: null,
        url: 'http://hub.test:8080/hosts/web-1',
      },
      {
        fingerprint: 'fp-web-2',
        status: 'firing',
        ruleId: 'rule-1',
        ruleName: 'HighCpu',
        severity: 'warning',
        labels: { alertname: 'HighCpu', host: 'web-2' },
        annotations: { summary: 'web-2 CPU at 91%' },
        value: 91,
        startsAt: '2026-11-23T10:01:00.000Z',
        endsAt: null,
        url: 'http://hub.test:8080/hosts/web-2',
      },
    ],
    url: 'http://hub.test:8080/alerts',
    ...overrides,
  };
}

export function resolvedNotification(overrides: Partial<Notification> = {}): Notification {
  const n = sampleNotification();
  return {
    ...n,
    id: 'n-2',
    status: 'resolved',
    title: '[RESOLVED] HighCpu',
    body: 'CPU back to normal',
    alerts: n.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: '2026-11-23T10:10:00.000Z' })),
    ...overrides,
  };
}
