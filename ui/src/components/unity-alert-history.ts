/**
 * The alert History page: MTTA and MTTR cards (mean, median, p90), the noisiest rules as bars,
 * the hour × weekday heatmap of firings in a chosen time zone, and the timeline of state
 * changes with filters (rule, state, labels), "Show older" paging and CSV/JSON export of what
 * the filters select. The range is a preset relative to now, or `from`/`to` from the URL.
 * @module
 */
import type {
  AlertHeatmap,
  AlertHistoryEntry,
  AlertInstanceState,
  AlertNoisiest,
  AlertStats,
  DurationStats,
} from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { alertHistoryApi, type HistoryRange, type TimelineFilter } from '../api/alert-history-client.js';
import { formatDuration, formatNumber } from '../format.js';
import { alertsStyles, alertsTabs } from './alerts-shared.js';
import { base, controls, surfaces } from './styles.js';
import { labelChips } from './unity-alerts.js';
import type { BadgeTone } from './unity-badge.js';
import './unity-alert-heatmap.js';
import './unity-bar-list.js';
import './unity-badge.js';

const DAY = 86_400_000;
const PRESETS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY } as const;
type Preset = keyof typeof PRESETS;
const STATES: AlertInstanceState[] = ['firing', 'pending', 'resolved', 'nodata', 'error', 'inactive'];

const TONE: Record<AlertInstanceState, BadgeTone> = {
  firing: 'bad',
  error: 'bad',
  nodata: 'warn',
  pending: 'warn',
  resolved: 'ok',
  inactive: 'neutral',
};

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const zones = (): string[] => {
  const list =
    (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return list.includes('UTC') ? list : ['UTC', ...list];
};
const ms = (v: number | null) => (v === null ? '—' : formatDuration(v / 1000));
const stamp = (at: number, tz: string) =>
  new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium', timeZone: tz });

export class UnityAlertHistory extends LitElement {
  static override properties = {
    from: { attribute: false },
    to: { attribute: false },
    tz: { attribute: false },
    preset: { state: true },
    zone: { state: true },
    filter: { state: true },
    stats: { state: true },
    noisiest: { state: true },
    heatmap: { state: true },
    items: { state: true },
    nextCursor: { state: true },
    error: { state: true },
  };
  /** From the URL: a fixed range instead of a preset, and the heatmap's time zone. */
  declare from: number | null;
  declare to: number | null;
  declare tz: string | null;
  declare preset: Preset;
  declare zone: string;
  declare filter: TimelineFilter;
  declare stats: AlertStats | null;
  declare noisiest: AlertNoisiest | null;
  declare heatmap: AlertHeatmap | null;
  declare items: AlertHistoryEntry[] | null;
  declare nextCursor: string | null;
  declare error: string;

  /** The range shown; fixed at each load so paging stays on the same range. */
  #range: HistoryRange = { from: 0, to: 0 };

  constructor() {
    super();
    this.from = null;
    this.to = null;
    this.tz = null;
    this.preset = '7d';
    this.zone = browserZone();
    this.filter = {};
    this.stats = null;
    this.noisiest = null;
    this.heatmap = null;
    this.items = null;
    this.nextCursor = null;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    alertsStyles,
    css`
      .cards {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
        gap: var(--u-space-4);
        margin-bottom: var(--u-space-4);
      }
      .cards dl {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        margin: 0;
        gap: var(--u-space-2);
      }
      .cards dt {
        font-size: var(--u-text-sm);
        color: var(--u-text-muted);
      }
      .cards dd {
        margin: 0;
        font-size: var(--u-text-lg);
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      section.card {
        margin-bottom: var(--u-space-4);
      }
      .filters {
        margin-bottom: var(--u-space-3);
      }
      .presets button[aria-pressed='true'] {
        background: var(--u-accent);
        color: var(--u-accent-text);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.tz) this.zone = this.tz;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('tz') && this.tz) this.zone = this.tz;
  }

  protected override firstUpdated(): void {
    void this.load();
  }

  #currentRange(): HistoryRange {
    if (this.from !== null || this.to !== null) {
      const to = this.to ?? Date.now();
      return { from: this.from ?? to - PRESETS['7d'], to };
    }
    const to = Date.now();
    return { from: to - PRESETS[this.preset], to };
  }

  /** Reloads everything for the current range, zone and filters. */
  async load(): Promise<void> {
    this.#range = this.#currentRange();
    const range = this.#range;
    const [stats, noisiest, heatmap] = await Promise.all([
      alertHistoryApi.stats(range),
      alertHistoryApi.noisiest(range),
      alertHistoryApi.heatmap(range, this.zone),
      this.#loadTimeline(false),
    ]);
    const failed = [stats, noisiest, heatmap].find((r) => !r.ok);
    if (failed && !failed.ok) {
      if (failed.error.status !== 401) this.error = failed.error.message;
      return;
    }
    this.error = '';
    if (stats.ok) this.stats = stats.value;
    if (noisiest.ok) this.noisiest = noisiest.value;
    if (heatmap.ok) this.heatmap = heatmap.value;
  }

  async #loadTimeline(more: boolean): Promise<void> {
    const res = await alertHistoryApi.timeline(this.#range, this.filter, more ? this.nextCursor : null);
    if (!res.ok) {
      if (res.error.status !== 401) this.error = res.error.message;
      return;
    }
    this.items = more ? [...(this.items ?? []), ...res.value.items] : res.value.items;
    this.nextCursor = res.value.nextCursor;
  }

  #setPreset(p: Preset): void {
    this.preset = p;
    this.from = null;
    this.to = null;
    void this.load();
  }

  async #setZone(e: Event): Promise<void> {
    this.zone = (e.target as HTMLSelectElement).value;
    const res = await alertHistoryApi.heatmap(this.#range, this.zone);
    if (res.ok) this.heatmap = res.value;
    else if (res.error.status !== 401) this.error = res.error.message;
  }

  #applyFilters(e: Event): void {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const ruleId = String(form.get('ruleId') ?? '');
    const state = String(form.get('state') ?? '');
    const labels = String(form.get('labels') ?? '').trim();
    this.filter = {
      ...(ruleId ? { ruleId } : {}),
      ...(state ? { states: [state as AlertInstanceState] } : {}),
      ...(labels ? { labels } : {}),
    };
    void this.#loadTimeline(false);
  }

  override render() {
    const r = this.#range;
    const fixed = this.from !== null || this.to !== null;
    return html`<div class="page-head"><h1>Alerts</h1></div>
      ${alertsTabs('history')}
      <div class="section-head">
        <p class="muted" data-testid="history-range">
          ${r.to ? `${stamp(r.from, this.zone)} – ${stamp(r.to, this.zone)}` : ''}
        </p>
        <span class="row presets" role="group" aria-label="Range">
          ${(Object.keys(PRESETS) as Preset[]).map(
            (p) => html`<button
              type="button"
              class="secondary small"
              aria-pressed=${!fixed && this.preset === p ? 'true' : 'false'}
              @click=${() => this.#setPreset(p)}
            >
              Last ${p}
            </button>`,
          )}
        </span>
      </div>
      ${this.error ? html`<p class="error" role="alert" data-testid="history-error">${this.error}</p>` : null}
      <div class="cards">
        ${this.#card('MTTA', 'Time to acknowledge', 'mtta', this.stats?.mtta)}
        ${this.#card('MTTR', 'Time to resolve', 'mttr', this.stats?.mttr)}
      </div>
      <section class="card" aria-labelledby="noisy-h">
        <h2 id="noisy-h">Noisiest rules</h2>
        ${
          this.noisiest && this.noisiest.items.length === 0
            ? html`<p class="muted">No alert fired in this range.</p>`
            : html`<unity-bar-list
              data-testid="noisiest"
              label="Firings per rule"
              .items=${(this.noisiest?.items ?? []).map((n) => ({
                label: n.ruleName,
                value: n.firings,
                detail: `firing${n.firings === 1 ? '' : 's'} · ${n.instances} instance${n.instances === 1 ? '' : 's'}`,
              }))}
            ></unity-bar-list>`
        }
      </section>
      <section class="card" aria-labelledby="heat-h">
        <div class="section-head">
          <h2 id="heat-h">When alerts fire</h2>
          <label
            >Time zone
            <select data-testid="heatmap-tz" @change=${this.#setZone}>
              ${zones().map((z) => html`<option value=${z} ?selected=${z === this.zone}>${z}</option>`)}
            </select></label
          >
        </div>
        <unity-alert-heatmap .data=${this.heatmap}></unity-alert-heatmap>
        <p class="muted">${this.heatmap ? `${this.heatmap.total} firings; busiest hour ${this.heatmap.max}.` : ''}</p>
      </section>
      <section class="card" aria-labelledby="timeline-h">
        <div class="section-head">
          <h2 id="timeline-h">Timeline</h2>
          <span class="row">
            <a class="button secondary small" data-testid="export-csv" download href=${alertHistoryApi.exportUrl(r, this.filter, 'csv')}
              >Export CSV</a
            >
            <a class="button secondary small" data-testid="export-json" download href=${alertHistoryApi.exportUrl(r, this.filter, 'json')}
              >Export JSON</a
            >
          </span>
        </div>
        ${this.#filters()} ${this.#timeline()}
      </section>`;
  }

  #card(title: string, what: string, id: string, s: DurationStats | undefined) {
    return html`<section class="card" data-testid=${id} aria-label=${title}>
      <h2>${title} <span class="muted">· ${what}</span></h2>
      <dl>
        <div><dt>Mean</dt><dd data-testid="${id}-mean">${ms(s?.meanMs ?? null)}</dd></div>
        <div><dt>Median</dt><dd data-testid="${id}-median">${ms(s?.medianMs ?? null)}</dd></div>
        <div><dt>p90</dt><dd data-testid="${id}-p90">${ms(s?.p90Ms ?? null)}</dd></div>
      </dl>
      <p class="muted" data-testid="${id}-count">
        ${s ? `${s.count} of ${this.stats?.episodes ?? 0} firings${id === 'mttr' && this.stats?.open ? `, ${this.stats.open} still open` : ''}` : ''}
      </p>
    </section>`;
  }

  #filters() {
    return html`<form class="row filters" @submit=${this.#applyFilters} data-testid="history-filters">
      <label
        >Rule
        <select name="ruleId">
          <option value="">Any rule</option>
          ${(this.noisiest?.items ?? []).map(
            (n) =>
              html`<option value=${n.ruleId} ?selected=${this.filter.ruleId === n.ruleId}>${n.ruleName}</option>`,
          )}
        </select></label
      >
      <label
        >Changed to
        <select name="state">
          <option value="">Any state</option>
          ${STATES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select></label
      >
      <label>Labels <input name="labels" placeholder="host=web-1,container=db" .value=${this.filter.labels ?? ''} /></label>
      <button type="submit" class="secondary">Filter</button>
    </form>`;
  }

  #timeline() {
    const items = this.items;
    if (items === null) return html`<p class="muted">Loading…</p>`;
    if (items.length === 0)
      return html`<p class="muted" data-testid="timeline-empty">No state changes match.</p>`;
    return html`<div class="table-wrap">
        <table data-testid="timeline">
          <thead>
            <tr>
              <th>Time (${this.zone})</th>
              <th>Rule</th>
              <th>Change</th>
              <th class="num">Value</th>
              <th>Labels</th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (h) => html`<tr data-testid="history-row" data-id=${h.id}>
                <td>${stamp(h.at, this.zone)}</td>
                <td>${h.ruleName}</td>
                <td>
                  <unity-badge tone=${TONE[h.from]}>${h.from}</unity-badge> →
                  <unity-badge tone=${TONE[h.to]} data-testid="to-state">${h.to}</unity-badge>
                </td>
                <td class="num">${h.value === null ? '—' : Number.isInteger(h.value) ? String(h.value) : formatNumber(h.value)}</td>
                <td>${labelChips(h.labels)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        this.nextCursor
          ? html`<p><button type="button" class="secondary" data-testid="older" @click=${() => this.#loadTimeline(true)}>Show older</button></p>`
          : null
      }`;
  }
}

customElements.define('unity-alert-history', UnityAlertHistory);

declare global {
  interface HTMLElementTagNameMap {
    'unity-alert-history': UnityAlertHistory;
  }
}
