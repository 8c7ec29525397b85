/**
 * The status pages endpoints the Status pages section uses: pages (list, create, change,
 * delete), their incidents with updates and their maintenance notices.
 * @module
 */
import type {
  Container,
  Incident,
  IncidentInput,
  IncidentUpdateInput,
  MaintenanceNotice,
  MaintenanceNoticeInput,
  StatusPage,
  StatusPageDetail,
  StatusPagePatch,
} from '@unity/shared';
import { type ApiResult, request } from './client.js';

const id = encodeURIComponent;
const base = (pageId: string) => `/api/status-pages/${id(pageId)}`;

/** What the create form sends: the hub fills in the defaults. */
export type NewStatusPage = { title: string; slug: string } & StatusPagePatch;

export const statusPagesApi = {
  list: async (): Promise<ApiResult<StatusPage[]>> => {
    const res = await request<{ items: StatusPage[] }>('/api/status-pages');
    return res.ok ? { ok: true, value: res.value.items } : res;
  },
  get: (pageId: string) => request<StatusPageDetail>(base(pageId)),
  create: (body: NewStatusPage) => request<StatusPage>('/api/status-pages', { method: 'POST', body }),
  update: (pageId: string, body: StatusPagePatch) =>
    request<StatusPage>(base(pageId), { method: 'PATCH', body }),
  remove: (pageId: string) => request<null>(base(pageId), { method: 'DELETE' }),
  createIncident: (pageId: string, body: Partial<IncidentInput> & { title: string; message: string }) =>
    request<Incident>(`${base(pageId)}/incidents`, { method: 'POST', body }),
  postUpdate: (pageId: string, incidentId: string, body: IncidentUpdateInput) =>
    request<Incident>(`${base(pageId)}/incidents/${id(incidentId)}/updates`, { method: 'POST', body }),
  removeIncident: (pageId: string, incidentId: string) =>
    request<null>(`${base(pageId)}/incidents/${id(incidentId)}`, { method: 'DELETE' }),
  createMaintenance: (pageId: string, body: Partial<MaintenanceNoticeInput> & { title: string }) =>
    request<MaintenanceNotice>(`${base(pageId)}/maintenance`, { method: 'POST', body }),
  removeMaintenance: (pageId: string, noticeId: string) =>
    request<null>(`${base(pageId)}/maintenance/${id(noticeId)}`, { method: 'DELETE' }),
  /** Every container the user may read, to choose from. */
  containers: async (): Promise<ApiResult<Container[]>> => {
    const res = await request<{ items: Container[] }>('/api/containers');
    return res.ok ? { ok: true, value: res.value.items } : res;
  },
};

/** Where the public page of `slug` lives (on this hub's origin). */
export const publicPath = (slug: string) => `/status/${encodeURIComponent(slug)}`;
