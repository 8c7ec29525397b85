/**
 * One cluster, one namespace at a time (`/k8s/:cluster?namespace=`): its workloads
 * (deployments, statefulsets, daemonsets, jobs and cronjobs), pods, services, ingresses, PVCs
 * (with their volume use when a kubelet reported it), and resource quotas (used vs hard) with limit
 * ranges, each with its health badge. Without a namespace every namespace is shown.
 * @module
 */
import { computeUsageOf, type K8sObjectView, volumeUsageOf } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { k8sApi } from '../api/k8s-client.js';
import { k8sTopics } from '../api/live.js';
import { LiveRefresh } from '../api/live-controller.js';
import { formatBytes, formatPercent, ratioPercent } from '../format.js';
import { navigate } from '../router.js';
import { k8sHealthBadge, k8sPaths, SinceClock, since } from './k8s-shared.js';
import { base, controls, surfaces } from './styles.js';

const TABS = ['workloads', 'pods', 'services', 'ingresses', 'pvcs', 'limits'] as const;
type Tab = (typeof TABS)[number];
/** What the tabs list: the limits tab shows quotas and limit ranges. */
const LISTS = [
  'workloads',
  'pods',
  'services',
  'ingresses',
  'pvcs',
  'resourcequotas',
  'limitranges',
] as const;
const TAB_LABELS: Record<Tab, string> = {
  workloads: 'Workloads',
  pods: 'Pods',
  services: 'Services',
  ingresses: 'Ingresses',
  pvcs: 'PVCs',
  limits: 'Quotas & limits',
};

export class K8sNamespace extends LitElement {
  static override properties = {
    cluster: {},
    namespace: {},
    tab: { state: true },
    namespaces: { state: true },
    items: { state: true },
    error: { state: true },
  };
  declare cluster: string;
  declare namespace: string;
  declare tab: Tab;
  declare namespaces: string[];
  declare items: Partial<Record<Tab, K8sObjectView[]>>;
  declare error: string;
  /** The namespace list (cluster-scoped) and the tabs' lists in the namespace shown (or in all). */
  readonly #live = new LiveRefresh(
    this,
    () =>
      this.cluster
        ? [
            ...k8sTopics(this.cluster, ['namespaces'], ''),
            ...k8sTopics(this.cluster, LISTS, this.namespace || undefined),
          ]
        : [],
    () => this.#load(),
  );

  constructor() {
    super();
    new SinceClock(this);
    this.cluster = '';
    this.namespace = '';
    this.tab = 'workloads';
    this.namespaces = [];
    this.items = {};
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .tabs {
        display: flex;
        gap: 0.25rem;
        flex-wrap: wrap;
        margin: 1rem 0;
      }
      .tabs button[aria-selected='true'] {
        font-weight: 700;
        text-decoration: underline;
      }
      .toolbar {
        display: flex;
        gap: 1rem;
        align-items: center;
        flex-wrap: wrap;
      }
    `,
  ];

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('cluster') || changed.has('namespace')) {
      this.#live.sync();
      this.items = {};
      void this.#load();
    }
  }

  async #load(): Promise<void> {
    const ns = this.namespace || undefined;
    const [namespaces, ...lists] = await Promise.all([
      k8sApi.list(this.cluster, 'namespaces'),
      k8sApi.list(this.cluster, 'workloads', ns),
      k8sApi.list(this.cluster, 'pods', ns),
      k8sApi.list(this.cluster, 'services', ns),
      k8sApi.list(this.cluster, 'ingresses', ns),
      k8sApi.list(this.cluster, 'pvcs', ns),
      k8sApi.list(this.cluster, 'resourcequotas', ns),
      k8sApi.list(this.cluster, 'limitranges', ns),
    ]);
    const failed = [namespaces, ...lists].find((r) => !r.ok);
    this.error = failed && !failed.ok ? failed.error.message : '';
    if (namespaces.ok) this.namespaces = namespaces.value.items.map((n) => n.name).sort();
    const items: Partial<Record<Tab, K8sObjectView[]>> = {};
    TABS.forEach((tab, i) => {
      const r = lists[i];
      // Replicasets belong to their deployments: the deployment is the row that matters.
      if (r?.ok) items[tab] = r.value.items.filter((o) => o.resource !== 'replicasets');
    });
    const limitRanges = lists[TABS.length];
    if (items.limits && limitRanges?.ok) items.limits = [...items.limits, ...limitRanges.value.items];
    this.items = items;
  }

  #pickNamespace(e: Event): void {
    const ns = (e.target as HTMLSelectElement).value;
    navigate(k8sPaths.cluster(this.cluster, ns || undefined));
  }

  override render() {
    return html`<p class="crumbs"><a href="/k8s">Kubernetes</a> › ${this.cluster}</p>
      <div class="page-head"><h1>${this.cluster}${this.namespace ? html` / ${this.namespace}` : null}</h1></div>
      <div class="toolbar">
        <label
          >Namespace
          <select name="namespace" data-testid="k8s-namespace" @change=${this.#pickNamespace}>
            <option value="" ?selected=${!this.namespace}>All namespaces</option>
            ${this.namespaces.map((n) => html`<option value=${n} ?selected=${n === this.namespace}>${n}</option>`)}
          </select></label
        >
        <a href=${k8sPaths.events(this.cluster)}>Events</a>
        <a href=${k8sPaths.topology(this.cluster, this.namespace || undefined)}>Topology</a>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <div class="tabs" role="tablist">
        ${TABS.map(
          (t) =>
            html`<button type="button" role="tab" data-testid="k8s-tab-${t}" aria-selected=${t === this.tab ? 'true' : 'false'}
              @click=${() => (this.tab = t)}>${TAB_LABELS[t]} (${this.items[t]?.length ?? '…'})</button>`,
        )}
      </div>
      ${this.#table()}`;
  }

  #table() {
    const rows = this.items[this.tab];
    if (!rows) return html`<p class="muted">Loading…</p>`;
    if (rows.length === 0) return html`<p class="muted">None here.</p>`;
    const head = (cols: string[]) => html`<thead><tr>${cols.map((c) => html`<th>${c}</th>`)}</tr></thead>`;
    const nsCell = (o: K8sObjectView) => (this.namespace ? null : html`<td>${o.namespace}</td>`);
    const cols = (more: string[]) => [...(this.namespace ? [] : ['Namespace']), 'Name', 'Health', ...more];
    const row = (o: K8sObjectView, name: unknown, cells: unknown[]) =>
      html`<tr data-testid="k8s-row" data-kind=${o.resource} data-name=${o.name}>
        ${nsCell(o)}<td>${name}</td><td>${k8sHealthBadge(o)}</td>${cells.map((c) => html`<td>${c}</td>`)}
      </tr>`;
    switch (this.tab) {
      case 'workloads':
        return html`<div class="table-wrap"><table data-testid="k8s-workloads">
          ${head(cols(['Kind', 'Status', 'Age']))}
          <tbody>${rows.map((o) => row(o, o.name, [o.resource, workloadStatus(o), since(o.createdAt)]))}</tbody>
        </table></div>`;
      case 'pods':
        return html`<div class="table-wrap"><table data-testid="k8s-pods">
          ${head(cols(['Phase', 'Ready', 'Restarts', 'Node', 'CPU', 'Age']))}
          <tbody>${rows.map((o) =>
            o.resource === 'pods'
              ? row(o, html`<a href=${k8sPaths.pod(this.cluster, o.namespace, o.name)}>${o.name}</a>`, [
                  o.data.phase,
                  o.data.ready ? 'yes' : 'no',
                  o.data.restarts,
                  o.data.node ?? '—',
                  ((u) => (u ? `${Math.round(u.cpuMillicores)}m` : '—'))(computeUsageOf(o)),
                  since(o.data.startedAt ?? o.createdAt),
                ])
              : null,
          )}</tbody>
        </table></div>`;
      case 'services':
        return html`<div class="table-wrap"><table data-testid="k8s-services">
          ${head(cols(['Type', 'Cluster IP', 'Ports']))}
          <tbody>${rows.map((o) =>
            o.resource === 'services'
              ? row(o, o.name, [
                  o.data.type,
                  o.data.clusterIP ?? '—',
                  o.data.ports.map((p) => `${p.port}/${p.protocol}`).join(', '),
                ])
              : null,
          )}</tbody>
        </table></div>`;
      case 'ingresses':
        return html`<div class="table-wrap"><table data-testid="k8s-ingresses">
          ${head(cols(['Rules', 'TLS']))}
          <tbody>${rows.map((o) =>
            o.resource === 'ingresses'
              ? row(o, o.name, [
                  o.data.rules
                    .map(
                      (r) =>
                        `${r.host ?? '*'}${r.path ?? ''} → ${r.service ?? '—'}${r.port ? `:${r.port}` : ''}`,
                    )
                    .join(', '),
                  o.data.tlsHosts.join(', ') || '—',
                ])
              : null,
          )}</tbody>
        </table></div>`;
      case 'pvcs':
        return html`<div class="table-wrap"><table data-testid="k8s-pvcs">
          ${head(cols(['Phase', 'Capacity', 'Used', 'Storage class']))}
          <tbody>${rows.map((o) =>
            o.resource === 'pvcs'
              ? row(o, o.name, [
                  o.data.phase,
                  o.data.capacity ?? o.data.requested ?? '—',
                  volumeUse(o),
                  o.data.storageClass ?? '—',
                ])
              : null,
          )}</tbody>
        </table></div>`;
      case 'limits':
        return html`<div class="table-wrap"><table data-testid="k8s-limits">
          ${head(cols(['Kind', 'Resource', 'Values']))}
          <tbody>${rows.flatMap((o) => limitRows(o).map((r) => row(o, o.name, [r.kind, r.resource, r.values])))}</tbody>
        </table></div>`;
    }
  }
}

/** "3.2 GiB of 10 GiB (32%)" from the kubelet's figures; "—" when no kubelet reported it. */
function volumeUse(o: K8sObjectView) {
  const u = volumeUsageOf(o);
  if (!u)
    return html`<span class="muted" title="Volume use comes from the kubelet summary (the agent on each node)">—</span>`;
  return html`<span data-testid="k8s-pvc-used">${formatBytes(u.usedBytes)} of ${formatBytes(u.capacityBytes)}
    (${formatPercent(ratioPercent(u.usedBytes, u.capacityBytes))})</span>`;
}

/**
 * One row per resource: a quota's "used / hard", a limit range's entries per type
 * ("Container cpu": "default 500m · request 250m · max 1 · min 100m").
 */
function limitRows(o: K8sObjectView): { kind: string; resource: string; values: string }[] {
  if (o.resource === 'resourcequotas')
    return Object.entries(o.data.hard)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([resource, hard]) => ({
        kind: 'Quota',
        resource,
        values: `${o.data.used[resource] ?? '0'} used of ${hard}`,
      }));
  if (o.resource === 'limitranges')
    return o.data.limits.flatMap((l) => {
      const names = [
        ...new Set([l.default, l.defaultRequest, l.max, l.min].flatMap((m) => Object.keys(m ?? {}))),
      ].sort();
      return names.map((resource) => ({
        kind: `Limit range (${l.type})`,
        resource,
        values: [
          ['default', l.default],
          ['request', l.defaultRequest],
          ['max', l.max],
          ['min', l.min],
        ]
          .flatMap(([label, m]) => {
            const v = (m as Record<string, string> | undefined)?.[resource];
            return v ? [`${label as string} ${v}`] : [];
          })
          .join(' · '),
      }));
    });
  return [];
}

function workloadStatus(o: K8sObjectView): string {
  switch (o.resource) {
    case 'deployments':
    case 'statefulsets':
    case 'daemonsets':
    case 'replicasets':
      return `${o.data.ready}/${o.data.desired} ready`;
    case 'jobs':
      return o.data.complete
        ? 'complete'
        : `${o.data.active} active, ${o.data.succeeded} succeeded, ${o.data.failed} failed`;
    case 'cronjobs':
      return `${o.data.schedule}${o.data.suspended ? ' (suspended)' : ''}, last ${since(o.data.lastScheduleAt)}`;
    default:
      return '';
  }
}

customElements.define('k8s-namespace', K8sNamespace);

declare global {
  interface HTMLElementTagNameMap {
    'k8s-namespace': K8sNamespace;
  }
}
