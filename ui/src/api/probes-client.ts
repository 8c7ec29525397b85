/**
 * The probes endpoints the Probes pages use: definitions (list, create, change, delete), one
 * probe's results and uptime, and whether its badges are public.
 * @module
 */
import type { Probe, ProbeResult, ProbeSpecInput, ProbeStatus, ProbeUptime, PublicFlag } from '@unity/shared';
import { type ApiResult, request } from './client.js';

/** `public` (whether its badges answer) comes with one probe, not with the list. */
export type ProbeWithStatus = Probe & { status: ProbeStatus; public?: boolean };
export type ProbeWithUrl = Probe & { pushUrl?: string };
/** A stored series of a Prometheus scrape probe (`GET /api/series?source=probe:<id>`). */
export type ScrapedSeries = { id: number; source: string; name: string; labels: Record<string, string> };
export type SeriesPoint = { t: number; value: number; valueMin: number; valueMax: number };

const id = encodeURIComponent;

export const probesApi = {
  list: async (): Promise<ApiResult<ProbeWithStatus[]>> => {
    const res = await request<{ items: ProbeWithStatus[] }>('/api/probes');
    return res.ok ? { ok: true, value: res.value.items } : res;
  },
  get: (probeId: string) => request<ProbeWithStatus>(`/api/probes/${id(probeId)}`),
  /** A push probe comes back with its ping URL, shown this once. */
  create: (body: ProbeSpecInput) => request<ProbeWithUrl>('/api/probes', { method: 'POST', body }),
  update: (probeId: string, body: Partial<ProbeSpecInput>) =>
    request<ProbeWithUrl>(`/api/probes/${id(probeId)}`, { method: 'PATCH', body }),
  /** A push probe's new ping URL; the old one stops working. */
  rotatePushToken: (probeId: string) =>
    request<{ pushUrl: string }>(`/api/probes/${id(probeId)}/push-token`, { method: 'POST', body: {} }),
  remove: (probeId: string) => request<null>(`/api/probes/${id(probeId)}`, { method: 'DELETE' }),
  results: async (
    probeId: string,
    query: { from?: number; limit?: number } = {},
  ): Promise<ApiResult<ProbeResult[]>> => {
    const params = new URLSearchParams();
    if (query.from !== undefined) params.set('from', String(query.from));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const res = await request<{ items: ProbeResult[] }>(`/api/probes/${id(probeId)}/results?${params}`);
    return res.ok ? { ok: true, value: res.value.items } : res;
  },
  /** The series a Prometheus scrape probe stored. */
  series: async (probeId: string): Promise<ApiResult<ScrapedSeries[]>> => {
    const res = await request<{ items: ScrapedSeries[] }>(`/api/series?source=${id(`probe:${probeId}`)}`);
    return res.ok ? { ok: true, value: res.value.items } : res;
  },
  /** Every stored series the caller may see (metric names for the alert rule editor). */
  allSeries: async (): Promise<ApiResult<ScrapedSeries[]>> => {
    const res = await request<{ items: ScrapedSeries[] }>('/api/series');
    return res.ok ? { ok: true, value: res.value.items } : res;
  },
  seriesPoints: (seriesId: number, from: number, to: number, points: number) =>
    request<{ resolution: string; points: SeriesPoint[] }>(
      `/api/series/${seriesId}/points?from=${Math.floor(from)}&to=${Math.ceil(to)}&points=${points}`,
    ),
  uptime: (probeId: string) => request<ProbeUptime>(`/api/probes/${id(probeId)}/uptime`),
  setPublic: (probeId: string, body: PublicFlag) =>
    request<PublicFlag & { id: string }>(`/api/probes/${id(probeId)}/public`, { method: 'PUT', body }),
};

/** What a probe checks, in one line. */
export function probeTarget(p: Probe): string {
  switch (p.kind) {
    case 'http':
      return `${p.method} ${p.url}`;
    case 'tcp':
      return `${p.host}:${p.port}`;
    case 'ping':
      return p.host;
    case 'dns':
      return `${p.recordType} ${p.query}${p.server ? ` @${p.server}` : ''}`;
    case 'postgres':
    case 'mysql':
    case 'redis':
      // Never show a password from the URL.
      return p.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    case 'prometheus':
      return `scrape ${p.url}`;
    case 'container':
      return `container ${p.container}${p.engine ? ` (${p.engine})` : ''}`;
    case 'push':
      return p.cron ? `cron ${p.cron} (${p.timeZone})` : `every ${p.periodSeconds} s`;
  }
}
