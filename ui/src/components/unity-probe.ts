/**
 * One probe's page (`/probes/:id`): its state per location, uptime over 24 h / 7 d / 30 d /
 * 90 d, latency percentiles, the certificate countdown, a latency chart of the last 24 hours and
 * the latest results, and its badges.
 * @module
 */
import type { ProbeResult, ProbeUptime } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { type ProbeWithStatus, probesApi, probeTarget } from '../api/probes-client.js';
import { KIND_LABELS } from './probe-form-fields.js';
import { formatMs, formatPercent, stateTone } from './probe-state.js';
import { base, surfaces } from './styles.js';
import './unity-badge.js';
import './unity-chart.js';
import './unity-probe-badges.js';
import './unity-probe-series.js';

export class UnityProbe extends LitElement {
  static override properties = {
    probeId: { attribute: 'probe-id' },
    probe: { state: true },
    uptime: { state: true },
    results: { state: true },
    error: { state: true },
  };
  declare probeId: string;
  declare probe: ProbeWithStatus | null;
  declare uptime: ProbeUptime | null;
  /** Newest first. */
  declare results: ProbeResult[];
  declare error: string;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.probeId = '';
    this.probe = null;
    this.uptime = null;
    this.results = [];
    this.error = '';
  }

  static override styles = [
    base,
    surfaces,
    css`
      .stats {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
        gap: var(--u-space-3);
        margin: var(--u-space-4) 0;
      }
      .stat {
        padding: var(--u-space-3);
      }
      .stat strong {
        display: block;
        font-size: var(--u-text-lg);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
    this.#timer = setInterval(() => void this.#load(), 15_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async #load(): Promise<void> {
    const [probe, uptime, results] = await Promise.all([
      probesApi.get(this.probeId),
      probesApi.uptime(this.probeId),
      probesApi.results(this.probeId, { from: Date.now() - 86_400_000, limit: 2000 }),
    ]);
    if (!probe.ok) {
      this.error = probe.error.message;
      return;
    }
    this.error = '';
    this.probe = probe.value;
    this.uptime = uptime.ok ? uptime.value : null;
    this.results = results.ok ? results.value : [];
  }

  override render() {
    if (this.error) return html`<p class="error" role="alert">${this.error}</p>`;
    const p = this.probe;
    if (!p) return html`<p class="muted">Loading…</p>`;
    const u = this.uptime;
    const chrono = [...this.results].reverse();
    const stat = (label: string, value: string, testid: string) =>
      html`<div class="stat card"><span class="muted">${label}</span><strong data-testid=${testid}>${value}</strong></div>`;
    return html`<div class="page-head">
        <h1>${p.name}</h1>
        <unity-badge data-testid="probe-state" tone=${stateTone(p.status.state)}>${p.status.state}</unity-badge>
      </div>
      <p class="muted">${KIND_LABELS[p.kind]} · <span class="mono">${probeTarget(p)}</span> · every ${p.intervalSeconds} s</p>
      <div class="stats">
        ${(['24h', '7d', '30d', '90d'] as const).map((k) => stat(`Uptime ${k}`, formatPercent(u?.periods[k].uptimePercent), `uptime-${k}`))}
        ${stat('p50', formatMs(u?.latency.p50), 'p50')} ${stat('p95', formatMs(u?.latency.p95), 'p95')}
        ${stat('p99', formatMs(u?.latency.p99), 'p99')}
        ${
          u?.certificateDaysLeft !== null && u?.certificateDaysLeft !== undefined
            ? stat('Certificate', `${u.certificateDaysLeft} days left`, 'cert-days')
            : null
        }
      </div>
      <h2>Latency, last 24 hours</h2>
      <unity-chart
        label="Latency of ${p.name} over the last 24 hours"
        .times=${chrono.map((r) => Date.parse(r.time))}
        .series=${[{ label: 'Latency', color: 'chart-1', values: chrono.map((r) => (r.ok ? r.latencyMs : null)) }]}
        .format=${(v: number) => `${Math.round(v)} ms`}
        .span=${{ from: Date.now() - 86_400_000, to: Date.now() }}
        height="180"
      ></unity-chart>
      ${p.kind === 'prometheus' ? html`<unity-probe-series probe-id=${p.id} .latest=${this.results[0]}></unity-probe-series>` : null}
      <unity-probe-badges probe-id=${p.id} probe-name=${p.name} ?public=${p.public ?? false}></unity-probe-badges>
      <h2>Latest results</h2>
      ${
        this.results.length === 0
          ? html`<p class="muted" data-testid="no-results">No results yet: the first run comes within one interval.</p>`
          : html`<div class="table-wrap">
            <table data-testid="results">
              <thead>
                <tr><th>Time</th><th>Result</th><th class="num">Latency</th><th>Status</th><th>Error</th></tr>
              </thead>
              <tbody>
                ${this.results.slice(0, 50).map(
                  (r) => html`<tr data-testid="result">
                    <td>${new Date(r.time).toLocaleString()}</td>
                    <td><unity-badge tone=${r.maintenance ? 'warn' : r.ok ? 'ok' : 'bad'}>${r.maintenance ? 'maintenance' : r.ok ? 'up' : 'down'}</unity-badge></td>
                    <td class="num">${formatMs(r.latencyMs)}</td>
                    <td>${r.status ?? ''}</td>
                    <td>${r.error ?? ''}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
      }`;
  }
}

customElements.define('unity-probe', UnityProbe);

declare global {
  interface HTMLElementTagNameMap {
    'unity-probe': UnityProbe;
  }
}
