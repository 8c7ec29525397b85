/**
 * API calls for container events and health (issue 3), beside the main client.
 * @module
 */
import type { ContainerEventList, ContainerHealthView, EngineEventType } from '@unity/shared';
import { type ApiResult, request } from './client.js';

export type EventFilter = { type?: EngineEventType | ''; action?: string; limit?: number };

function query(filter: EventFilter): string {
  const params = new URLSearchParams();
  if (filter.type) params.set('type', filter.type);
  if (filter.action) params.set('action', filter.action);
  params.set('limit', String(filter.limit ?? 200));
  return params.toString();
}

export const eventsApi = {
  containerEvents: (id: string, filter: EventFilter = {}): Promise<ApiResult<ContainerEventList>> =>
    request(`/api/containers/${encodeURIComponent(id)}/events?${query(filter)}`),
  hostEvents: (id: string, filter: EventFilter = {}): Promise<ApiResult<ContainerEventList>> =>
    request(`/api/hosts/${encodeURIComponent(id)}/events?${query(filter)}`),
  containerHealth: (id: string): Promise<ApiResult<ContainerHealthView>> =>
    request(`/api/containers/${encodeURIComponent(id)}/health`),
};
