/**
 * The sessions and audit-log endpoints: my sessions (list, revoke one, revoke all others) and
 * the admins' filtered audit log with its CSV/JSON export links. Answers are parsed with the
 * shared zod schemas, so an unexpected answer shows as an error rather than a broken page.
 * @module
 */
import {
  type AuditEntry,
  AuditListSchema,
  type IpRuleInput,
  type IpRulesView,
  IpRulesViewSchema,
  type SessionInfo,
  SessionListSchema,
  SessionsRevokedSchema,
} from '@unity/shared';
import { type ApiResult, parsed, request } from './client.js';

export type AuditFilter = { actor?: string; action?: string; target?: string; from?: number; to?: number };

/** The query string for a filter (empty fields left out). */
export function auditQuery(filter: AuditFilter, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, ...extra })) {
    if (v !== undefined && v !== '') params.set(k, String(v));
  }
  return params.toString();
}

export const securityApi = {
  sessions: async (): Promise<ApiResult<SessionInfo[]>> => {
    const res = await parsed(request('/api/sessions'), SessionListSchema);
    return res.ok ? { ok: true, value: res.value.items } : res;
  },
  revokeSession: (id: string) =>
    request<null>(`/api/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  revokeOtherSessions: () => parsed(request('/api/sessions', { method: 'DELETE' }), SessionsRevokedSchema),
  auditLog: (
    filter: AuditFilter,
    before?: number,
  ): Promise<ApiResult<{ items: AuditEntry[]; nextBefore: number | null }>> =>
    parsed(
      request(`/api/audit-log?${auditQuery(filter, { limit: 100, ...(before ? { before } : {}) })}`),
      AuditListSchema,
    ),
  ipRules: (): Promise<ApiResult<IpRulesView>> =>
    parsed(request('/api/security/ip-rules'), IpRulesViewSchema),
  /** Replaces the admin-managed rules; a set that would lock the caller out answers 400. */
  saveIpRules: (rules: IpRuleInput[]): Promise<ApiResult<IpRulesView>> =>
    parsed(request('/api/security/ip-rules', { method: 'PUT', body: { rules } }), IpRulesViewSchema),
  /** A link that downloads the filtered log (the browser sends the session cookie). */
  exportUrl: (filter: AuditFilter, format: 'csv' | 'json') =>
    `/api/audit-log?${auditQuery(filter, { format, limit: 1000 })}`,
};
