/**
 * "Audit log" (admins): who did what to which object, when, from where and how it ended, newest
 * first, filtered by actor, action, target and time range; "Older" pages back; the filtered
 * log downloads as CSV or JSON.
 * @module
 */
import type { AuditEntry } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { type AuditFilter, securityApi } from '../api/security-client.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

/** `<input type=datetime-local>` value → ms, or undefined when empty. */
const timeOf = (value: FormDataEntryValue | null): number | undefined => {
  const text = String(value ?? '');
  const ms = text ? new Date(text).getTime() : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
};

export class UnityAuditLog extends LitElement {
  static override properties = {
    items: { state: true },
    nextBefore: { state: true },
    filter: { state: true },
    error: { state: true },
  };
  /** null while loading. */
  declare items: AuditEntry[] | null;
  declare nextBefore: number | null;
  declare filter: AuditFilter;
  declare error: string;

  constructor() {
    super();
    this.items = null;
    this.nextBefore = null;
    this.filter = {};
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      form.filters {
        display: flex;
        flex-wrap: wrap;
        gap: var(--u-space-2);
        align-items: end;
        margin-bottom: var(--u-space-3);
      }
      form.filters label {
        display: flex;
        flex-direction: column;
        font-size: 0.85em;
      }
      td.wrap {
        white-space: normal;
        overflow-wrap: anywhere;
        max-width: 24rem;
      }
      .exports {
        display: flex;
        gap: var(--u-space-2);
        margin: var(--u-space-2) 0;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(more = false): Promise<void> {
    const res = await securityApi.auditLog(this.filter, more ? (this.nextBefore ?? undefined) : undefined);
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.items = more ? [...(this.items ?? []), ...res.value.items] : res.value.items;
    this.nextBefore = res.value.nextBefore;
  }

  #apply(e: SubmitEvent): void {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    const filter: AuditFilter = {};
    const actor = text('actor');
    const action = text('action');
    const target = text('target');
    const from = timeOf(form.get('from'));
    const to = timeOf(form.get('to'));
    if (actor) filter.actor = actor;
    if (action) filter.action = action;
    if (target) filter.target = target;
    if (from !== undefined) filter.from = from;
    if (to !== undefined) filter.to = to;
    this.filter = filter;
    this.items = null;
    void this.load();
  }

  override render() {
    return html`<h1>Audit log</h1>
      <form class="filters" @submit=${this.#apply} data-testid="audit-filters">
        <label>User <input name="actor" autocomplete="off" /></label>
        <label>Action <input name="action" placeholder="auth. or container.restart" autocomplete="off" /></label>
        <label>Target <input name="target" autocomplete="off" /></label>
        <label>From <input name="from" type="datetime-local" /></label>
        <label>To <input name="to" type="datetime-local" /></label>
        <button type="submit">Filter</button>
      </form>
      <div class="exports">
        <a href=${securityApi.exportUrl(this.filter, 'csv')} download data-testid="export-csv">Export CSV</a>
        <a href=${securityApi.exportUrl(this.filter, 'json')} download data-testid="export-json">Export JSON</a>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${
        this.items === null
          ? html`<p class="muted">Loading…</p>`
          : this.items.length === 0
            ? html`<p class="muted" data-testid="audit-empty">No entries match.</p>`
            : html`<div class="table-wrap">
              <table data-testid="audit">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>User</th>
                    <th>Address</th>
                    <th>Action</th>
                    <th>Target</th>
                    <th>Outcome</th>
                    <th>Details</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.items.map(
                    (e) =>
                      html`<tr data-testid="audit-entry" data-action=${e.action}>
                        <td>${new Date(e.at).toLocaleString()}</td>
                        <td>${e.username}</td>
                        <td>${e.ip ?? '—'}</td>
                        <td>${e.action}</td>
                        <td class="wrap">${e.objectName ?? e.objectId}</td>
                        <td><unity-badge tone=${e.outcome === 'ok' ? 'ok' : 'bad'}>${e.outcome}</unity-badge></td>
                        <td class="wrap">${e.message ?? ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${
              this.nextBefore
                ? html`<button type="button" class="secondary" @click=${() => void this.load(true)}>Older</button>`
                : null
            }`
      }`;
  }
}

customElements.define('unity-audit-log', UnityAuditLog);

declare global {
  interface HTMLElementTagNameMap {
    'unity-audit-log': UnityAuditLog;
  }
}
