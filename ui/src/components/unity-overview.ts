/**
 * The overview: one card per host with its state and latest numbers, updated live.
 * @module
 */
import type { Host, HubStatus } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { LiveRefresh } from '../api/live-controller.js';
import { formatBytes, formatNumber, formatPercent, formatRelative, ratioPercent } from '../format.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';
import './unity-meter.js';

export class UnityOverview extends LitElement {
  static override properties = {
    hosts: { state: true },
    error: { state: true },
    now: { state: true },
    warnings: { state: true },
  };
  /** null until the first answer. */
  declare hosts: Host[] | null;
  declare error: string;
  declare now: number;
  /** From /api/status, e.g. PGlite carrying more than a homelab load. */
  declare warnings: HubStatus['warnings'];

  #clock: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.hosts = null;
    this.error = '';
    this.warnings = [];
    this.now = Date.now();
    new LiveRefresh(
      this,
      () => ['hosts'],
      () => void this.load(),
    );
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .warning {
        color: var(--u-warn);
        background: var(--u-warn-bg);
        border-radius: var(--u-radius-sm);
        padding: var(--u-space-2) var(--u-space-3);
        margin: 0 0 var(--u-space-3);
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 300px), 1fr));
        gap: var(--u-space-4);
      }
      .host {
        min-width: 0;
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: var(--u-space-3);
      }
      .host.offline {
        opacity: 0.85;
      }
      .top {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: var(--u-space-2);
      }
      .name {
        min-width: 0;
        font-size: var(--u-text-lg);
        font-weight: 700;
        text-decoration: none;
        color: var(--u-text);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .name:hover {
        text-decoration: underline;
      }
      .stats {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: var(--u-space-3);
        margin: 0;
      }
      .stats dt {
        font-size: var(--u-text-sm);
        color: var(--u-text-muted);
      }
      .stats dd {
        margin: 0;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      .wide {
        grid-column: 1 / -1;
      }
      .wide dd {
        display: grid;
        gap: var(--u-space-1);
      }
      .foot {
        font-size: var(--u-text-sm);
        color: var(--u-text-muted);
        display: flex;
        justify-content: space-between;
        gap: var(--u-space-2);
        flex-wrap: wrap;
      }
      .empty {
        text-align: center;
        padding: var(--u-space-6) var(--u-space-4);
      }
      .empty p {
        margin: 0 0 var(--u-space-4);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    // "Last seen" is relative: re-render now and then even without news.
    this.#clock = setInterval(() => {
      this.now = Date.now();
    }, 15_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
  }

  async load(): Promise<void> {
    void api.status().then((status) => {
      if (status.ok) this.warnings = status.value.warnings;
    });
    const res = await api.hosts();
    this.now = Date.now();
    if (res.ok) {
      this.hosts = [...res.value.items].sort((a, b) => a.name.localeCompare(b.name));
      this.error = '';
    } else if (res.error.status !== 401) {
      this.error = res.error.message;
    }
  }

  override render() {
    const online = this.hosts?.filter((h) => h.online).length ?? 0;
    return html`<div class="page-head">
        <h1>Hosts</h1>
        ${this.hosts?.length ? html`<span class="muted">${online} of ${this.hosts.length} online</span>` : null}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${this.warnings.map((w) => html`<p class="warning" role="status" data-testid="hub-warning">${w.message}</p>`)}
      ${this.#body()}`;
  }

  #body() {
    if (this.hosts === null) return this.error ? null : html`<p class="muted">Loading hosts…</p>`;
    if (this.hosts.length === 0) {
      return html`<div class="card empty" data-testid="empty-hosts">
        <h2>No hosts yet</h2>
        <p class="muted">Install the agent on a server and it will appear here within seconds.</p>
        <a class="button" href="/add-host">Add host</a>
      </div>`;
    }
    return html`<div class="grid">${this.hosts.map((h) => this.#card(h))}</div>`;
  }

  #card(h: Host) {
    const memPct = ratioPercent(h.memoryUsedBytes, h.memoryTotalBytes);
    return html`<article
      class="card host ${h.online ? 'online' : 'offline'}"
      data-testid="host-row"
      data-host-id=${h.id}
      aria-label=${h.name}
    >
      <div class="top">
        <a class="name" href="/hosts/${encodeURIComponent(h.id)}">${h.name}</a>
        <unity-badge tone=${h.online ? 'ok' : 'bad'} data-testid="host-status">${h.online ? 'Online' : 'Offline'}</unity-badge>
      </div>
      <dl class="stats">
        <div>
          <dt>CPU</dt>
          <dd data-testid="cpu">${formatPercent(h.cpuPercent)}</dd>
        </div>
        <div>
          <dt>Load (1 min)</dt>
          <dd>${formatNumber(h.load1)}</dd>
        </div>
        <div class="wide">
          <dt>Memory</dt>
          <dd data-testid="memory">
            <span>${formatBytes(h.memoryUsedBytes)} / ${formatBytes(h.memoryTotalBytes)}</span>
            <unity-meter .value=${memPct} label="Memory used on ${h.name}"></unity-meter>
          </dd>
        </div>
        <div>
          <dt>Containers</dt>
          <dd data-testid="containers">${h.containersRunning} running / ${h.containersTotal}</dd>
        </div>
        <div>
          <dt>CPUs</dt>
          <dd>${h.cpus || '—'}</dd>
        </div>
      </dl>
      <div class="foot">
        <span>${h.os || 'Unknown OS'} · ${h.arch}</span>
        <span title=${h.lastSeenAt ? new Date(h.lastSeenAt).toLocaleString() : ''}>
          Last seen ${formatRelative(h.lastSeenAt, this.now)}
        </span>
      </div>
    </article>`;
  }
}

customElements.define('unity-overview', UnityOverview);

declare global {
  interface HTMLElementTagNameMap {
    'unity-overview': UnityOverview;
  }
}
