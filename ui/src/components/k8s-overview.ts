/**
 * The Kubernetes overview (`/k8s`): every cluster the user may see, with its nodes (Ready and
 * any pressure condition), pods by phase, where resource use comes from, and its warnings:
 * recent Warning events and the pods and workloads that are not healthy.
 * @module
 */
import type { K8sClusterSummary, K8sObjectView } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { k8sApi } from '../api/k8s-client.js';
import { k8sTopics } from '../api/live.js';
import { LiveRefresh } from '../api/live-controller.js';
import { k8sHealthBadge, k8sPaths, SinceClock, since } from './k8s-shared.js';
import { base, controls, surfaces } from './styles.js';

type ClusterDetail = { nodes: K8sObjectView[]; warnings: K8sObjectView[]; unhealthy: K8sObjectView[] };

const USAGE: Record<string, string> = {
  'metrics.k8s.io': 'metrics-server (metrics.k8s.io)',
  kubelet: 'kubelet summary (the agent on each node)',
  none: 'none (metrics-server not installed, no agent on the nodes)',
};

export class K8sOverview extends LitElement {
  static override properties = {
    clusters: { state: true },
    details: { state: true },
    error: { state: true },
  };
  declare clusters: K8sClusterSummary[] | null;
  declare details: ReadonlyMap<string, ClusterDetail>;
  declare error: string;

  constructor() {
    super();
    new SinceClock(this);
    this.clusters = null;
    this.details = new Map();
    this.error = '';
    // What the summaries and warnings are made of, in any cluster (so a new one shows too).
    new LiveRefresh(
      this,
      () => k8sTopics('*', ['nodes', 'namespaces', 'pods', 'workloads', 'events']),
      () => this.#load(),
    );
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .card {
        margin-bottom: 1rem;
      }
      ul.plain {
        list-style: none;
        padding: 0;
        margin: 0.25rem 0;
      }
      ul.plain li {
        padding: 0.15rem 0;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const res = await k8sApi.clusters();
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.clusters = res.value.items;
    const entries = await Promise.all(
      res.value.items.map(async (c): Promise<[string, ClusterDetail]> => {
        const [nodes, events, pods, workloads] = await Promise.all([
          k8sApi.list(c.name, 'nodes'),
          k8sApi.list(c.name, 'events'),
          k8sApi.list(c.name, 'pods'),
          k8sApi.list(c.name, 'workloads'),
        ]);
        const items = (r: typeof nodes) => (r.ok ? r.value.items : []);
        const warnings = items(events)
          .filter((e) => e.resource === 'events' && e.data.type === 'Warning')
          .sort((a, b) => lastSeen(b) - lastSeen(a))
          .slice(0, 10);
        const unhealthy = [...items(pods), ...items(workloads)].filter((o) => o.health !== 'ok');
        return [c.name, { nodes: items(nodes), warnings, unhealthy }];
      }),
    );
    this.details = new Map(entries);
  }

  override render() {
    return html`<div class="page-head"><h1>Kubernetes</h1></div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${
        this.clusters === null
          ? html`<p class="muted">Loading…</p>`
          : this.clusters.length === 0
            ? html`<p class="muted" data-testid="k8s-empty">
                No clusters yet. Start an agent with <code>--kubeconfig</code> or in a cluster to add one.
              </p>`
            : this.clusters.map((c) => this.#cluster(c))
      }`;
  }

  #cluster(c: K8sClusterSummary) {
    const d = this.details.get(c.name);
    const phases = Object.entries(c.pods.byPhase).sort(([a], [b]) => a.localeCompare(b));
    return html`<section class="card" data-testid="k8s-cluster" data-name=${c.name}>
      <div class="section-head">
        <h2><a href=${k8sPaths.cluster(c.name)}>${c.name}</a></h2>
        <span class="muted">on ${c.hostName} · updated ${since(c.updatedAt)}</span>
      </div>
      <dl class="facts">
        <div><dt>Nodes</dt><dd data-testid="k8s-nodes">${c.nodes.ready}/${c.nodes.total} ready</dd></div>
        <div>
          <dt>Pods</dt>
          <dd data-testid="k8s-pods">
            ${c.pods.total} pods${phases.map(([p, n]) => html` · ${n} ${p}`)}${c.pods.failing ? html` · <strong>${c.pods.failing} failing</strong>` : null}
          </dd>
        </div>
        <div><dt>Workloads</dt><dd>${c.workloads.total} (${c.workloads.degraded} degraded)</dd></div>
        <div><dt>Namespaces</dt><dd>${c.namespaces}</dd></div>
        <div><dt>Resource use from</dt><dd data-testid="k8s-usage">${c.usageSource ? (USAGE[c.usageSource] ?? c.usageSource) : 'not reported yet'}</dd></div>
      </dl>
      <p>
        <a href=${k8sPaths.cluster(c.name)}>Namespaces and workloads</a> ·
        <a href=${k8sPaths.events(c.name)}>Events</a> ·
        <a href=${k8sPaths.topology(c.name)}>Topology</a>
      </p>
      ${d ? this.#detail(c.name, d) : null}
    </section>`;
  }

  #detail(cluster: string, d: ClusterDetail) {
    return html`<h3>Nodes</h3>
      <ul class="plain" data-testid="k8s-node-list">
        ${d.nodes.map(
          (n) =>
            html`<li data-testid="k8s-node" data-name=${n.name}>${k8sHealthBadge(n)} ${n.name}
              ${n.resource === 'nodes' && n.data.kubeletVersion ? html`<span class="muted">${n.data.kubeletVersion}</span>` : null}</li>`,
        )}
      </ul>
      <h3>Warnings</h3>
      ${
        d.unhealthy.length === 0 && d.warnings.length === 0
          ? html`<p class="muted" data-testid="k8s-no-warnings">Nothing to report.</p>`
          : html`<ul class="plain" data-testid="k8s-warnings">
            ${d.unhealthy.map(
              (o) =>
                html`<li data-testid="k8s-unhealthy">${k8sHealthBadge(o)} ${o.resource}
                  ${
                    o.resource === 'pods'
                      ? html`<a href=${k8sPaths.pod(cluster, o.namespace, o.name)}>${o.namespace}/${o.name}</a>`
                      : html`<a href=${k8sPaths.cluster(cluster, o.namespace)}>${o.namespace}/${o.name}</a>`
                  }</li>`,
            )}
            ${d.warnings.map((e) =>
              e.resource === 'events'
                ? html`<li data-testid="k8s-warning-event">
                    <unity-badge tone="warn">${e.data.reason}</unity-badge>
                    ${e.data.object.kind} ${e.namespace}/${e.data.object.name}: ${e.data.message}
                    <span class="muted">(${since(e.data.lastSeen)})</span>
                  </li>`
                : null,
            )}
          </ul>`
      }`;
  }
}

function lastSeen(e: K8sObjectView): number {
  if (e.resource !== 'events') return 0;
  const ms = Date.parse(e.data.lastSeen ?? e.updatedAt);
  return Number.isFinite(ms) ? ms : 0;
}

customElements.define('k8s-overview', K8sOverview);

declare global {
  interface HTMLElementTagNameMap {
    'k8s-overview': K8sOverview;
  }
}
