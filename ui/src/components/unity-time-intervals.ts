/**
 * The Time intervals page: the named schedules that routes use as mute timings or active times
 * (weekdays, times with an exclusive end, days of the month, months, years, time zone). Editors
 * create, edit and delete them; the hub checks every field and its message is shown by the form.
 * @module
 */
import type { Me, TimeInterval, TimeIntervalSpec } from '@unity/shared';
import { css, html, LitElement, nothing } from 'lit';
import { alertRoutingApi } from '../api/alert-routing-client.js';
import { alertsStyles, alertsTabs, canWrite } from './alerts-shared.js';
import { listField } from './policy-tree.js';
import { base, controls, surfaces } from './styles.js';
import './unity-confirm.js';

/** One spec as the form edits it: comma-separated texts. */
type SpecText = {
  times: string;
  weekdays: string;
  daysOfMonth: string;
  months: string;
  years: string;
  location: string;
};

const EMPTY_SPEC: SpecText = {
  times: '',
  weekdays: '',
  daysOfMonth: '',
  months: '',
  years: '',
  location: '',
};

const toText = (s: TimeIntervalSpec): SpecText => ({
  times: (s.times ?? []).map((t) => `${t.start}-${t.end}`).join(', '),
  weekdays: (s.weekdays ?? []).join(', '),
  daysOfMonth: (s.daysOfMonth ?? []).join(', '),
  months: (s.months ?? []).join(', '),
  years: (s.years ?? []).join(', '),
  location: s.location ?? '',
});

/** The spec to send; a time range the hub cannot read is sent as given so its message names it. */
function toSpec(t: SpecText): TimeIntervalSpec {
  const times = listField(t.times)?.map((r) => {
    const [start = '', end = ''] = r.split('-').map((x) => x.trim());
    return { start, end };
  });
  const spec: TimeIntervalSpec = {};
  if (times) spec.times = times;
  const weekdays = listField(t.weekdays);
  if (weekdays) spec.weekdays = weekdays;
  const days = listField(t.daysOfMonth);
  if (days) spec.daysOfMonth = days;
  const months = listField(t.months);
  if (months) spec.months = months;
  const years = listField(t.years);
  if (years) spec.years = years;
  if (t.location.trim()) spec.location = t.location.trim();
  return spec;
}

/** "monday:friday 09:00–17:00 (Europe/Paris)". */
export function describeSpec(s: TimeIntervalSpec): string {
  const parts = [
    s.weekdays?.join(', '),
    s.daysOfMonth?.length ? `days ${s.daysOfMonth.join(', ')}` : undefined,
    s.months?.join(', '),
    s.years?.join(', '),
    s.times?.map((t) => `${t.start}–${t.end}`).join(', '),
  ].filter(Boolean);
  return `${parts.length ? parts.join(' · ') : 'always'} (${s.location ?? 'UTC'})`;
}

export class UnityTimeIntervals extends LitElement {
  static override properties = {
    me: { attribute: false },
    items: { state: true },
    editing: { state: true },
    name: { state: true },
    specs: { state: true },
    error: { state: true },
    formError: { state: true },
    saving: { state: true },
  };
  declare me: Me | null;
  declare items: TimeInterval[] | null;
  /** The name of the interval being edited; null when creating. */
  declare editing: string | null;
  declare name: string;
  declare specs: SpecText[];
  declare error: string;
  declare formError: string;
  declare saving: boolean;

  constructor() {
    super();
    this.me = null;
    this.items = null;
    this.editing = null;
    this.name = '';
    this.specs = [{ ...EMPTY_SPEC, weekdays: 'monday:friday', times: '09:00-17:00' }];
    this.error = '';
    this.formError = '';
    this.saving = false;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    alertsStyles,
    css`
      fieldset {
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius-sm);
        display: grid;
        gap: var(--u-space-2);
        margin: 0;
      }
      legend {
        font-weight: 600;
        font-size: var(--u-text-sm);
      }
      td.wrap {
        white-space: normal;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    const res = await alertRoutingApi.timeIntervals();
    if (res.ok) {
      this.items = res.value.items;
      this.error = '';
    } else if (res.error.status !== 401) {
      this.error = res.error.message;
    }
  }

  #reset(): void {
    this.editing = null;
    this.name = '';
    this.specs = [{ ...EMPTY_SPEC, weekdays: 'monday:friday', times: '09:00-17:00' }];
    this.formError = '';
  }

  #edit(ti: TimeInterval): void {
    this.editing = ti.name;
    this.name = ti.name;
    this.specs = ti.timeIntervals.map(toText);
    this.formError = '';
  }

  #setSpec(i: number, field: keyof SpecText, value: string): void {
    this.specs = this.specs.map((s, j) => (j === i ? { ...s, [field]: value } : s));
  }

  async #save(e: Event): Promise<void> {
    e.preventDefault();
    this.saving = true;
    this.formError = '';
    const timeIntervals = this.specs.map(toSpec);
    const res =
      this.editing === null
        ? await alertRoutingApi.createTimeInterval({ name: this.name.trim(), timeIntervals })
        : await alertRoutingApi.updateTimeInterval(this.editing, timeIntervals);
    this.saving = false;
    if (!res.ok) {
      this.formError = res.error.message;
      return;
    }
    this.#reset();
    await this.load();
  }

  async #delete(ti: TimeInterval): Promise<void> {
    const ok = await this.renderRoot
      .querySelector('unity-confirm')
      ?.ask(
        `Delete ${ti.name}?`,
        'Routes can no longer use this schedule. The hub refuses while the policy uses it.',
      );
    if (!ok) return;
    this.error = '';
    const res = await alertRoutingApi.deleteTimeInterval(ti.name);
    if (!res.ok) this.error = `Could not delete ${ti.name}: ${res.error.message}`;
    if (this.editing === ti.name) this.#reset();
    await this.load();
  }

  override render() {
    return html`<div class="page-head"><h1>Time intervals</h1></div>
      ${alertsTabs('time-intervals')}<unity-confirm></unity-confirm>
      <p class="muted">
        Named schedules for routes: "mute during" sends nothing inside them, "active only during" sends only
        inside them. End times are exclusive; negative days count from the end of the month.
      </p>
      ${this.error ? html`<p class="error" role="alert" data-testid="intervals-error">${this.error}</p>` : null}
      <section>${this.#list()}</section>
      ${canWrite(this.me) ? this.#form() : html`<p class="muted" data-testid="viewer-note">Viewers cannot change time intervals.</p>`}`;
  }

  #list() {
    const items = this.items;
    if (items === null) return this.error ? null : html`<p class="muted">Loading…</p>`;
    if (items.length === 0)
      return html`<p class="muted" data-testid="intervals-empty">No time intervals yet.</p>`;
    const write = canWrite(this.me);
    return html`<div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>When</th>
            ${write ? html`<th><span class="visually-hidden">Actions</span></th>` : null}
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (ti) => html`<tr data-testid="time-interval" data-name=${ti.name}>
              <td><strong>${ti.name}</strong></td>
              <td class="wrap">${ti.timeIntervals.map((s) => html`<div>${describeSpec(s)}</div>`)}</td>
              ${
                write
                  ? html`<td>
                    <span class="row">
                      <button type="button" class="secondary small" aria-label="Edit ${ti.name}" @click=${() => this.#edit(ti)}>
                        Edit
                      </button>
                      <button
                        type="button"
                        class="secondary small danger-text"
                        aria-label="Delete ${ti.name}"
                        @click=${() => this.#delete(ti)}
                      >
                        Delete
                      </button>
                    </span>
                  </td>`
                  : null
              }
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  #form() {
    const field = (i: number, key: keyof SpecText, label: string, hint: string) =>
      html`<label
        >${label} <span class="hint">${hint}</span>
        <input
          name=${key}
          .value=${this.specs[i]?.[key] ?? ''}
          @input=${(e: Event) => this.#setSpec(i, key, (e.target as HTMLInputElement).value)}
      /></label>`;
    return html`<section class="card">
      <h2>${this.editing === null ? 'New time interval' : `Edit ${this.editing}`}</h2>
      <form class="stack" data-testid="interval-form" @submit=${this.#save}>
        <label
          >Name
          <input
            name="name"
            required
            .value=${this.name}
            ?disabled=${this.editing !== null}
            @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
        /></label>
        <p class="muted">The time is in the interval when any of these windows holds; empty fields do not restrict.</p>
        ${this.specs.map(
          (_, i) => html`<fieldset>
            <legend>Window ${i + 1}</legend>
            ${field(i, 'weekdays', 'Weekdays', 'e.g. monday:friday, saturday')}
            ${field(i, 'times', 'Times', 'e.g. 09:00-17:00 (end exclusive)')}
            <div class="row">
              ${field(i, 'daysOfMonth', 'Days of month', 'e.g. 1:7, -1')}
              ${field(i, 'months', 'Months', 'e.g. january:march')}
              ${field(i, 'years', 'Years', 'e.g. 2026')}
            </div>
            ${field(i, 'location', 'Time zone', 'e.g. Europe/Paris; empty: UTC')}
            ${
              this.specs.length > 1
                ? html`<div>
                  <button
                    type="button"
                    class="secondary small danger-text"
                    @click=${() => (this.specs = this.specs.filter((__, j) => j !== i))}
                  >
                    Remove window ${i + 1}
                  </button>
                </div>`
                : nothing
            }
          </fieldset>`,
        )}
        <div>
          <button type="button" class="secondary small" @click=${() => (this.specs = [...this.specs, { ...EMPTY_SPEC }])}>
            Add window
          </button>
        </div>
        ${this.formError ? html`<p class="error" role="alert" data-testid="interval-form-error">${this.formError}</p>` : null}
        <div class="row">
          <button type="submit" ?disabled=${this.saving}>${this.editing === null ? 'Create' : 'Save'}</button>
          ${this.editing === null ? nothing : html`<button type="button" class="secondary" @click=${this.#reset}>Cancel</button>`}
        </div>
      </form>
    </section>`;
  }
}

customElements.define('unity-time-intervals', UnityTimeIntervals);

declare global {
  interface HTMLElementTagNameMap {
    'unity-time-intervals': UnityTimeIntervals;
  }
}
