/**
 * One host: its facts, CPU and memory charts over a chosen range, and its containers, all
 * refreshed live when the hub reports news for this host.
 * @module
 */
import type { Container, Host, HostPoint } from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { api } from '../api/client.js';
import { LiveRefresh } from '../api/live-controller.js';
import {
  formatBytes,
  formatDuration,
  formatNumber,
  formatPercent,
  formatRate,
  formatRelative,
  MISSING,
} from '../format.js';
import { healthBadge } from './health-tone.js';
import { SeriesController } from './series-controller.js';
import { containerTone } from './state-tone.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';
import './unity-speed-test.js';
import { usageCharts } from './usage-charts.js';

export class UnityHost extends LitElement {
  static override properties = {
    hostId: { attribute: 'host-id' },
    host: { state: true },
    containers: { state: true },
    error: { state: true },
    notFound: { state: true },
  };
  declare hostId: string;
  declare host: Host | null;
  declare containers: Container[] | null;
  declare error: string;
  declare notFound: boolean;

  #live: LiveRefresh;
  readonly #series = new SeriesController<HostPoint>(this, (span) => api.hostMetrics(this.hostId, span));

  constructor() {
    super();
    this.hostId = '';
    this.host = null;
    this.containers = null;
    this.error = '';
    this.notFound = false;
    this.#live = new LiveRefresh(
      this,
      () => (this.hostId ? [`host:${this.hostId}`] : []),
      () => void this.load(),
    );
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      td.name a {
        font-weight: 600;
      }
      td.image {
        max-width: 22rem;
        overflow: hidden;
        text-overflow: ellipsis;
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('hostId') && this.hostId) {
      this.host = null;
      this.containers = null;
      this.#series.reset();
      this.notFound = false;
      this.error = '';
      this.#live.sync();
      void this.load();
    }
  }

  /** Everything on the page: facts, containers and the chart window. */
  async load(): Promise<void> {
    const id = this.hostId;
    const [host, containers] = await Promise.all([api.host(id), api.containers(id), this.#series.load()]);
    if (id !== this.hostId) return;
    if (!host.ok) {
      if (host.error.status === 404) this.notFound = true;
      else if (host.error.status !== 401) this.error = host.error.message;
      return;
    }
    this.host = host.value;
    this.error = '';
    document.title = `${host.value.name} · Unity`;
    if (containers.ok) this.containers = sortContainers(containers.value.items);
    else if (containers.error.status !== 401) this.error = containers.error.message;
  }

  override render() {
    if (this.notFound) {
      return html`<h1>Host not found</h1>
        <p>It may have been removed. <a href="/">Back to the overview</a></p>`;
    }
    const h = this.host;
    return html`<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Hosts</a> / ${h?.name ?? '…'}</nav>
      <div class="page-head">
        <h1>${h?.name ?? 'Loading…'}</h1>
        ${h ? html`<unity-badge tone=${h.online ? 'ok' : 'bad'} data-testid="host-status">${h.online ? 'Online' : 'Offline'}</unity-badge>` : null}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${h ? this.#facts(h) : null} ${this.#charts(h)} ${this.#containers()}
      <unity-speed-test host-id=${this.hostId}></unity-speed-test>`;
  }

  #facts(h: Host) {
    const fact = (label: string, value: unknown, testid?: string) =>
      html`<div><dt>${label}</dt><dd data-testid=${ifDefined(testid)}>${value}</dd></div>`;
    return html`<dl class="facts">
      ${fact('CPU', formatPercent(h.cpuPercent), 'cpu')}
      ${fact('Memory', `${formatBytes(h.memoryUsedBytes)} / ${formatBytes(h.memoryTotalBytes)}`, 'memory')}
      ${fact('Load (1 min)', formatNumber(h.load1))}
      ${fact('Containers', `${h.containersRunning} running / ${h.containersTotal}`)}
      ${fact('Uptime', formatDuration(h.uptimeSec))} ${fact('Last seen', formatRelative(h.lastSeenAt))}
      ${fact('OS', h.os || MISSING)} ${fact('Kernel', h.kernel || MISSING)}
      ${fact('Architecture', `${h.arch} · ${h.cpus} CPUs`)} ${fact('Agent', h.agentVersion ?? MISSING)}
    </dl>`;
  }

  #charts(h: Host | null) {
    return usageCharts(this.#series, [
      {
        title: 'CPU',
        label: 'CPU usage',
        series: [
          {
            label: 'Average',
            color: 'chart-1',
            values: this.#series.column('cpuPercent'),
            band: { min: this.#series.column('cpuPercentMin'), max: this.#series.column('cpuPercentMax') },
          },
        ],
        format: formatPercent,
        yMax: 100,
      },
      {
        title: 'Memory',
        label: 'Memory used',
        series: [
          {
            label: 'Used',
            color: 'chart-3',
            values: this.#series.column('memoryUsedBytes'),
            band: {
              min: this.#series.column('memoryUsedBytesMin'),
              max: this.#series.column('memoryUsedBytesMax'),
            },
          },
        ],
        format: formatBytes,
        binary: true,
        yMax: h?.memoryTotalBytes || undefined,
      },
      {
        title: 'Network',
        label: 'Network traffic',
        series: [
          { label: 'Received', color: 'chart-1', values: this.#series.column('netRxBytesPerSec') },
          { label: 'Sent', color: 'chart-2', values: this.#series.column('netTxBytesPerSec') },
        ],
        format: formatRate,
        binary: true,
      },
    ]);
  }

  #containers() {
    const list = this.containers;
    return html`<section aria-labelledby="containers-title">
      <div class="section-head"><h2 id="containers-title">Containers</h2></div>
      ${
        list === null
          ? html`<p class="muted">Loading containers…</p>`
          : list.length === 0
            ? html`<p class="muted" data-testid="no-containers">No containers reported on this host.</p>`
            : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">State</th>
                    <th scope="col">Image</th>
                    <th scope="col">Project</th>
                    <th scope="col" class="num">CPU</th>
                    <th scope="col" class="num">Memory</th>
                  </tr>
                </thead>
                <tbody>
                  ${list.map(
                    (
                      c,
                    ) => html`<tr data-testid="container-row" data-container-name=${c.name} data-container-id=${c.id}>
                      <td class="name"><a href="/containers/${encodeURIComponent(c.id)}">${c.name}</a></td>
                      <td><unity-badge tone=${containerTone(c.state)} data-testid="state">${c.state}</unity-badge>${healthBadge(c.health)}</td>
                      <td class="image mono" title=${c.image}>${c.image}</td>
                      <td>${c.composeProject ?? MISSING}</td>
                      <td class="num" data-testid="cpu">${formatPercent(c.cpuPercent)}</td>
                      <td class="num" data-testid="memory">${formatBytes(c.memoryBytes)}${c.memoryLimitBytes ? html`<span class="muted"> / ${formatBytes(c.memoryLimitBytes)}</span>` : null}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
    </section>`;
  }
}

/** Running first, then by name: what is alive matters most. */
function sortContainers(items: Container[]): Container[] {
  return [...items].sort(
    (a, b) => Number(b.state === 'running') - Number(a.state === 'running') || a.name.localeCompare(b.name),
  );
}

customElements.define('unity-host', UnityHost);

declare global {
  interface HTMLElementTagNameMap {
    'unity-host': UnityHost;
  }
}
