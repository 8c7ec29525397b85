/**
 * Small pieces the Kubernetes pages share: the health badge (colour plus the reason as text),
 * links to a cluster's pages, the relative "last seen" of an API timestamp and the clock that
 * keeps it current.
 * @module
 */
import type { K8sHealth, K8sObjectView } from '@unity/shared';
import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { formatRelative, MISSING } from '../format.js';
import type { BadgeTone } from './unity-badge.js';
import './unity-badge.js';

const TONES: Record<K8sHealth, BadgeTone> = { ok: 'ok', warning: 'warn', error: 'bad' };

export function k8sHealthBadge(o: Pick<K8sObjectView, 'health' | 'reason'>) {
  return html`<unity-badge tone=${TONES[o.health]} data-testid="k8s-health">${o.reason ?? o.health}</unity-badge>`;
}

const id = encodeURIComponent;

export const k8sPaths = {
  cluster: (cluster: string, namespace?: string) =>
    `/k8s/${id(cluster)}${namespace ? `?namespace=${id(namespace)}` : ''}`,
  pod: (cluster: string, namespace: string, name: string) =>
    `/k8s/${id(cluster)}/pods/${id(namespace)}/${id(name)}`,
  events: (cluster: string) => `/k8s/${id(cluster)}/events`,
  topology: (cluster: string, namespace?: string) =>
    `/k8s/${id(cluster)}/topology${namespace ? `?namespace=${id(namespace)}` : ''}`,
};

export function since(time: string | undefined): string {
  if (!time) return MISSING;
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? formatRelative(ms) : MISSING;
}

/**
 * Re-renders its page every 15 s so relative times ("2 minutes ago") stay true on a quiet
 * cluster: the pages refetch only on live notices, and nothing else would render them.
 */
export class SinceClock implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#timer = setInterval(() => this.#host.requestUpdate(), 15_000);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
  }
}
