/**
 * The probe form's fields per kind, and turning the form's values into a probe definition
 * (numbers as numbers, empty fields left out so the hub's defaults apply).
 * @module
 */
import type { Probe, ProbeKind, ProbeSpecInput } from '@unity/shared';
import { html } from 'lit';

export const KIND_LABELS: Record<ProbeKind, string> = {
  http: 'HTTP(S)',
  tcp: 'TCP port',
  ping: 'Ping',
  dns: 'DNS',
  postgres: 'PostgreSQL',
  mysql: 'MySQL / MariaDB',
  redis: 'Redis',
  prometheus: 'Prometheus scrape',
  container: 'Container running and healthy',
  push: 'Push (heartbeat)',
};

const field = (
  name: string,
  label: string,
  value: unknown,
  attrs: { type?: string; placeholder?: string; required?: boolean } = {},
) =>
  html`<label
    >${label}
    <input
      name=${name}
      type=${attrs.type ?? 'text'}
      .value=${value === undefined || value === null ? '' : String(value)}
      placeholder=${attrs.placeholder ?? ''}
      ?required=${attrs.required ?? false}
  /></label>`;

/** The kind's own fields, prefilled from `p` when editing. */
export function kindFields(kind: ProbeKind, p: Partial<Probe> & Record<string, unknown>) {
  switch (kind) {
    case 'http':
      return html`${field('url', 'URL', p.url, { placeholder: 'https://example.com/health', required: true })}
        <label
          >Method
          <select name="method">
            ${['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map(
              (m) => html`<option ?selected=${(p.method ?? 'GET') === m}>${m}</option>`,
            )}
          </select></label
        >
        ${field('expectedStatus', 'Expected status codes', Array.isArray(p.expectedStatus) ? p.expectedStatus.join(', ') : '', { placeholder: 'any 2xx or 3xx' })}
        ${field('keyword', 'Keyword that must be present', (p.keyword as { text?: string } | undefined)?.text)}
        ${field('certExpiryDays', 'Fail when the certificate expires within (days)', p.certExpiryDays, { type: 'number' })}
        <label class="check"><input type="checkbox" name="ignoreTls" ?checked=${p.ignoreTls === true} /> Ignore TLS errors</label>`;
    case 'tcp':
      return html`${field('host', 'Host', p.host, { required: true })}
        ${field('port', 'Port', p.port, { type: 'number', required: true })}
        ${field('banner', 'Banner must match (regex)', p.banner)}`;
    case 'ping':
      return html`${field('host', 'Host', p.host, { required: true })} ${field('count', 'Packets', p.count ?? 3, { type: 'number' })}`;
    case 'dns':
      return html`${field('query', 'Name', p.query, { required: true })}
        <label
          >Record type
          <select name="recordType">
            ${['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA'].map(
              (t) => html`<option ?selected=${(p.recordType ?? 'A') === t}>${t}</option>`,
            )}
          </select></label
        >
        ${field('server', 'Server (ip or ip:port)', p.server, { placeholder: 'system resolver' })}
        ${field('expected', 'Expected answers (comma-separated)', Array.isArray(p.expected) ? p.expected.join(', ') : '')}`;
    case 'postgres':
    case 'mysql':
    case 'redis':
      return field('url', 'Connection URL', p.url, {
        placeholder: `${kind === 'mysql' ? 'mysql' : kind}://user@host/`,
        required: true,
      });
    case 'prometheus':
      return html`${field('url', 'Metrics URL', p.url, { placeholder: 'http://127.0.0.1:9100/metrics', required: true })}
        ${field('metrics', 'Keep metric names matching (regex)', p.metrics ?? '.*')}
        ${field('labels', 'Keep only series whose labels match (name=regex, comma-separated)', labelText(p.labels), { placeholder: 'job=node, mode=idle|user' })}
        ${field('maxSeries', 'At most this many series per scrape', p.maxSeries ?? 1000, { type: 'number' })}
        ${field('bearer', 'Bearer token', (p.auth as { token?: string } | undefined)?.token, { type: 'password' })}
        <label class="check"><input type="checkbox" name="ignoreTls" ?checked=${p.ignoreTls === true} /> Ignore TLS errors</label>`;
    case 'container':
      return html`${field('container', 'Container name', p.container, { placeholder: 'nginx', required: true })}
        ${field('agentIds', 'Host (the agent id that runs it)', Array.isArray(p.agentIds) ? p.agentIds.join(', ') : '', { required: true })}
        <label
          >Engine
          <select name="engine">
            ${['', 'docker', 'podman'].map((e) => html`<option value=${e} ?selected=${(p.engine ?? '') === e}>${e || 'any'}</option>`)}
          </select></label
        >`;
    case 'push':
      return html`${field('periodSeconds', 'Expected every (seconds)', p.periodSeconds, { type: 'number', placeholder: 'or a cron expression below' })}
        ${field('cron', 'Cron expression (5 fields)', p.cron, { placeholder: '0 3 * * *' })}
        ${field('timeZone', 'Time zone of the cron expression', p.timeZone ?? 'UTC')}
        ${field('graceSeconds', 'Grace (seconds)', p.graceSeconds ?? 3600, { type: 'number' })}`;
  }
}

/** `{job: "node"}` as `job=node`. */
const labelText = (labels: unknown) =>
  labels && typeof labels === 'object'
    ? Object.entries(labels as Record<string, string>)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')
    : '';

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The form's values as a definition: empty optional fields are null, which PATCH reads as
 * "remove" (JSON Merge Patch); `withoutNulls` makes a body for POST.
 */
export function specFromForm(kind: ProbeKind, form: HTMLFormElement): ProbeSpecInput {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const out: Record<string, unknown> = { kind, name: text('name') };
  const num = (name: string) => {
    out[name] = text(name) === '' ? null : Number(text(name));
  };
  for (const n of ['intervalSeconds', 'timeoutSeconds', 'retries']) num(n);
  if (text('tags')) out.tags = list(text('tags'));
  out.conditions = text('conditions') || null;
  switch (kind) {
    case 'http':
      out.url = text('url');
      out.method = text('method') || 'GET';
      out.expectedStatus = list(text('expectedStatus')).map(Number);
      out.keyword = text('keyword') ? { text: text('keyword') } : null;
      num('certExpiryDays');
      out.ignoreTls = data.get('ignoreTls') === 'on';
      break;
    case 'tcp':
      out.host = text('host');
      num('port');
      out.banner = text('banner') || null;
      break;
    case 'ping':
      out.host = text('host');
      num('count');
      break;
    case 'dns':
      out.query = text('query');
      out.recordType = text('recordType') || 'A';
      out.server = text('server') || null;
      out.expected = list(text('expected'));
      break;
    case 'prometheus':
      out.url = text('url');
      out.metrics = text('metrics') || '.*';
      out.labels = Object.fromEntries(
        list(text('labels')).map((pair) => {
          const at = pair.indexOf('=');
          return at < 0 ? [pair, ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        }),
      );
      num('maxSeries');
      out.auth = text('bearer') ? { type: 'bearer', token: text('bearer') } : null;
      out.ignoreTls = data.get('ignoreTls') === 'on';
      break;
    case 'container':
      out.container = text('container');
      out.agentIds = list(text('agentIds'));
      out.engine = text('engine') || null;
      break;
    case 'push':
      num('periodSeconds');
      out.cron = text('cron') || null;
      out.timeZone = text('timeZone') || 'UTC';
      num('graceSeconds');
      break;
    default:
      out.url = text('url');
  }
  return out as ProbeSpecInput;
}

/** Drops null fields (POST takes absent fields, not nulls). */
export function withoutNulls(spec: ProbeSpecInput): ProbeSpecInput {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== null)) as ProbeSpecInput;
}
