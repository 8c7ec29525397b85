/**
 * Applies a channel's title and body templates to a notification before it is sent, so every
 * channel type shows them without knowing about templates: the rendered title and body take
 * the place of the built-in ones. An empty template, or one that renders to nothing, keeps the
 * built-in text (a message with an empty title helps nobody).
 * @module
 */
import type { ChannelTemplates, Notification } from '@unity/shared';
import { notificationVars, renderTemplate } from './variables.js';

export type Templated = {
  notification: Notification;
  /** True when the body is the channel's own (email then sends it as the whole text part). */
  customBody: boolean;
};

export function applyTemplates(
  n: Notification,
  templates: ChannelTemplates,
  opts: { receiver: string; publicUrl: string },
): Templated {
  if (!templates.title && !templates.body) return { notification: n, customBody: false };
  const out = { ...n };
  if (templates.title) {
    const title = renderTemplate(templates.title, notificationVars({ ...opts, notification: n }), 'text')
      .replace(/\s+/g, ' ')
      .trim();
    if (title) out.title = title;
  }
  let customBody = false;
  if (templates.body) {
    // `{{title}}` in the body is the channel's title.
    const body = renderTemplate(
      templates.body,
      notificationVars({ ...opts, notification: out }),
      'text',
    ).trim();
    if (body) {
      out.body = body;
      customBody = true;
    }
  }
  return { notification: out, customBody };
}
