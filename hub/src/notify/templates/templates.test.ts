/**
 * Channel templates: the syntax check that refuses a template at save, escaping per format (a
 * JSON body stays valid JSON whatever the labels hold), the built-in message when a template is
 * empty, and the preview of a channel against the sample group.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../../errors.js';
import { buildWebhookRequest } from '../channels/webhook.js';
import { sampleNotification } from '../testing.js';
import { applyTemplates } from './apply.js';
import { templateError } from './check.js';
import { previewChannel } from './preview.js';
import { checkTemplates } from './validate.js';

const opts = { receiver: 'ops', publicUrl: 'http://hub.test:8080' };

describe('channel templates', () => {
  it('refuses a "{{" that opens no variable, and says where', () => {
    assert.equal(templateError('{{title}} on {{ host | somewhere }} {"a":{"b":1}}'), undefined);
    assert.equal(templateError('{{{labels_json}}}'), undefined);
    assert.match(templateError('CPU on {{host') ?? '', /"\{\{" at character 8 is never closed/);
    assert.match(
      templateError('x {{ title }} {{2bad}}') ?? '',
      /"\{\{2bad\}\}" at character 15 is not a variable/,
    );
  });

  it('renders title and body from the notification, keeping the built-in text when empty', () => {
    const n = sampleNotification();
    const same = applyTemplates(n, {}, opts);
    assert.equal(same.notification, n);
    assert.equal(same.customBody, false);
    const { notification, customBody } = applyTemplates(
      n,
      {
        title: '{{status_upper}} {{alertname}} ({{firing_count}}) on {{object}}',
        body: '{{title}}\n{{alerts}}\n{{runbook_url|no runbook}}',
      },
      opts,
    );
    assert.equal(notification.title, 'FIRING HighCpu (2) on web-1');
    assert.equal(
      notification.body,
      'FIRING HighCpu (2) on web-1\n[firing] web-1 CPU at 97% (value 97.25)\n[firing] web-2 CPU at 91% (value 91)\nno runbook',
    );
    assert.equal(customBody, true);
    // A template that renders to nothing keeps the built-in title.
    assert.equal(applyTemplates(n, { title: '{{missing}}' }, opts).notification.title, n.title);
  });

  it('escapes variables for a JSON body, and inserts *_json ones as JSON', () => {
    const n = sampleNotification({ title: 'quote " and \\ and\nnewline' });
    const req = buildWebhookRequest(
      {
        type: 'webhook',
        url: 'http://127.0.0.1:9/hook',
        method: 'POST',
        headers: {},
        bodyTemplate: '{"text": "{{title}}", "labels": {{labels_json}}, "n": {{alert_count}}}',
      },
      n,
      { receiver: 'ops', externalUrl: 'http://hub.test:8080', idempotencyKey: 'k' },
    );
    assert.ok(!('error' in req));
    assert.deepEqual(JSON.parse(req.body), {
      text: 'quote " and \\ and\nnewline',
      labels: { alertname: 'HighCpu', severity: 'critical' },
      n: 2,
    });
    const bad = buildWebhookRequest(
      {
        type: 'webhook',
        url: 'http://127.0.0.1:9/hook',
        method: 'POST',
        headers: {},
        bodyTemplate: '{"v": {{missing}}}',
      },
      n,
      { receiver: 'ops', externalUrl: 'http://hub.test:8080', idempotencyKey: 'k' },
    );
    assert.ok('error' in bad);
    assert.match(bad.error, /^the JSON body template did not render valid JSON: /);
  });

  it('refuses at save a template that does not parse or a body that is not JSON, naming the field', () => {
    const webhook = { type: 'webhook' as const, url: 'http://x.test/', method: 'POST' as const, headers: {} };
    const refused = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        assert.ok(error instanceof HubError);
        return error.message;
      }
      assert.fail('expected a refusal');
    };
    assert.match(
      refused(() => checkTemplates({ html: '<b>{{title</b>' }, webhook)),
      /^invalid body: templates\.html: /,
    );
    assert.match(
      refused(() => checkTemplates({}, { ...webhook, bodyTemplate: '{"text": {{title}}}' })),
      /^invalid body: settings\.bodyTemplate: the JSON body template did not render valid JSON/,
    );
    checkTemplates(
      { title: '{{title}}' },
      { ...webhook, bodyTemplate: '{"text": "{{title}}", "n": {{alert_count}}}' },
    );
  });

  it('previews an email with its HTML part and a webhook with its JSON body', () => {
    const email = previewChannel({
      type: 'email',
      templates: {
        title: 'Alert: {{rule}}',
        html: '<h1>{{title}}</h1>{{alerts_html}}{{chart_html}}<p>{{tpyo}}</p>',
      },
      status: 'firing',
      channelName: 'mail',
      publicUrl: 'http://hub.test:8080',
    });
    assert.equal(email.title, 'Alert: High CPU');
    assert.match(email.html ?? '', /^<h1>Alert: High CPU<\/h1><table/);
    assert.match(email.html ?? '', /chart of the metric, last hour/);
    assert.match(email.body, /FIRING · critical: Alert: High CPU/);
    assert.deepEqual(email.unknownVariables, ['tpyo']);
    assert.ok(email.variables.includes('labels.host') === false && email.variables.includes('labels.team'));

    const hook = previewChannel({
      type: 'webhook',
      templates: {},
      bodyTemplate: '{"status": "{{status}}", "payload": {{payload_json}}}',
      status: 'resolved',
      channelName: 'hook',
      publicUrl: 'http://hub.test:8080',
    });
    const json = hook.json as { status: string; payload: { version: string; status: string } };
    assert.equal(json.status, 'resolved');
    assert.equal(json.payload.version, '4');
    assert.equal(json.payload.status, 'resolved');
  });
});
