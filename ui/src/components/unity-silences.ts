/**
 * The Silences page: every silence (active, pending, expired) and, for editors, a form to create
 * one (matchers, start, duration or end, comment) and an Expire button. The Silence button of
 * an alert lands here with the alert's labels as `?matcher=` prefill.
 * @module
 */
import {
  formatMatcher,
  type Matcher,
  type Me,
  parseDuration,
  parseMatcher,
  type Silence,
  type SilenceState,
} from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { alertRoutingApi } from '../api/alert-routing-client.js';
import { alertsStyles, alertsTabs, canWrite, when } from './alerts-shared.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';
import './unity-matchers-input.js';

const DEFAULT_DURATION = '2h';
const TONE: Record<SilenceState, 'ok' | 'warn' | 'neutral'> = {
  active: 'ok',
  pending: 'warn',
  expired: 'neutral',
};

/** A `datetime-local` value (local time, no zone) as an ISO instant; null when empty or bad. */
const fromLocal = (value: string): string | null => {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
};

export class UnitySilences extends LitElement {
  static override properties = {
    me: { attribute: false },
    prefill: { attribute: false },
    silences: { state: true },
    matchers: { state: true },
    error: { state: true },
    formError: { state: true },
    saving: { state: true },
    showExpired: { state: true },
  };
  declare me: Me | null;
  /** `label="value"` texts from the URL. */
  declare prefill: string[];
  declare silences: Silence[] | null;
  declare matchers: Matcher[];
  declare error: string;
  declare formError: string;
  declare saving: boolean;
  declare showExpired: boolean;

  constructor() {
    super();
    this.me = null;
    this.prefill = [];
    this.silences = null;
    this.matchers = [{ label: 'alertname', op: '=', value: '' }];
    this.error = '';
    this.formError = '';
    this.saving = false;
    this.showExpired = true;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    alertsStyles,
    css`
      td.wrap {
        white-space: normal;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('prefill') && this.prefill.length > 0) {
      const parsed = this.prefill.map(parseMatcher).filter((m): m is Matcher => m !== undefined);
      if (parsed.length > 0) this.matchers = parsed;
    }
  }

  async load(): Promise<void> {
    const res = await alertRoutingApi.silences();
    if (res.ok) {
      this.silences = res.value.items;
      this.error = '';
    } else if (res.error.status !== 401) {
      this.error = res.error.message;
    }
  }

  async #create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const startsAt = fromLocal(String(data.get('startsAt') ?? ''));
    const endText = fromLocal(String(data.get('endsAt') ?? ''));
    const duration = String(data.get('duration') ?? '').trim();
    const comment = String(data.get('comment') ?? '').trim();
    let endsAt = endText;
    if (!endsAt) {
      const ms = parseDuration(duration);
      if (!ms) {
        this.formError = 'Give a duration such as 30m, 2h or 1d, or an end time.';
        return;
      }
      endsAt = new Date((startsAt ? Date.parse(startsAt) : Date.now()) + ms).toISOString();
    }
    if (!comment) {
      this.formError = 'Say why in the comment: the people paged later will read it.';
      return;
    }
    this.saving = true;
    this.formError = '';
    const res = await alertRoutingApi.createSilence({
      matchers: this.matchers,
      endsAt,
      comment,
      ...(startsAt ? { startsAt } : {}),
    });
    this.saving = false;
    if (!res.ok) {
      this.formError = res.error.message;
      return;
    }
    form.reset();
    this.matchers = [{ label: 'alertname', op: '=', value: '' }];
    await this.load();
  }

  async #expire(s: Silence): Promise<void> {
    this.error = '';
    const res = await alertRoutingApi.expireSilence(s.id);
    if (!res.ok) this.error = `Could not expire the silence: ${res.error.message}`;
    await this.load();
  }

  override render() {
    return html`<div class="page-head"><h1>Silences</h1></div>
      ${alertsTabs('silences')}
      ${canWrite(this.me) ? this.#form() : html`<p class="muted" data-testid="viewer-note">Viewers cannot create or expire silences.</p>`}
      <section>
        <div class="section-head">
          <h2>All silences</h2>
          <label class="check"
            ><input
              type="checkbox"
              .checked=${this.showExpired}
              @change=${(e: Event) => (this.showExpired = (e.target as HTMLInputElement).checked)}
            />Show expired</label
          >
        </div>
        ${this.error ? html`<p class="error" role="alert" data-testid="silences-error">${this.error}</p>` : null}
        ${this.#list()}
      </section>`;
  }

  #form() {
    return html`<section class="card">
      <h2>New silence</h2>
      <form class="stack" data-testid="silence-form" @submit=${this.#create}>
        <unity-matchers-input
          legend="Alerts to silence (all matchers must hold)"
          .matchers=${this.matchers}
          @matchers-change=${(e: CustomEvent<Matcher[]>) => (this.matchers = e.detail)}
        ></unity-matchers-input>
        <div class="row">
          <label>Starts <span class="hint">empty: now</span><input type="datetime-local" name="startsAt" /></label>
          <label>Duration <span class="hint">e.g. 30m, 2h, 1d</span><input name="duration" value=${DEFAULT_DURATION} /></label>
          <label>Or ends at <span class="hint">overrides the duration</span><input type="datetime-local" name="endsAt" /></label>
        </div>
        <label>Comment<textarea name="comment" rows="2" required></textarea></label>
        ${this.formError ? html`<p class="error" role="alert" data-testid="silence-form-error">${this.formError}</p>` : null}
        <div><button type="submit" ?disabled=${this.saving}>${this.saving ? 'Creating…' : 'Create silence'}</button></div>
      </form>
    </section>`;
  }

  #list() {
    const all = this.silences;
    if (all === null) return this.error ? null : html`<p class="muted">Loading…</p>`;
    const shown = all.filter((s) => this.showExpired || s.state !== 'expired');
    if (shown.length === 0) return html`<p class="muted" data-testid="silences-empty">No silences.</p>`;
    const write = canWrite(this.me);
    return html`<div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>State</th>
            <th>Matchers</th>
            <th>Starts</th>
            <th>Ends</th>
            <th>By</th>
            <th>Comment</th>
            ${write ? html`<th><span class="visually-hidden">Actions</span></th>` : null}
          </tr>
        </thead>
        <tbody>
          ${shown.map(
            (s) => html`<tr data-testid="silence" data-id=${s.id} data-state=${s.state}>
              <td><unity-badge tone=${TONE[s.state]} data-testid="silence-state">${s.state}</unity-badge></td>
              <td class="wrap">
                <span class="labels">${s.matchers.map((m) => html`<span class="label">${formatMatcher(m)}</span>`)}</span>
                ${s.schedule ? html`<span class="muted">(recurring)</span>` : null}
              </td>
              <td>${when(s.startsAt)}</td>
              <td>${when(s.endsAt)}</td>
              <td>${s.createdBy}</td>
              <td class="wrap" data-testid="silence-comment">${s.comment}</td>
              ${
                write
                  ? html`<td>
                    ${
                      s.state === 'expired'
                        ? null
                        : html`<button
                          type="button"
                          class="secondary small danger-text"
                          data-testid="expire"
                          aria-label="Expire silence: ${s.comment}"
                          @click=${() => this.#expire(s)}
                        >
                          Expire
                        </button>`
                    }
                  </td>`
                  : null
              }
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

customElements.define('unity-silences', UnitySilences);

declare global {
  interface HTMLElementTagNameMap {
    'unity-silences': UnitySilences;
  }
}
