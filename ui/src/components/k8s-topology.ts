/**
 * A cluster's traffic path as nested lists (`/k8s/:cluster/topology?namespace=`): each ingress
 * rule → its service → the pods the service selects → the node each runs on; services that no
 * ingress routes to follow on their own. Pods are matched by the service's label selector.
 * @module
 */
import type { K8sObjectView } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { k8sApi } from '../api/k8s-client.js';
import { k8sTopics } from '../api/live.js';
import { LiveRefresh } from '../api/live-controller.js';
import { k8sHealthBadge, k8sPaths } from './k8s-shared.js';
import { base, controls, surfaces } from './styles.js';

type Lists = { ingresses: K8sObjectView[]; services: K8sObjectView[]; pods: K8sObjectView[] };

export class K8sTopology extends LitElement {
  static override properties = {
    cluster: {},
    namespace: {},
    lists: { state: true },
    error: { state: true },
  };
  declare cluster: string;
  declare namespace: string;
  declare lists: Lists | null;
  declare error: string;
  readonly #live = new LiveRefresh(
    this,
    () =>
      this.cluster
        ? k8sTopics(this.cluster, ['ingresses', 'services', 'pods'], this.namespace || undefined)
        : [],
    () => this.#load(),
  );

  constructor() {
    super();
    this.cluster = '';
    this.namespace = '';
    this.lists = null;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      ul {
        margin: 0.2rem 0;
      }
    `,
  ];

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('cluster') || changed.has('namespace')) {
      this.#live.sync();
      void this.#load();
    }
  }

  async #load(): Promise<void> {
    const ns = this.namespace || undefined;
    const [ingresses, services, pods] = await Promise.all([
      k8sApi.list(this.cluster, 'ingresses', ns),
      k8sApi.list(this.cluster, 'services', ns),
      k8sApi.list(this.cluster, 'pods', ns),
    ]);
    if (!ingresses.ok || !services.ok || !pods.ok) {
      const failed = [ingresses, services, pods].find((r) => !r.ok);
      this.error = failed && !failed.ok ? failed.error.message : '';
      return;
    }
    this.error = '';
    this.lists = { ingresses: ingresses.value.items, services: services.value.items, pods: pods.value.items };
  }

  override render() {
    return html`<p class="crumbs">
        <a href="/k8s">Kubernetes</a> › <a href=${k8sPaths.cluster(this.cluster, this.namespace || undefined)}>${this.cluster}</a> ›
        Topology
      </p>
      <div class="page-head"><h1>Topology${this.namespace ? html` / ${this.namespace}` : null}</h1></div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${this.lists ? this.#tree(this.lists) : html`<p class="muted">Loading…</p>`}`;
  }

  #tree(l: Lists) {
    const routed = new Set<string>();
    const ingressItems = l.ingresses.flatMap((ing) =>
      ing.resource === 'ingresses'
        ? ing.data.rules.map((rule) => {
            const svc = l.services.find((s) => s.namespace === ing.namespace && s.name === rule.service);
            if (svc) routed.add(`${svc.namespace}/${svc.name}`);
            return html`<li data-testid="k8s-topology-ingress">
              ingress ${ing.namespace}/${ing.name}: ${rule.host ?? '*'}${rule.path ?? ''}
              <ul>
                ${svc ? this.#service(svc, l.pods) : html`<li class="muted">service ${rule.service ?? '—'} (not found)</li>`}
              </ul>
            </li>`;
          })
        : [],
    );
    const rest = l.services.filter((s) => !routed.has(`${s.namespace}/${s.name}`));
    return html`<ul data-testid="k8s-topology">
      ${ingressItems} ${rest.map((s) => this.#service(s, l.pods))}
    </ul>`;
  }

  #service(svc: K8sObjectView, pods: K8sObjectView[]) {
    if (svc.resource !== 'services') return null;
    const selector = Object.entries(svc.data.selector);
    const selected =
      selector.length === 0
        ? []
        : pods.filter(
            (p) =>
              p.resource === 'pods' &&
              p.namespace === svc.namespace &&
              selector.every(([k, v]) => p.data.labels[k] === v),
          );
    return html`<li data-testid="k8s-topology-service">
      service ${svc.namespace}/${svc.name} <span class="muted">${svc.data.type}</span>
      <ul>
        ${
          selected.length === 0
            ? html`<li class="muted">no pods</li>`
            : selected.map((p) =>
                p.resource === 'pods'
                  ? html`<li>
                      ${k8sHealthBadge(p)} pod <a href=${k8sPaths.pod(this.cluster, p.namespace, p.name)}>${p.name}</a>
                      <ul><li>node ${p.data.node ?? '(not scheduled)'}</li></ul>
                    </li>`
                  : null,
              )
        }
      </ul>
    </li>`;
  }
}

customElements.define('k8s-topology', K8sTopology);

declare global {
  interface HTMLElementTagNameMap {
    'k8s-topology': K8sTopology;
  }
}
