/**
 * The second-factor endpoints: my enrolment and backup codes, the sign-in code step, and the
 * per-role requirement admins set.
 * @module
 */
import type {
  BackupCodes,
  Me,
  Role,
  SecondFactorChallenge,
  SecondFactorProof,
  SecondFactorStatus,
  TotpEnrolment,
} from '@unity/shared';
import { request } from './client.js';

const BASE = '/api/me/second-factor';

export const secondFactorApi = {
  status: () => request<SecondFactorStatus>(BASE),
  startTotp: () => request<TotpEnrolment>(`${BASE}/totp`, { method: 'POST' }),
  confirmTotp: (code: string) =>
    request<BackupCodes>(`${BASE}/totp/confirm`, { method: 'POST', body: { code } }),
  regenerateBackupCodes: (proof: SecondFactorProof) =>
    request<BackupCodes>(`${BASE}/backup-codes`, { method: 'POST', body: proof }),
  disable: (proof: SecondFactorProof) => request<null>(`${BASE}/disable`, { method: 'POST', body: proof }),
  /** The code step of a sign-in: its 401s are wrong codes, not an ended session. */
  challenge: (body: SecondFactorChallenge) =>
    request<Me>('/api/auth/second-factor', { method: 'POST', body, quiet401: true }),
  setRoleRequirement: (roleId: string, required: boolean) =>
    request<Role>(`/api/roles/${encodeURIComponent(roleId)}/second-factor`, {
      method: 'PUT',
      body: { required },
    }),
};
