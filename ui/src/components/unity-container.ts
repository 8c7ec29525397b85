/**
 * One container: facts, labels, ports, and CPU, memory and network charts, refreshed live with
 * its host's updates.
 * @module
 */
import type { Container, ContainerPoint, Host, PortMapping } from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { api } from '../api/client.js';
import { LiveRefresh } from '../api/live-controller.js';
import { formatBytes, formatPercent, formatRate, formatRelative, MISSING } from '../format.js';
import { SeriesController } from './series-controller.js';
import { containerTone } from './state-tone.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';
import './unity-container-events.js';
import './unity-container-health.js';
import './unity-log-viewer.js';
import './unity-container-actions.js';
import './unity-image-scan.js';
import { usageCharts } from './usage-charts.js';

export class UnityContainer extends LitElement {
  static override properties = {
    containerId: { attribute: 'container-id' },
    container: { state: true },
    host: { state: true },
    error: { state: true },
    notFound: { state: true },
  };
  declare containerId: string;
  declare container: Container | null;
  declare host: Host | null;
  declare error: string;
  declare notFound: boolean;

  #live: LiveRefresh;
  readonly #series = new SeriesController<ContainerPoint>(this, (span) =>
    api.containerStats(this.containerId, span),
  );

  constructor() {
    super();
    this.containerId = '';
    this.container = null;
    this.host = null;
    this.error = '';
    this.notFound = false;
    // The hub reports news per host; the topic is known once the container has loaded.
    this.#live = new LiveRefresh(
      this,
      () => (this.container ? [`host:${this.container.hostId}`] : []),
      () => void this.load(),
    );
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .split {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr));
        gap: var(--u-space-4);
      }
      td.value {
        white-space: normal;
        overflow-wrap: anywhere;
      }
      ul.ports {
        margin: 0;
        padding: 0;
        list-style: none;
        display: grid;
        gap: var(--u-space-1);
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('containerId') && this.containerId) {
      this.container = null;
      this.host = null;
      this.#series.reset();
      this.notFound = false;
      this.error = '';
      void this.load();
    }
  }

  async load(): Promise<void> {
    const id = this.containerId;
    const [res] = await Promise.all([api.container(id), this.#series.load()]);
    if (id !== this.containerId) return;
    if (!res.ok) {
      if (res.error.status === 404) this.notFound = true;
      else if (res.error.status !== 401) this.error = res.error.message;
      return;
    }
    this.container = res.value;
    this.error = '';
    document.title = `${res.value.name} · Unity`;
    this.#live.sync();
    if (this.host?.id !== res.value.hostId || !this.host) {
      const host = await api.host(res.value.hostId);
      if (host.ok && id === this.containerId) this.host = host.value;
    }
  }

  override render() {
    if (this.notFound) {
      return html`<h1>Container not found</h1>
        <p>It may have been removed. <a href="/">Back to the overview</a></p>`;
    }
    const c = this.container;
    return html`<nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Hosts</a> /
        ${c ? html`<a href="/hosts/${encodeURIComponent(c.hostId)}">${this.host?.name ?? 'Host'}</a> /` : null}
        ${c?.name ?? '…'}
      </nav>
      <div class="page-head">
        <h1>${c?.name ?? 'Loading…'}</h1>
        ${c ? html`<unity-badge tone=${containerTone(c.state)} data-testid="state">${c.state}</unity-badge>` : null}
      </div>
      <unity-container-actions .container=${c} @container-changed=${() => void this.load()}></unity-container-actions>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${c ? this.#facts(c) : null} ${this.#charts()}
      ${c ? html`<unity-log-viewer .container=${c}></unity-log-viewer>` : null} ${c ? this.#details(c) : null}
      ${c ? html`<unity-container-health container-id=${c.id} host-id=${c.hostId}></unity-container-health><unity-container-events container-id=${c.id}></unity-container-events>` : null}
      ${c ? html`<unity-image-scan container-id=${c.id}></unity-image-scan>` : null}`;
  }

  #facts(c: Container) {
    const fact = (label: string, value: unknown) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
    const mem = html`${formatBytes(c.memoryBytes)}${c.memoryLimitBytes ? ` / ${formatBytes(c.memoryLimitBytes)}` : ''}`;
    return html`<dl class="facts">
      <div><dt>CPU</dt><dd data-testid="cpu">${formatPercent(c.cpuPercent)}</dd></div>
      <div><dt>Memory</dt><dd data-testid="memory">${mem}</dd></div>
      ${fact('Status', c.status || MISSING)} ${fact('Image', html`<span class="mono">${c.image}</span>`)}
      ${fact('Compose', c.composeProject ? `${c.composeProject}${c.composeService ? ` / ${c.composeService}` : ''}` : MISSING)}
      ${fact('Engine', c.engineKind)} ${fact('Created', formatRelative(c.createdAt))}
      ${fact('ID', html`<span class="mono" title=${c.containerId}>${c.containerId.slice(0, 12)}</span>`)}
    </dl>`;
  }

  #charts() {
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
      },
      {
        title: 'Memory',
        label: 'Memory used',
        series: [
          {
            label: 'Average',
            color: 'chart-3',
            values: this.#series.column('memoryBytes'),
            band: { min: this.#series.column('memoryBytesMin'), max: this.#series.column('memoryBytesMax') },
          },
        ],
        format: formatBytes,
        binary: true,
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

  #details(c: Container) {
    const labels = Object.entries(c.labels).sort(([a], [b]) => a.localeCompare(b));
    return html`<div class="split">
      <section aria-labelledby="ports-title">
        <h2 id="ports-title">Ports</h2>
        ${
          c.ports.length === 0
            ? html`<p class="muted">No published ports.</p>`
            : html`<ul class="ports mono" data-testid="ports">
              ${c.ports.map((p) => html`<li>${portText(p)}</li>`)}
            </ul>`
        }
      </section>
      <section aria-labelledby="labels-title">
        <h2 id="labels-title">Labels</h2>
        ${
          labels.length === 0
            ? html`<p class="muted">No labels.</p>`
            : html`<div class="table-wrap">
              <table data-testid="labels">
                <thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
                <tbody>
                  ${labels.map(([k, v]) => html`<tr><td class="mono">${k}</td><td class="mono value">${v}</td></tr>`)}
                </tbody>
              </table>
            </div>`
        }
      </section>
    </div>`;
  }
}

/** "0.0.0.0:8080 → 80/tcp", or "80/tcp" when not published. */
function portText(p: PortMapping): string {
  const inner = `${p.privatePort}/${p.protocol}`;
  if (p.publicPort === undefined) return inner;
  const ip = !p.ip ? '' : p.ip.includes(':') ? `[${p.ip}]:` : `${p.ip}:`;
  return `${ip}${p.publicPort} → ${inner}`;
}

customElements.define('unity-container', UnityContainer);

declare global {
  interface HTMLElementTagNameMap {
    'unity-container': UnityContainer;
  }
}
