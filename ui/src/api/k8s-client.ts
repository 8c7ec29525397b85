/**
 * The Kubernetes endpoints (`/api/k8s`): clusters with their summary, object lists per
 * cluster (optionally one namespace), one pod with its events, and pod logs (a JSON tail, or a
 * plain-text stream that `followPodLogs` reads until the caller aborts).
 * @module
 */
import type { K8sClusterSummary, K8sList, K8sObjectView } from '@unity/shared';
import { request } from './client.js';

const id = encodeURIComponent;

export type K8sPodDetail = { pod: K8sObjectView; events: K8sObjectView[] };

const podPath = (cluster: string, namespace: string, name: string) =>
  `/api/k8s/${id(cluster)}/pods/${id(namespace)}/${id(name)}`;

export const k8sApi = {
  clusters: () => request<{ items: K8sClusterSummary[] }>('/api/k8s/clusters'),
  list: (cluster: string, list: K8sList, namespace?: string) =>
    request<{ items: K8sObjectView[] }>(
      `/api/k8s/${id(cluster)}/${list}${namespace ? `?namespace=${id(namespace)}` : ''}`,
    ),
  pod: (cluster: string, namespace: string, name: string) =>
    request<K8sPodDetail>(podPath(cluster, namespace, name)),
  podLogs: (cluster: string, namespace: string, name: string, container: string, tailLines = 200) =>
    request<{ items: string[] }>(
      `${podPath(cluster, namespace, name)}/logs?tailLines=${tailLines}${container ? `&container=${id(container)}` : ''}`,
    ),
};

/**
 * Follows a pod's log through the plain-text stream: `onText` gets each decoded chunk. Resolves
 * when the stream ends or `signal` aborts; a failed request resolves with its status text.
 */
export async function followPodLogs(
  cluster: string,
  namespace: string,
  name: string,
  container: string,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<string | null> {
  const url = `${podPath(cluster, namespace, name)}/logs?follow=1&tailLines=0${container ? `&container=${id(container)}` : ''}`;
  try {
    const res = await fetch(url, { credentials: 'same-origin', signal });
    if (!res.ok || !res.body) return `The hub answered ${res.status}.`;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return null;
      if (value) onText(value);
    }
  } catch (cause) {
    if (signal.aborted) return null;
    return cause instanceof Error ? cause.message : 'The log stream failed.';
  }
}
