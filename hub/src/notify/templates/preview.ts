/**
 * Renders a channel's templates against a sample alert group, as the channel would send it: the
 * title (an email's subject), the text body, an email's HTML part and a webhook's JSON body.
 * Used by the settings page to show a template before it is saved.
 * @module
 */
import type { ChannelPreview, ChannelTemplates, ChannelType, Notification } from '@unity/shared';
import { templateVariables } from '../../alerts/templates/render.js';
import { badRequest } from '../../errors.js';
import { emailHtml, emailText } from '../channels/email.js';
import { titleOf } from '../channels/render.js';
import { alertmanagerPayload, renderBodyTemplate } from '../channels/webhook.js';
import { applyTemplates } from './apply.js';
import { templateError } from './check.js';
import { sampleGroup } from './sample.js';
import { notificationVars, renderTemplate } from './variables.js';

export type PreviewInput = {
  type: ChannelType;
  templates: ChannelTemplates;
  bodyTemplate?: string | undefined;
  status: 'firing' | 'resolved';
  channelName: string;
  publicUrl: string;
};

/** Stands in for the chart in a preview: the sample group has no stored metric to draw. */
const CHART_PLACEHOLDER =
  '<div style="width:600px;max-width:100%;height:120px;border:1px dashed #999;color:#777;display:flex;align-items:center;justify-content:center">chart of the metric, last hour</div>';

export function previewChannel(input: PreviewInput): ChannelPreview {
  const check = (field: string, text: string | undefined) => {
    const error = text ? templateError(text) : undefined;
    if (error) throw badRequest(`invalid body: ${field}: ${error}`);
  };
  check('templates.title', input.templates.title);
  check('templates.body', input.templates.body);
  check('templates.html', input.templates.html);
  check('bodyTemplate', input.bodyTemplate);

  const opts = { receiver: input.channelName, publicUrl: input.publicUrl };
  const sample = sampleGroup(input.status, input.publicUrl);
  const { notification: n, customBody } = applyTemplates(sample, input.templates, opts);
  const vars = notificationVars({ ...opts, notification: n });
  const names = new Set(Object.keys(vars));

  let html: string | null = null;
  let body = n.body;
  if (input.type === 'email') {
    body = customBody ? n.body : emailText(n);
    html = input.templates.html
      ? renderTemplate(input.templates.html, { ...vars, chart_html: CHART_PLACEHOLDER }, 'html')
      : emailHtml(n, CHART_PLACEHOLDER);
  }
  let json: unknown = null;
  if (input.type === 'webhook') {
    names.add('payload_json');
    json = webhookJson(input.bodyTemplate, n, opts.receiver, opts.publicUrl);
  }
  const used = [input.templates.title, input.templates.body, input.templates.html, input.bodyTemplate]
    .filter((t): t is string => !!t)
    .flatMap(templateVariables);
  return {
    title: titleOf(n),
    body,
    html,
    json,
    variables: [...names].sort(),
    unknownVariables: [...new Set(used.filter((v) => !names.has(v)))],
  };
}

function webhookJson(template: string | undefined, n: Notification, receiver: string, url: string): unknown {
  if (!template) return alertmanagerPayload(n, receiver, url);
  const rendered = renderBodyTemplate(template, n, { receiver, externalUrl: url });
  if (!rendered.ok) throw badRequest(`invalid body: bodyTemplate: ${rendered.error}`);
  return JSON.parse(rendered.body);
}
