/**
 * The Containers page: every container of every host, grouped by Compose stack, with filters
 * (host, state, label, name) and a sort by name, CPU or memory. Filters live in the URL query,
 * so a filtered view can be bookmarked and survives a reload.
 * @module
 */
import { type Container, ContainerStateSchema, type Host, systemdUnitOf } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { inventoryApi } from '../api/inventory-client.js';
import { LiveRefresh } from '../api/live-controller.js';
import {
  type ContainerFilter,
  type ContainerSort,
  filterContainers,
  groupByStack,
  sortContainers,
} from '../container-groups.js';
import { formatBytes, formatPercent } from '../format.js';
import { filterBar } from './filter-styles.js';
import { containerTone } from './state-tone.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

const SORTS: Record<ContainerSort, string> = { name: 'Name', cpu: 'CPU', memory: 'Memory' };

export class UnityContainers extends LitElement {
  static override properties = {
    containers: { state: true },
    hosts: { state: true },
    error: { state: true },
    filter: { state: true },
    sort: { state: true },
  };
  declare containers: Container[] | null;
  declare hosts: Host[];
  declare error: string;
  declare filter: ContainerFilter;
  declare sort: ContainerSort;

  constructor() {
    super();
    this.containers = null;
    this.hosts = [];
    this.error = '';
    const q = new URLSearchParams(location.search);
    const pick = (k: string) => q.get(k) ?? undefined;
    this.filter = {
      ...(pick('host') ? { host: pick('host') } : {}),
      ...(pick('state') ? { state: pick('state') } : {}),
      ...(pick('label') ? { label: pick('label') } : {}),
      ...(pick('name') ? { name: pick('name') } : {}),
    };
    const sort = q.get('sort');
    this.sort = sort === 'cpu' || sort === 'memory' ? sort : 'name';
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
    filterBar,
    css`
      .group {
        margin-bottom: var(--u-space-4);
      }
      .group h2 {
        display: flex;
        gap: var(--u-space-2);
        align-items: center;
        font-size: var(--u-text-lg);
        margin: 0 0 var(--u-space-2);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    const [containers, hosts] = await Promise.all([inventoryApi.allContainers(), api.hosts()]);
    if (hosts.ok) this.hosts = hosts.value.items;
    if (containers.ok) {
      this.containers = containers.value.items;
      this.error = '';
    } else if (containers.error.status !== 401) {
      this.error = containers.error.message;
    }
  }

  #onInput(e: Event): void {
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const value = (k: string) => String(data.get(k) ?? '').trim();
    this.filter = Object.fromEntries(
      ['host', 'state', 'label', 'name'].map((k) => [k, value(k)]).filter(([, v]) => v !== ''),
    ) as ContainerFilter;
    const sort = value('sort');
    this.sort = sort === 'cpu' || sort === 'memory' ? sort : 'name';
    const q = new URLSearchParams(this.filter as Record<string, string>);
    if (this.sort !== 'name') q.set('sort', this.sort);
    const search = q.toString();
    history.replaceState(null, '', `/containers${search ? `?${search}` : ''}`);
  }

  override render() {
    const hostName = new Map(this.hosts.map((h) => [h.id, h.name]));
    const f = this.filter;
    return html`<div class="page-head"><h1>Containers</h1></div>
      <form class="filters" @input=${this.#onInput} @submit=${(e: Event) => e.preventDefault()}>
        <label>Host
          <select name="host">
            <option value="">All hosts</option>
            ${this.hosts.map((h) => html`<option value=${h.id} ?selected=${f.host === h.id}>${h.name}</option>`)}
          </select>
        </label>
        <label>State
          <select name="state">
            <option value="">Any state</option>
            ${ContainerStateSchema.options.map((s) => html`<option ?selected=${f.state === s}>${s}</option>`)}
          </select>
        </label>
        <label>Label <input name="label" placeholder="key or key=value" .value=${f.label ?? ''} /></label>
        <label>Name <input name="name" type="search" .value=${f.name ?? ''} /></label>
        <label>Sort by
          <select name="sort" data-testid="sort">
            ${Object.entries(SORTS).map(([k, v]) => html`<option value=${k} ?selected=${this.sort === k}>${v}</option>`)}
          </select>
        </label>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${this.#groups(hostName)}`;
  }

  #groups(hostName: Map<string, string>) {
    if (this.containers === null) return this.error ? null : html`<p class="muted">Loading containers…</p>`;
    const groups = groupByStack(sortContainers(filterContainers(this.containers, this.filter), this.sort));
    if (groups.length === 0)
      return html`<p class="muted" data-testid="no-containers">No containers match.</p>`;
    return groups.map(
      (g) => html`<section class="card group" data-testid="stack-group" data-stack=${g.stack ?? ''}>
        <h2>
          ${g.stack ? html`<span>${g.stack}</span><unity-badge tone="neutral">stack</unity-badge>` : html`<span>Not in a stack</span>`}
          ${g.hostId ? html`<span class="muted">on ${hostName.get(g.hostId) ?? 'unknown host'}</span>` : null}
          <span class="muted" data-testid="stack-count">${g.running} of ${g.containers.length} running</span>
        </h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                ${g.stack ? html`<th scope="col">Service</th>` : html`<th scope="col">Host</th>`}
                <th scope="col">State</th>
                <th scope="col">Engine</th>
                <th scope="col" class="num">CPU</th>
                <th scope="col" class="num">Memory</th>
              </tr>
            </thead>
            <tbody>
              ${g.containers.map((c) => {
                const unit = systemdUnitOf(c.labels);
                return html`<tr data-testid="container-row" data-container-name=${c.name}>
                  <td>
                    <a href="/containers/${encodeURIComponent(c.id)}">${c.name}</a>
                    ${unit ? html`<unity-badge tone="neutral" title="Managed by systemd">${unit}</unity-badge>` : null}
                  </td>
                  <td>${g.stack ? (c.composeService ?? '—') : (hostName.get(c.hostId) ?? '—')}</td>
                  <td><unity-badge tone=${containerTone(c.state)}>${c.state}</unity-badge></td>
                  <td>${c.engineKind}</td>
                  <td class="num" data-testid="cpu">${formatPercent(c.cpuPercent)}</td>
                  <td class="num" data-testid="memory">${formatBytes(c.memoryBytes)}</td>
                </tr>`;
              })}
            </tbody>
          </table>
        </div>
      </section>`,
    );
  }
}

customElements.define('unity-containers', UnityContainers);

declare global {
  interface HTMLElementTagNameMap {
    'unity-containers': UnityContainers;
  }
}
