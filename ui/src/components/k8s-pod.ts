/**
 * One pod (`/k8s/:cluster/pods/:namespace/:name`): its phase and health, node, each container
 * with its state and reason (CrashLoopBackOff, OOMKilled…), restarts, last termination and
 * requests/limits, the events about it, and its log: the last lines, then optionally followed
 * live through the hub's plain-text stream (fetch + ReadableStream) until the user stops it.
 * @module
 */
import { computeUsageOf, type K8sObjectView } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { followPodLogs, type K8sPodDetail, k8sApi } from '../api/k8s-client.js';
import { k8sTopics } from '../api/live.js';
import { LiveRefresh } from '../api/live-controller.js';
import { k8sHealthBadge, k8sPaths, SinceClock, since } from './k8s-shared.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

/** Lines kept on screen, like the container log viewer; older ones are dropped. */
const MAX_LINES = 5000;
const TAIL = 200;

export class K8sPod extends LitElement {
  static override properties = {
    cluster: {},
    namespace: {},
    name: {},
    detail: { state: true },
    error: { state: true },
    container: { state: true },
    lines: { state: true },
    following: { state: true },
    logStatus: { state: true },
    search: { state: true },
  };
  declare cluster: string;
  declare namespace: string;
  declare name: string;
  declare detail: K8sPodDetail | null;
  declare error: string;
  /** The container whose log is shown; '' is the pod's first (the API's default). */
  declare container: string;
  declare lines: string[];
  declare following: boolean;
  declare logStatus: string;
  declare search: string;
  #follow: AbortController | null = null;
  #partial = '';
  /** The pod and its events: a notice about either in the pod's namespace reloads the page. */
  readonly #live = new LiveRefresh(
    this,
    () => (this.cluster ? k8sTopics(this.cluster, ['pods', 'events'], this.namespace) : []),
    () => this.#load(),
  );

  constructor() {
    super();
    new SinceClock(this);
    this.cluster = '';
    this.namespace = '';
    this.name = '';
    this.detail = null;
    this.error = '';
    this.container = '';
    this.lines = [];
    this.following = false;
    this.logStatus = '';
    this.search = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      pre.log {
        max-height: 32rem;
        overflow: auto;
        background: var(--u-neutral-bg);
        padding: 0.75rem;
        border-radius: 6px;
        font-size: var(--u-text-sm);
        white-space: pre-wrap;
        word-break: break-all;
      }
      .toolbar {
        display: flex;
        gap: 0.75rem;
        align-items: center;
        flex-wrap: wrap;
        margin-bottom: 0.5rem;
      }
      .card {
        margin-bottom: 1rem;
      }
    `,
  ];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('cluster') || changed.has('namespace') || changed.has('name')) {
      this.#live.sync();
      this.#stop();
      this.detail = null;
      this.lines = [];
      void this.#load().then(() => this.#tail());
    }
  }

  async #load(): Promise<void> {
    const res = await k8sApi.pod(this.cluster, this.namespace, this.name);
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.detail = res.value;
  }

  async #tail(): Promise<void> {
    this.#stop();
    this.logStatus = 'Loading…';
    const res = await k8sApi.podLogs(this.cluster, this.namespace, this.name, this.container, TAIL);
    if (!res.ok) {
      this.logStatus = res.error.message;
      return;
    }
    this.lines = res.value.items.slice(-MAX_LINES);
    this.logStatus = `Last ${TAIL} lines.`;
  }

  async #startFollow(): Promise<void> {
    this.#stop();
    const controller = new AbortController();
    this.#follow = controller;
    this.following = true;
    this.logStatus = 'Following…';
    this.#partial = '';
    const failure = await followPodLogs(
      this.cluster,
      this.namespace,
      this.name,
      this.container,
      controller.signal,
      (text) => this.#append(text),
    );
    if (this.#follow !== controller) return;
    this.#follow = null;
    this.following = false;
    this.logStatus = failure ?? 'The log stream ended.';
  }

  #append(text: string): void {
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop() ?? '';
    if (parts.length === 0) return;
    this.lines = [...this.lines, ...parts].slice(-MAX_LINES);
    void this.updateComplete.then(() => {
      const pre = this.renderRoot.querySelector('pre.log');
      if (pre) pre.scrollTop = pre.scrollHeight;
    });
  }

  #stop(): void {
    if (!this.#follow) return;
    this.#follow.abort();
    this.#follow = null;
    this.following = false;
    this.logStatus = 'Stopped.';
  }

  #pickContainer(e: Event): void {
    this.container = (e.target as HTMLSelectElement).value;
    void this.#tail();
  }

  override render() {
    return html`<p class="crumbs">
        <a href="/k8s">Kubernetes</a> › <a href=${k8sPaths.cluster(this.cluster)}>${this.cluster}</a> ›
        <a href=${k8sPaths.cluster(this.cluster, this.namespace)}>${this.namespace}</a> › ${this.name}
      </p>
      <div class="page-head">
        <h1>${this.name}</h1>
        ${this.detail ? k8sHealthBadge(this.detail.pod) : null}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${this.detail ? this.#detail(this.detail.pod) : this.error ? null : html`<p class="muted">Loading…</p>`}
      ${this.detail ? this.#events(this.detail.events) : null} ${this.#logs()}`;
  }

  #detail(pod: K8sObjectView) {
    if (pod.resource !== 'pods') return null;
    const d = pod.data;
    return html`<section class="card">
        <dl class="facts">
          <div><dt>Phase</dt><dd data-testid="k8s-pod-phase">${d.phase}</dd></div>
          <div><dt>Ready</dt><dd>${d.ready ? 'yes' : 'no'}</dd></div>
          <div><dt>Restarts</dt><dd data-testid="k8s-pod-restarts">${d.restarts}</dd></div>
          <div><dt>Node</dt><dd data-testid="k8s-pod-node">${d.node ?? '—'}</dd></div>
          <div><dt>IP</dt><dd>${d.ip ?? '—'}</dd></div>
          <div><dt>Owner</dt><dd>${d.owner ? `${d.owner.kind} ${d.owner.name}` : '—'}</dd></div>
          <div><dt>Started</dt><dd>${since(d.startedAt)}</dd></div>
          ${((u) =>
            u
              ? html`<div><dt>Use</dt><dd>${Math.round(u.cpuMillicores)}m CPU, ${Math.round(u.memoryBytes / 1048576)} MiB</dd></div>`
              : null)(computeUsageOf(pod))}
        </dl>
      </section>
      <h2>Containers</h2>
      <div class="table-wrap">
        <table data-testid="k8s-containers">
          <thead>
            <tr><th>Name</th><th>State</th><th>Ready</th><th>Restarts</th><th>Last termination</th><th>Requests</th><th>Limits</th><th>Image</th></tr>
          </thead>
          <tbody>
            ${d.containers.map(
              (c) => html`<tr data-testid="k8s-container" data-name=${c.name}>
                <td>${c.name}</td>
                <td data-testid="k8s-container-state">
                  <unity-badge tone=${c.state === 'running' ? 'ok' : c.state === 'waiting' ? 'bad' : 'neutral'}
                    >${c.reason ?? c.state}</unity-badge
                  >
                  ${c.message ? html`<div class="muted">${c.message}</div>` : null}
                </td>
                <td>${c.ready ? 'yes' : 'no'}</td>
                <td>${c.restarts}</td>
                <td>${c.lastReason ? `${c.lastReason}${c.lastExitCode === undefined ? '' : ` (exit ${c.lastExitCode})`}` : '—'}</td>
                <td>${quantities(c.requests)}</td>
                <td>${quantities(c.limits)}</td>
                <td class="muted">${c.image}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  #events(events: K8sObjectView[]) {
    return html`<h2>Events</h2>
      ${
        events.length === 0
          ? html`<p class="muted">No events about this pod.</p>`
          : html`<div class="table-wrap"><table data-testid="k8s-pod-events">
            <thead><tr><th>Type</th><th>Reason</th><th>Message</th><th>Count</th><th>Last seen</th></tr></thead>
            <tbody>
              ${events.map((e) =>
                e.resource === 'events'
                  ? html`<tr>
                      <td><unity-badge tone=${e.data.type === 'Warning' ? 'warn' : 'neutral'}>${e.data.type}</unity-badge></td>
                      <td>${e.data.reason}</td><td>${e.data.message}</td><td>${e.data.count}</td>
                      <td>${since(e.data.lastSeen)}</td>
                    </tr>`
                  : null,
              )}
            </tbody>
          </table></div>`
      }`;
  }

  #logs() {
    const containers = this.detail?.pod.resource === 'pods' ? this.detail.pod.data.containers : [];
    const needle = this.search.toLowerCase();
    const shown = needle ? this.lines.filter((l) => l.toLowerCase().includes(needle)) : this.lines;
    return html`<h2>Logs</h2>
      <div class="toolbar">
        ${
          containers.length > 1
            ? html`<label>Container
              <select name="container" @change=${this.#pickContainer}>
                ${containers.map((c) => html`<option value=${c.name} ?selected=${c.name === this.container}>${c.name}</option>`)}
              </select></label>`
            : null
        }
        <button type="button" data-testid="k8s-logs-reload" @click=${() => void this.#tail()}>Reload</button>
        ${
          this.following
            ? html`<button type="button" data-testid="k8s-logs-stop" @click=${() => this.#stop()}>Stop</button>`
            : html`<button type="button" data-testid="k8s-logs-follow" @click=${() => void this.#startFollow()}>Follow live</button>`
        }
        <input type="search" placeholder="Search" aria-label="Search the log" .value=${this.search}
          @input=${(e: Event) => (this.search = (e.target as HTMLInputElement).value)} />
        <span class="muted" data-testid="k8s-logs-status" role="status">${this.logStatus}</span>
      </div>
      <pre class="log" data-testid="k8s-logs">${shown.join('\n')}</pre>`;
  }
}

function quantities(q: Record<string, string> | undefined): string {
  if (!q) return '—';
  const parts = Object.entries(q).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : '—';
}

customElements.define('k8s-pod', K8sPod);

declare global {
  interface HTMLElementTagNameMap {
    'k8s-pod': K8sPod;
  }
}
