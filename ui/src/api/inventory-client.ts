/**
 * The inventory endpoints the UI reads: stacks, images, volumes, networks, pods, and every
 * container across hosts for the grouped Containers page.
 * @module
 */
import type { Container, Image, Network, Pod, Stack, Volume } from '@unity/shared';
import { request } from './client.js';

type List<T> = { items: T[] };
const hostQuery = (hostId: string | undefined) => (hostId ? `?host=${encodeURIComponent(hostId)}` : '');

export const inventoryApi = {
  allContainers: () => request<List<Container>>('/api/containers'),
  stacks: (hostId?: string) => request<List<Stack>>(`/api/stacks${hostQuery(hostId)}`),
  images: (hostId?: string) => request<List<Image>>(`/api/images${hostQuery(hostId)}`),
  volumes: (hostId?: string) => request<List<Volume>>(`/api/volumes${hostQuery(hostId)}`),
  networks: (hostId?: string) => request<List<Network>>(`/api/networks${hostQuery(hostId)}`),
  pods: (hostId?: string) => request<List<Pod>>(`/api/pods${hostQuery(hostId)}`),
};
