/**
 * A host's speed tests: the history with the schedule, run now, and setting the schedule.
 * @module
 */
import type { RunSpeedTestRequest, SpeedTest, SpeedTestList } from '@unity/shared';
import { type ApiResult, request } from './client.js';

const id = encodeURIComponent;

export const speedTestsApi = {
  list: (hostId: string, limit = 100): Promise<ApiResult<SpeedTestList>> =>
    request<SpeedTestList>(`/api/hosts/${id(hostId)}/speed-tests?limit=${limit}`),
  run: (hostId: string, body: RunSpeedTestRequest = {}) =>
    request<SpeedTest>(`/api/hosts/${id(hostId)}/speed-tests`, { method: 'POST', body }),
  /** `null` turns scheduled tests off. */
  setSchedule: (hostId: string, intervalMinutes: number | null) =>
    request<{ intervalMinutes: number | null }>(`/api/hosts/${id(hostId)}/speed-tests/schedule`, {
      method: 'PUT',
      body: { intervalMinutes },
    }),
};
