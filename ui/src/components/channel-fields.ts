/**
 * The hand-written form fields of the most used channel types, and the conversion between a
 * channel's settings and the form's text values. Types not listed here are edited as JSON.
 * @module
 */
import type { ChannelType } from '@unity/shared';

export type FieldKind = 'text' | 'secret' | 'number' | 'bool' | 'select' | 'list' | 'headers' | 'textarea';
export type Field = {
  key: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  options?: readonly string[];
  placeholder?: string;
  hint?: string;
  /** A checkbox's value when the setting is not set. */
  default?: boolean;
};

const url = (key = 'url', label = 'URL', placeholder = 'https://…'): Field => ({
  key,
  label,
  kind: 'text',
  required: true,
  placeholder,
});
const opt = (key: string, label: string, placeholder?: string): Field => ({
  key,
  label,
  kind: 'text',
  ...(placeholder ? { placeholder } : {}),
});

export const CHANNEL_FIELDS: Partial<Record<ChannelType, readonly Field[]>> = {
  webhook: [
    url('url', 'URL', 'https://example.org/hook'),
    { key: 'method', label: 'Method', kind: 'select', options: ['POST', 'PUT', 'PATCH'] },
    { key: 'headers', label: 'Headers', kind: 'headers', hint: 'One "Name: value" a line' },
    { key: 'hmacSecret', label: 'HMAC secret', kind: 'secret', hint: 'Signs the body (optional)' },
    {
      key: 'bodyTemplate',
      label: 'JSON body template',
      kind: 'textarea',
      placeholder: '{"text": "{{title}}", "alerts": {{alerts_json}}}',
      hint: 'Replaces the Alertmanager payload; must render valid JSON. Variables are JSON-escaped, *_json ones are JSON values.',
    },
  ],
  email: [
    { key: 'host', label: 'SMTP host', kind: 'text', required: true },
    { key: 'port', label: 'Port', kind: 'number' },
    { key: 'security', label: 'Security', kind: 'select', options: ['starttls', 'tls', 'none'] },
    { key: 'verifyCertificate', label: 'Verify the certificate', kind: 'bool' },
    opt('username', 'User name'),
    { key: 'password', label: 'Password', kind: 'secret' },
    { key: 'from', label: 'From', kind: 'text', required: true },
    { key: 'to', label: 'To', kind: 'list', required: true, hint: 'Addresses, comma separated' },
    opt('subjectPrefix', 'Subject prefix'),
  ],
  slack: [
    {
      ...opt('url', 'Webhook URL', 'https://hooks.slack.com/services/…'),
      hint: 'Or a bot token below, which threads the updates of an alert group',
    },
    { key: 'botToken', label: 'Bot token', kind: 'secret', placeholder: 'xoxb-…' },
    { ...opt('channel', 'Channel'), hint: 'Required with a bot token' },
    opt('username', 'User name'),
    opt('iconEmoji', 'Icon emoji'),
    {
      key: 'updateParent',
      label: 'Show the latest state in the thread’s first message',
      kind: 'bool',
      default: true,
    },
  ],
  discord: [
    url('url', 'Webhook URL', 'https://discord.com/api/webhooks/…'),
    opt('username', 'User name'),
    opt('avatarUrl', 'Avatar URL'),
    opt('mentions', 'Mentions', '<@&ROLE_ID>'),
  ],
  telegram: [
    { key: 'botToken', label: 'Bot token', kind: 'secret', required: true, placeholder: '123456:ABC-DEF…' },
    { key: 'chatId', label: 'Chat id', kind: 'text', required: true },
    { key: 'messageThreadId', label: 'Topic id', kind: 'number' },
    { key: 'disableNotification', label: 'Send silently', kind: 'bool' },
    opt('apiUrl', 'API URL', 'https://api.telegram.org'),
  ],
  ntfy: [
    opt('serverUrl', 'Server URL', 'https://ntfy.sh'),
    { key: 'topic', label: 'Topic', kind: 'text', required: true },
    { key: 'token', label: 'Access token', kind: 'secret' },
    opt('username', 'User name'),
    { key: 'password', label: 'Password', kind: 'secret' },
  ],
  gotify: [
    url('serverUrl', 'Server URL'),
    { key: 'token', label: 'Application token', kind: 'secret', required: true },
    { key: 'priority', label: 'Priority (0-10)', kind: 'number' },
  ],
  pushover: [
    { key: 'token', label: 'API token', kind: 'secret', required: true },
    { key: 'userKey', label: 'User key', kind: 'secret', required: true },
    opt('device', 'Device'),
    opt('sound', 'Sound'),
  ],
  teams: [url('url', 'Workflow URL')],
  matrix: [
    url('homeserverUrl', 'Homeserver URL'),
    { key: 'accessToken', label: 'Access token', kind: 'secret', required: true },
    { key: 'roomId', label: 'Room id', kind: 'text', required: true, placeholder: '!abc:example.org' },
  ],
  pagerduty: [
    { key: 'routingKey', label: 'Integration key', kind: 'secret', required: true },
    opt('source', 'Source'),
  ],
};

export type FormValues = Record<string, string | boolean>;

/** Settings → form text values (masked secrets stay masked; sending them back keeps them). */
export function toFormValues(fields: readonly Field[], settings: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = settings[f.key];
    if (f.kind === 'bool')
      out[f.key] = v === undefined ? (f.default ?? f.key === 'verifyCertificate') : v === true;
    else if (v === undefined || v === null) out[f.key] = '';
    else if (f.kind === 'list') out[f.key] = Array.isArray(v) ? v.join(', ') : String(v);
    else if (f.kind === 'headers')
      out[f.key] = Object.entries(v as Record<string, string>)
        .map(([k, x]) => `${k}: ${x}`)
        .join('\n');
    else out[f.key] = String(v);
  }
  return out;
}

/** Form values → settings; empty optional fields are left out so the hub's defaults apply. */
export function fromFormValues(
  type: ChannelType,
  fields: readonly Field[],
  values: FormValues,
): Record<string, unknown> {
  const out: Record<string, unknown> = { type };
  for (const f of fields) {
    const v = values[f.key];
    if (f.kind === 'bool') {
      out[f.key] = v === true;
      continue;
    }
    const s = typeof v === 'string' ? v.trim() : '';
    if (s === '' && !f.required) continue;
    if (f.kind === 'number') out[f.key] = s === '' ? undefined : Number(s);
    else if (f.kind === 'list')
      out[f.key] = s
        .split(/[,\n]/)
        .map((x) => x.trim())
        .filter(Boolean);
    else if (f.kind === 'headers')
      out[f.key] = Object.fromEntries(
        s
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => {
            const i = line.indexOf(':');
            return i < 0 ? [line, ''] : [line.slice(0, i).trim(), line.slice(i + 1).trim()];
          }),
      );
    else out[f.key] = s;
  }
  return out;
}
