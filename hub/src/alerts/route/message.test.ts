import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildNotification, notificationId } from './message.js';
import { scenarioAlert } from './scenario.js';

const T = '2025-01-06T12:00:00.000Z';

describe('notification messages', () => {
  it('titles, body, common labels and the highest severity', () => {
    const firing = [
      scenarioAlert({ name: 'web-1', severity: 'warning', value: 0.123456 }, T),
      scenarioAlert(
        { name: 'db-1', annotations: { summary: 'db-1 is down', runbook_url: 'http://runbook' } },
        T,
      ),
    ];
    const n = buildNotification({
      groupKey: 'root:{alertname="Container down"}',
      seq: 3,
      groupLabels: { alertname: 'Container down' },
      firing,
      resolved: [],
      url: 'http://hub.test/alerts',
    });
    assert.equal(n.title, '[FIRING:2] Container down — web-1, db-1');
    assert.equal(n.severity, 'critical');
    assert.equal(n.status, 'firing');
    assert.equal(n.id, notificationId('root:{alertname="Container down"}', 3));
    assert.deepEqual(n.commonLabels, { host: 'h1', alertname: 'Container down' });
    assert.deepEqual(n.commonAnnotations, {});
    assert.match(
      n.body,
      /- \[warning\] web-1: web-1 is down \(value 0\.1235\), since 2025-01-06 12:00:00 UTC/,
    );
    assert.match(n.body, /runbook: http:\/\/runbook/);
    assert.match(n.body, /Grouped by alertname=Container down/);
  });

  it('lists at most five objects and names mixed rules', () => {
    const firing = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name, i) =>
      scenarioAlert({ name, rule: i % 2 ? 'CPU high' : 'Container down' }, T),
    );
    const n = buildNotification({ groupKey: 'k', seq: 1, groupLabels: {}, firing, resolved: [], url: 'u' });
    assert.equal(n.title, '[FIRING:7] Container down, CPU high — a, b, c, d, e +2 more');
  });

  it('a resolved notice', () => {
    const resolved = [{ ...scenarioAlert({ name: 'web-1' }, T), status: 'resolved' as const, endsAt: T }];
    const n = buildNotification({ groupKey: 'k', seq: 2, groupLabels: {}, firing: [], resolved, url: 'u' });
    assert.equal(n.title, '[RESOLVED] Container down — web-1');
    assert.equal(n.status, 'resolved');
    assert.match(n.body, /Resolved:\n- \[critical\] web-1/);
  });
});
