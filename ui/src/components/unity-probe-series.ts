/**
 * A Prometheus scrape probe's series on its page: what the last scrape kept and dropped, then
 * each stored series (name and its own labels; the job/instance labels the hub adds are the
 * same for all) with its latest value and a sparkline of the last hour. The series are in the
 * generic series API, so the same numbers chart in Grafana or export as CSV.
 * @module
 */
import type { ProbeResult } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { probesApi, type ScrapedSeries, type SeriesPoint } from '../api/probes-client.js';
import { base, surfaces } from './styles.js';
import './unity-sparkline.js';

/** Charted at most: one request each. */
const MAX_CHARTED = 30;
const HIDDEN_LABELS = new Set(['job', 'instance', 'probe_id', 'host_id']);

export class UnityProbeSeries extends LitElement {
  static override properties = {
    probeId: { attribute: 'probe-id' },
    latest: { attribute: false },
    series: { state: true },
    points: { state: true },
  };
  declare probeId: string;
  /** The newest result, whose details say how many series the scrape kept and dropped. */
  declare latest: ProbeResult | undefined;
  declare series: ScrapedSeries[];
  declare points: Map<number, SeriesPoint[]>;

  constructor() {
    super();
    this.probeId = '';
    this.latest = undefined;
    this.series = [];
    this.points = new Map();
  }

  static override styles = [
    base,
    surfaces,
    css`
      .labels {
        font-family: var(--u-font-mono, monospace);
        font-size: 0.85em;
      }
      td.num {
        text-align: right;
      }
    `,
  ];

  #loadedFor = '';

  override updated(): void {
    // Reload once per new result (the page refetches results every 15 s): a scrape may have added series.
    const key = `${this.probeId}@${this.latest?.time ?? ''}`;
    if (key === this.#loadedFor) return;
    this.#loadedFor = key;
    void this.#load();
  }

  async #load(): Promise<void> {
    if (!this.probeId) return;
    const res = await probesApi.series(this.probeId);
    if (!res.ok) return;
    this.series = res.value;
    const to = Date.now();
    const entries = await Promise.all(
      res.value.slice(0, MAX_CHARTED).map(async (s) => {
        const p = await probesApi.seriesPoints(s.id, to - 3_600_000, to, 60);
        return [s.id, p.ok ? p.value.points : []] as const;
      }),
    );
    this.points = new Map(entries);
  }

  override render() {
    const d = (this.latest?.details ?? {}) as Record<string, unknown>;
    const count = (k: string) => (typeof d[k] === 'number' ? String(d[k]) : '–');
    return html`<h2>Scraped series</h2>
      <p data-testid="scrape-summary">
        Last scrape: <strong data-testid="scrape-kept">${count('series')}</strong> series kept,
        <strong data-testid="scrape-dropped">${count('dropped')}</strong> dropped over the cap, of
        ${count('matched')} selected and ${count('parsed')} exposed${typeof d.format === 'string' ? ` (${d.format})` : ''}.
        ${Number(d.nonFinite ?? 0) > 0 ? html`${count('nonFinite')} NaN/Inf values not stored.` : null}
      </p>
      ${
        this.series.length === 0
          ? html`<p class="muted" data-testid="no-series">No series stored yet.</p>`
          : html`<div class="table-wrap">
            <table data-testid="series">
              <thead><tr><th>Series</th><th class="num">Latest</th><th>Last hour</th></tr></thead>
              <tbody>
                ${this.series.slice(0, 500).map((s) => {
                  const points = this.points.get(s.id) ?? [];
                  const own = Object.entries(s.labels).filter(([k]) => !HIDDEN_LABELS.has(k));
                  return html`<tr data-testid="series-row">
                    <td>
                      <span class="mono">${s.name}</span>
                      <span class="labels muted">${own.length ? `{${own.map(([k, v]) => `${k}="${v}"`).join(', ')}}` : ''}</span>
                    </td>
                    <td class="num">${points.length ? String(points.at(-1)?.value) : ''}</td>
                    <td>
                      ${points.length ? html`<unity-sparkline label="${s.name} over the last hour" .values=${points.map((p) => p.value)}></unity-sparkline>` : null}
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`
      }`;
  }
}

customElements.define('unity-probe-series', UnityProbeSeries);

declare global {
  interface HTMLElementTagNameMap {
    'unity-probe-series': UnityProbeSeries;
  }
}
