/**
 * Checks a channel's templates when it is saved: each must parse (templates.title, .body, .html
 * named in the error), and a webhook's JSON body template must render valid JSON for both a
 * firing and a resolved sample group.
 * @module
 */
import type { ChannelSettings, ChannelTemplates } from '@unity/shared';
import { badRequest } from '../../errors.js';
import { renderBodyTemplate } from '../channels/webhook.js';
import { templateError } from './check.js';
import { sampleGroup } from './sample.js';

const SAMPLE_URL = 'http://unity.example';

/** Throws a 400 naming the first bad template. */
export function checkTemplates(templates: ChannelTemplates, settings: ChannelSettings): void {
  for (const field of ['title', 'body', 'html'] as const) {
    const text = templates[field];
    const error = text ? templateError(text) : undefined;
    if (error) throw badRequest(`invalid body: templates.${field}: ${error}`);
  }
  if (settings.type === 'webhook' && settings.bodyTemplate) {
    const error = templateError(settings.bodyTemplate);
    if (error) throw badRequest(`invalid body: settings.bodyTemplate: ${error}`);
    for (const status of ['firing', 'resolved'] as const) {
      const rendered = renderBodyTemplate(settings.bodyTemplate, sampleGroup(status, SAMPLE_URL), {
        receiver: 'sample',
        externalUrl: SAMPLE_URL,
      });
      if (!rendered.ok) throw badRequest(`invalid body: settings.bodyTemplate: ${rendered.error}`);
    }
  }
}
