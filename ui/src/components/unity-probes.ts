/**
 * The Probes page (`/probes`): every probe with its state, 24 h uptime, last latency and a
 * sparkline of its recent runs; editors and admins create, edit and delete probes. Viewers read.
 * @module
 */
import type { Me, ProbeResult, ProbeUptime } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { type ProbeWithStatus, probesApi, probeTarget } from '../api/probes-client.js';
import { KIND_LABELS } from './probe-form-fields.js';
import { formatMs, formatPercent, stateTone } from './probe-state.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';
import type { UnityConfirm } from './unity-confirm.js';
import './unity-confirm.js';
import './unity-probe-form.js';
import './unity-sparkline.js';

type Editing = { probe: ProbeWithStatus | null };

export class UnityProbes extends LitElement {
  static override properties = {
    me: { state: true },
    probes: { state: true },
    uptimes: { state: true },
    recent: { state: true },
    editing: { state: true },
    error: { state: true },
  };
  declare me: Me | null;
  declare probes: ProbeWithStatus[] | null;
  declare uptimes: ReadonlyMap<string, ProbeUptime>;
  /** The last runs per probe, oldest first. */
  declare recent: ReadonlyMap<string, ProbeResult[]>;
  declare editing: Editing | null;
  declare error: string;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.me = null;
    this.probes = null;
    this.uptimes = new Map();
    this.recent = new Map();
    this.editing = null;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .target {
        max-width: 28rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void api.me().then((me) => {
      this.me = me.ok ? me.value : null;
    });
    void this.#load();
    this.#timer = setInterval(() => void this.#load(), 15_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  get #canWrite(): boolean {
    return this.me?.permissions?.includes('probes:write') ?? false;
  }

  async #load(): Promise<void> {
    const res = await probesApi.list();
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.probes = res.value;
    const from = Date.now() - 86_400_000;
    const per = await Promise.all(
      res.value.map(async (p) => {
        const [uptime, results] = await Promise.all([
          probesApi.uptime(p.id),
          probesApi.results(p.id, { from, limit: 60 }),
        ]);
        return {
          id: p.id,
          uptime: uptime.ok ? uptime.value : null,
          results: results.ok ? results.value.reverse() : [],
        };
      }),
    );
    this.uptimes = new Map(per.filter((x) => x.uptime).map((x) => [x.id, x.uptime as ProbeUptime]));
    this.recent = new Map(per.map((x) => [x.id, x.results]));
  }

  async #delete(p: ProbeWithStatus): Promise<void> {
    const confirm = this.renderRoot.querySelector<UnityConfirm>('unity-confirm');
    if (!(await confirm?.ask(`Delete ${p.name}?`, 'Its results are deleted too.'))) return;
    const res = await probesApi.remove(p.id);
    if (!res.ok) this.error = res.error.message;
    await this.#load();
  }

  async #saved(): Promise<void> {
    this.editing = null;
    await this.#load();
  }

  override render() {
    return html`<div class="page-head">
        <h1>Probes</h1>
        ${
          this.#canWrite && !this.editing
            ? html`<button type="button" data-testid="new-probe" @click=${() => (this.editing = { probe: null })}>New probe</button>`
            : null
        }
      </div>
      ${
        this.editing
          ? html`<unity-probe-form
            .probe=${this.editing.probe}
            @probe-saved=${() => void this.#saved()}
            @form-cancel=${() => (this.editing = null)}
          ></unity-probe-form>`
          : null
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null} ${this.#table()}
      <unity-confirm></unity-confirm>`;
  }

  #table() {
    if (this.probes === null) return html`<p class="muted">Loading…</p>`;
    if (this.probes.length === 0) return html`<p class="muted" data-testid="probes-empty">No probes yet.</p>`;
    return html`<div class="table-wrap">
      <table data-testid="probes">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Target</th>
            <th>State</th>
            <th class="num">Uptime 24 h</th>
            <th class="num">Latency</th>
            <th>Recent runs</th>
            ${this.#canWrite ? html`<th><span class="visually-hidden">Actions</span></th>` : null}
          </tr>
        </thead>
        <tbody>
          ${this.probes.map((p) => this.#row(p))}
        </tbody>
      </table>
    </div>`;
  }

  #row(p: ProbeWithStatus) {
    const runs = this.recent.get(p.id) ?? [];
    return html`<tr data-testid="probe" data-name=${p.name}>
      <td><a href="/probes/${encodeURIComponent(p.id)}">${p.name}</a></td>
      <td>${KIND_LABELS[p.kind]}</td>
      <td class="target mono" title=${probeTarget(p)}>${probeTarget(p)}</td>
      <td><unity-badge data-testid="probe-state" tone=${stateTone(p.status.state)}>${p.status.state}</unity-badge></td>
      <td class="num" data-testid="probe-uptime">${formatPercent(this.uptimes.get(p.id)?.periods['24h'].uptimePercent)}</td>
      <td class="num">${formatMs(p.status.lastLatencyMs)}</td>
      <td>
        <unity-sparkline
          label="Latency of the last ${runs.length} runs"
          .values=${runs.map((r) => r.latencyMs)}
          .failed=${runs.flatMap((r, i) => (r.ok ? [] : [i]))}
        ></unity-sparkline>
      </td>
      ${
        this.#canWrite
          ? html`<td>
            <div class="row">
              <button type="button" class="secondary small" @click=${() => (this.editing = { probe: p })}>Edit</button>
              <button type="button" class="secondary small danger-text" @click=${() => void this.#delete(p)}>Delete</button>
            </div>
          </td>`
          : null
      }
    </tr>`;
  }
}

customElements.define('unity-probes', UnityProbes);

declare global {
  interface HTMLElementTagNameMap {
    'unity-probes': UnityProbes;
  }
}
