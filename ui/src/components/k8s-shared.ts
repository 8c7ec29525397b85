/**
 * Small pieces the Kubernetes pages share: the health badge (colour plus the reason as text),
 * links to a cluster's pages, and the relative "last seen" of an API timestamp.
 * @module
 */
import type { K8sHealth, K8sObjectView } from '@unity/shared';
import { html } from 'lit';
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
