/**
 * The Images, Volumes, Networks and Pods pages: one table per kind of engine object, with a host
 * filter. Objects nothing uses are marked (an "Unused" or "Orphaned" badge, and a filter to show
 * only those), since they are what a user cleans up.
 * @module
 */
import type { Host, Image, Network, Pod, Volume } from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { api } from '../api/client.js';
import { inventoryApi } from '../api/inventory-client.js';
import { formatBytes } from '../format.js';
import { filterBar } from './filter-styles.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

export type InventoryKind = 'images' | 'volumes' | 'networks' | 'pods';

type Rows =
  | { kind: 'images'; items: Image[] }
  | { kind: 'volumes'; items: Volume[] }
  | { kind: 'networks'; items: Network[] }
  | { kind: 'pods'; items: Pod[] };

const TITLE: Record<InventoryKind, string> = {
  images: 'Images',
  volumes: 'Volumes',
  networks: 'Networks',
  pods: 'Pods',
};
/** The cleanup filter's wording per kind; pods have none. */
const IDLE: Record<InventoryKind, string | null> = {
  images: 'Only unused',
  volumes: 'Only orphaned',
  networks: 'Only unused',
  pods: null,
};

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const when = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : '—');

export class UnityInventory extends LitElement {
  static override properties = {
    kind: { type: String },
    rows: { state: true },
    hosts: { state: true },
    host: { state: true },
    idleOnly: { state: true },
    error: { state: true },
  };
  declare kind: InventoryKind;
  declare rows: Rows | null;
  declare hosts: Host[];
  declare host: string;
  declare idleOnly: boolean;
  declare error: string;

  constructor() {
    super();
    this.kind = 'images';
    this.rows = null;
    this.hosts = [];
    this.host = '';
    this.idleOnly = false;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    filterBar,
    css`
      tr.idle td {
        opacity: 0.8;
      }
      ul.plain {
        margin: 0;
        padding: 0;
        list-style: none;
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('kind')) {
      this.rows = null;
      this.idleOnly = false;
      void this.load();
    }
  }

  async load(): Promise<void> {
    const kind = this.kind;
    const host = this.host || undefined;
    void api.hosts().then((h) => {
      if (h.ok) this.hosts = h.value.items;
    });
    const res = await inventoryApi[kind](host);
    if (kind !== this.kind) return;
    if (res.ok) {
      this.rows = { kind, items: res.value.items } as Rows;
      this.error = '';
    } else if (res.error.status !== 401) {
      this.error = res.error.message;
    }
  }

  #onInput(e: Event): void {
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const host = String(data.get('host') ?? '');
    this.idleOnly = data.get('idle') === 'on';
    if (host !== this.host) {
      this.host = host;
      void this.load();
    }
  }

  override render() {
    const idle = IDLE[this.kind];
    return html`<div class="page-head"><h1>${TITLE[this.kind]}</h1></div>
      <form class="filters" @input=${this.#onInput} @submit=${(e: Event) => e.preventDefault()}>
        <label>Host
          <select name="host">
            <option value="">All hosts</option>
            ${this.hosts.map((h) => html`<option value=${h.id} ?selected=${this.host === h.id}>${h.name}</option>`)}
          </select>
        </label>
        ${idle ? html`<label class="check"><input type="checkbox" name="idle" .checked=${this.idleOnly} />${idle}</label>` : null}
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${this.#table()}`;
  }

  #hostName(id: string): string {
    return this.hosts.find((h) => h.id === id)?.name ?? '—';
  }

  #table() {
    const rows = this.rows;
    if (rows === null) return this.error ? null : html`<p class="muted">Loading…</p>`;
    if (rows.items.length === 0)
      return html`<p class="muted" data-testid="inventory-empty">Nothing reported yet.</p>`;
    switch (rows.kind) {
      case 'images':
        return this.#wrap(
          ['Image', 'Tags', 'Host', 'Engine', 'Size', 'Created', 'Containers'],
          rows.items
            .filter((i) => !this.idleOnly || i.unused)
            .map(
              (
                i,
              ) => html`<tr class=${i.unused ? 'idle' : ''} data-testid="inventory-row" data-name=${i.imageId} data-tags=${i.tags.join(' ')}>
                <td class="mono" title=${i.imageId}>${shortId(i.imageId)}
                  ${i.unused ? html`<unity-badge tone="warn" data-testid="unused">Unused</unity-badge>` : null}
                  ${i.dangling ? html`<unity-badge tone="neutral">Dangling</unity-badge>` : null}</td>
                <td class="mono">${i.tags.join(', ') || '<none>'}</td>
                <td>${this.#hostName(i.hostId)}</td>
                <td>${i.engineKind}</td>
                <td class="num">${formatBytes(i.sizeBytes)}</td>
                <td>${when(i.createdAt)}</td>
                <td class="num">${i.containers.length}</td>
              </tr>`,
            ),
        );
      case 'volumes':
        return this.#wrap(
          ['Volume', 'Host', 'Engine', 'Driver', 'Size', 'Containers', 'Mountpoint'],
          rows.items
            .filter((v) => !this.idleOnly || v.orphaned)
            .map(
              (
                v,
              ) => html`<tr class=${v.orphaned ? 'idle' : ''} data-testid="inventory-row" data-name=${v.name}>
                <td>${v.name}
                  ${v.orphaned ? html`<unity-badge tone="warn" data-testid="orphaned">Orphaned</unity-badge>` : null}</td>
                <td>${this.#hostName(v.hostId)}</td>
                <td>${v.engineKind}</td>
                <td>${v.driver}</td>
                <td class="num">${v.sizeBytes === null ? '—' : formatBytes(v.sizeBytes)}</td>
                <td class="num">${v.containers.length}</td>
                <td class="mono">${v.mountpoint}</td>
              </tr>`,
            ),
        );
      case 'networks':
        return this.#wrap(
          ['Network', 'Host', 'Engine', 'Driver', 'Containers and ports'],
          rows.items
            .filter((n) => !this.idleOnly || n.unused)
            .map(
              (n) => html`<tr class=${n.unused ? 'idle' : ''} data-testid="inventory-row" data-name=${n.name}>
                <td>${n.name}${n.internal ? html` <unity-badge tone="neutral">internal</unity-badge>` : null}
                  ${n.unused ? html`<unity-badge tone="warn" data-testid="unused">Unused</unity-badge>` : null}</td>
                <td>${this.#hostName(n.hostId)}</td>
                <td>${n.engineKind}</td>
                <td>${n.driver}</td>
                <td><ul class="plain">${n.containers.map(
                  (c) => html`<li>${c.name}${c.ipv4 ? html` <span class="mono muted">${c.ipv4}</span>` : null}
                    ${c.ports.map((p) => html` <span class="mono">${p.publicPort ? `${p.publicPort}→` : ''}${p.privatePort}/${p.protocol}</span>`)}</li>`,
                )}</ul></td>
              </tr>`,
            ),
        );
      case 'pods':
        return this.#wrap(
          ['Pod', 'Host', 'Status', 'Containers', 'Created'],
          rows.items.map(
            (p) => html`<tr data-testid="inventory-row" data-name=${p.name}>
              <td>${p.name}</td>
              <td>${this.#hostName(p.hostId)}</td>
              <td><unity-badge tone=${p.status === 'Running' ? 'ok' : p.status === 'Degraded' ? 'warn' : 'neutral'}>${p.status}</unity-badge></td>
              <td><ul class="plain">${p.containers.map(
                (c) =>
                  html`<li>${c.name} <span class="muted">${c.status}</span>${c.infra ? html` <unity-badge tone="neutral">infra</unity-badge>` : null}</li>`,
              )}</ul></td>
              <td>${when(p.createdAt)}</td>
            </tr>`,
          ),
        );
    }
  }

  #wrap(headings: string[], body: unknown) {
    return html`<div class="table-wrap">
      <table>
        <thead><tr>${headings.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
        <tbody>${body}</tbody>
      </table>
    </div>`;
  }
}

customElements.define('unity-inventory', UnityInventory);

declare global {
  interface HTMLElementTagNameMap {
    'unity-inventory': UnityInventory;
  }
}
