import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertRuleSpecSchema } from '@unity/shared';
import { annotate } from './annotate.js';
import { formatDuration, formatMetric } from './format.js';
import { render, templateVariables } from './render.js';

describe('alert templates', () => {
  it('fills variables, with fallbacks for missing ones, and leaves other text alone', () => {
    const vars = { host: 'nas', container: '', 'labels.team': 'ops' };
    assert.equal(
      render('{{ host }}/{{container|none}} {{labels.team}} {{missing}}{', vars),
      'nas/none ops {',
    );
    assert.deepEqual(templateVariables('{{a}} and {{ b | x }}'), ['a', 'b']);
  });

  it('formats values with their units and durations for people', () => {
    assert.equal(formatMetric('memory_bytes', 1.5 * 2 ** 30), '1.5 GiB');
    assert.equal(formatMetric('net_rx_bytes_per_sec', 2048), '2 KiB/s');
    assert.equal(formatMetric('cpu_percent', 93.456), '93.5 %');
    assert.equal(formatMetric('load1', null), 'no value');
    assert.deepEqual([45, 300, 5400, 90_000].map(formatDuration), ['45 s', '5 min', '1 h 30 min', '1 d 1 h']);
  });

  it('renders a rule’s own templates with the instance, runbook and history', () => {
    const rule = {
      ...AlertRuleSpecSchema.parse({
        name: 'disk',
        selector: { object: 'host' },
        condition: { kind: 'threshold', metric: 'disk_percent', aggregation: 'last', op: '>', threshold: 90 },
        annotations: {
          summary: 'Disk {{mount}} on {{host}} at {{value}} (limit {{threshold}})',
          runbook_url: 'https://wiki.example/disk?host={{host}}',
        },
      }),
      id: 'r1',
    };
    const out = annotate({
      rule,
      labels: { host: 'nas', mount: '/srv' },
      url: 'http://hub.test/hosts/1',
      value: 95.04,
      state: 'firing',
      since: Date.UTC(2025, 0, 1),
      now: Date.UTC(2025, 0, 1, 0, 10),
      fired7d: 1,
    });
    assert.equal(out.summary, 'Disk /srv on nas at 95 % (limit 90 %)');
    assert.equal(out.runbook_url, 'https://wiki.example/disk?host=nas');
    assert.equal(
      out.description,
      'Disk /srv on nas at 95 % (limit 90 %). Since 2025-01-01 00:00:00 UTC (10 min). First time in the last 7 days. Runbook: https://wiki.example/disk?host=nas\nhttp://hub.test/hosts/1',
    );
  });
});
