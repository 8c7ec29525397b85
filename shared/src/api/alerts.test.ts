import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeIssues } from '../protocol/parse.js';
import { AlertRuleSpecSchema } from './alerts.js';

const problems = (input: unknown) => {
  const parsed = AlertRuleSpecSchema.safeParse(input);
  return parsed.success ? '' : describeIssues(parsed.error, 10);
};

describe('alert rule schema', () => {
  it('fills defaults so a minimal rule is complete', () => {
    const rule = AlertRuleSpecSchema.parse({
      name: 'cpu',
      selector: { object: 'host' },
      condition: { kind: 'threshold', metric: 'cpu_percent', op: '>', threshold: 90 },
    });
    assert.equal(rule.severity, 'warning');
    assert.equal(rule.for, 0);
    assert.equal(rule.noDataState, 'ok');
    assert.deepEqual(rule.selector.matchers, []);
    assert.deepEqual(rule.condition, {
      kind: 'threshold',
      metric: 'cpu_percent',
      aggregation: 'avg',
      windowSec: 300,
      op: '>',
      threshold: 90,
    });
  });

  it('refuses metrics and statuses the object kind does not have, and a clear threshold on the wrong side', () => {
    const bad = problems({
      name: 'x',
      selector: { object: 'container' },
      condition: { kind: 'threshold', metric: 'load1', op: '>', threshold: 3, clearThreshold: 5 },
    });
    assert.match(bad, /condition\.metric: container metrics are/);
    assert.match(bad, /condition\.clearThreshold: must be at most the threshold/);
    assert.match(
      problems({
        name: 'x',
        selector: { object: 'host' },
        condition: { kind: 'status', status: 'unhealthy' },
      }),
      /condition\.status: host statuses are offline/,
    );
  });

  it('takes series rules with a metric name, and refuses what series do not have', () => {
    const ok = AlertRuleSpecSchema.parse({
      name: 'errors',
      selector: {
        object: 'series',
        metric: 'http_requests_total',
        matchers: [{ label: 'job', op: '=', value: 'api' }],
      },
      condition: { kind: 'threshold', metric: 'rate', op: '>', threshold: 5 },
    });
    assert.equal(ok.selector.metric, 'http_requests_total');
    const series = (condition: unknown, selector: object = { object: 'series', metric: 'up' }) =>
      problems({ name: 'x', selector, condition });
    assert.equal(series({ kind: 'absence', afterSec: 120 }), '');
    assert.equal(series({ kind: 'anomaly', metric: 'value' }), '');
    assert.match(
      series({ kind: 'absence', afterSec: 60 }, { object: 'series' }),
      /selector\.metric: a series rule needs/,
    );
    assert.match(
      series({ kind: 'absence', afterSec: 60 }, { object: 'series', metric: 'bad-name' }),
      /Prometheus metric name/,
    );
    assert.match(
      series(
        { kind: 'threshold', metric: 'cpu_percent', op: '>', threshold: 1 },
        { object: 'host', metric: 'up' },
      ),
      /selector\.metric: only series rules name a metric/,
    );
    assert.match(
      series({ kind: 'threshold', metric: 'cpu_percent', op: '>', threshold: 1 }),
      /condition\.metric: series metrics are value, rate/,
    );
    assert.match(series({ kind: 'status', status: 'down' }), /condition\.kind: series have no statuses/);
    assert.match(
      series({ kind: 'composite', op: 'or', conditions: [{ kind: 'log_pattern', pattern: 'x' }] }),
      /condition\.conditions\.0\.kind: series have no logs/,
    );
  });

  it('checks composite parts, not arity and regular expressions', () => {
    const bad = problems({
      name: 'x',
      selector: { object: 'host', matchers: [{ label: 'host', op: '=~', value: '(' }] },
      condition: {
        kind: 'composite',
        op: 'not',
        conditions: [
          { kind: 'status', status: 'stopped' },
          { kind: 'rule', ruleId: '6f1c2a8e-1f59-4f3e-9d0c-6a8f0f3c2b11' },
        ],
      },
    });
    assert.match(bad, /selector\.matchers\.0\.value: must be a valid regular expression/);
    assert.match(bad, /not takes exactly one condition/);
    assert.match(bad, /condition\.conditions\.0\.status: host statuses are offline/);
  });

  it('keeps reserved labels for Unity', () => {
    assert.match(
      problems({
        name: 'x',
        selector: { object: 'host' },
        condition: { kind: 'absence', afterSec: 60 },
        labels: { severity: 'high' },
      }),
      /are set by Unity/,
    );
  });
});
