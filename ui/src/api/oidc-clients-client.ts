/**
 * The apps that sign in with Unity (Unity as an OIDC provider): list, register (the answer
 * carries a confidential client's secret, once), edit and delete. Answers are parsed with the
 * shared zod schemas.
 * @module
 */
import {
  type OidcClient,
  type OidcClientCreated,
  OidcClientCreatedSchema,
  type OidcClientInput,
  OidcClientListSchema,
  OidcClientSchema,
  type OidcClientUpdate,
} from '@unity/shared';
import { type ApiResult, parsed, request } from './client.js';

export const oidcClientsApi = {
  list: async (): Promise<ApiResult<OidcClient[]>> => {
    const res = await parsed(request('/api/oidc-clients'), OidcClientListSchema);
    return res.ok ? { ok: true, value: res.value.items } : res;
  },
  create: (input: OidcClientInput): Promise<ApiResult<OidcClientCreated>> =>
    parsed(request('/api/oidc-clients', { method: 'POST', body: input }), OidcClientCreatedSchema),
  update: (id: string, input: OidcClientUpdate): Promise<ApiResult<OidcClient>> =>
    parsed(
      request(`/api/oidc-clients/${encodeURIComponent(id)}`, { method: 'PUT', body: input }),
      OidcClientSchema,
    ),
  remove: (id: string) => request<null>(`/api/oidc-clients/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
