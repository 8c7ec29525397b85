/**
 * A cluster's events (`/k8s/:cluster/events`), newest first: type, reason, the object, count
 * and last seen, reloaded when the hub says the cluster's events changed; "Warnings only" hides
 * the Normal ones.
 * @module
 */
import type { K8sObjectView } from '@unity/shared';
import { html, LitElement } from 'lit';
import { k8sApi } from '../api/k8s-client.js';
import { k8sTopics } from '../api/live.js';
import { LiveRefresh } from '../api/live-controller.js';
import { k8sPaths, SinceClock, since } from './k8s-shared.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

export class K8sEvents extends LitElement {
  static override properties = {
    cluster: {},
    events: { state: true },
    warningsOnly: { state: true },
    error: { state: true },
  };
  declare cluster: string;
  declare events: K8sObjectView[] | null;
  declare warningsOnly: boolean;
  declare error: string;
  readonly #live = new LiveRefresh(
    this,
    () => (this.cluster ? k8sTopics(this.cluster, ['events']) : []),
    () => this.#load(),
  );

  constructor() {
    super();
    new SinceClock(this);
    this.cluster = '';
    this.events = null;
    this.warningsOnly = false;
    this.error = '';
  }

  static override styles = [base, controls, surfaces];

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('cluster')) {
      this.#live.sync();
      this.events = null;
      void this.#load();
    }
  }

  async #load(): Promise<void> {
    const res = await k8sApi.list(this.cluster, 'events');
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.events = res.value.items.sort((a, b) => seen(b) - seen(a));
  }

  override render() {
    const shown = (this.events ?? []).filter(
      (e) => e.resource === 'events' && (!this.warningsOnly || e.data.type === 'Warning'),
    );
    return html`<p class="crumbs">
        <a href="/k8s">Kubernetes</a> › <a href=${k8sPaths.cluster(this.cluster)}>${this.cluster}</a> › Events
      </p>
      <div class="page-head"><h1>Events</h1></div>
      <label
        ><input type="checkbox" data-testid="k8s-warnings-only" .checked=${this.warningsOnly}
          @change=${(e: Event) => (this.warningsOnly = (e.target as HTMLInputElement).checked)} />
        Warnings only</label
      >
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${
        this.events === null
          ? html`<p class="muted">Loading…</p>`
          : shown.length === 0
            ? html`<p class="muted" data-testid="k8s-events-empty">No events.</p>`
            : html`<div class="table-wrap"><table data-testid="k8s-events">
              <thead><tr><th>Type</th><th>Reason</th><th>Object</th><th>Message</th><th>Count</th><th>Last seen</th></tr></thead>
              <tbody>
                ${shown.map((e) =>
                  e.resource === 'events'
                    ? html`<tr data-testid="k8s-event" data-type=${e.data.type}>
                        <td><unity-badge tone=${e.data.type === 'Warning' ? 'warn' : 'neutral'}>${e.data.type}</unity-badge></td>
                        <td>${e.data.reason}</td>
                        <td>${this.#object(e)}</td>
                        <td>${e.data.message}</td>
                        <td>${e.data.count}</td>
                        <td>${since(e.data.lastSeen)}</td>
                      </tr>`
                    : null,
                )}
              </tbody>
            </table></div>`
      }`;
  }

  #object(e: K8sObjectView) {
    if (e.resource !== 'events') return null;
    const o = e.data.object;
    const ns = o.namespace ?? e.namespace;
    const label = `${o.kind} ${ns ? `${ns}/` : ''}${o.name}`;
    return o.kind === 'Pod' && ns
      ? html`<a href=${k8sPaths.pod(this.cluster, ns, o.name)}>${label}</a>`
      : label;
  }
}

function seen(e: K8sObjectView): number {
  const t = e.resource === 'events' ? (e.data.lastSeen ?? e.updatedAt) : e.updatedAt;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : 0;
}

customElements.define('k8s-events', K8sEvents);

declare global {
  interface HTMLElementTagNameMap {
    'k8s-events': K8sEvents;
  }
}
