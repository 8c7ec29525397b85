/**
 * The passkey and mailed-code endpoints: my passkeys (list, add, rename, delete), passwordless
 * sign-in, the passkey and mailed-code answers to the sign-in challenge, and e-mail verification.
 * @module
 */
import type {
  AuthenticationResponse,
  EmailCodeSent,
  EmailVerificationStatus,
  Me,
  Passkey,
  PasskeyList,
  PasskeyOptions,
  RegistrationResponse,
  SecondFactorProof,
} from '@unity/shared';
import { request } from './client.js';

const MINE = '/api/me/passkeys';
const id = encodeURIComponent;

export const passkeyApi = {
  list: () => request<PasskeyList>(MINE),
  registrationOptions: () => request<PasskeyOptions>(`${MINE}/options`, { method: 'POST' }),
  add: (name: string, response: RegistrationResponse) =>
    request<Passkey>(MINE, { method: 'POST', body: { name, response } }),
  rename: (passkeyId: string, name: string) =>
    request<Passkey>(`${MINE}/${id(passkeyId)}`, { method: 'PATCH', body: { name } }),
  remove: (passkeyId: string, proof: SecondFactorProof) =>
    request<null>(`${MINE}/${id(passkeyId)}`, { method: 'DELETE', body: proof }),

  /** Sign-in calls: their 401s are refused passkeys, not an ended session. */
  signInOptions: () =>
    request<PasskeyOptions>('/api/auth/passkey/options', { method: 'POST', quiet401: true }),
  signIn: (response: AuthenticationResponse, remember: boolean) =>
    request<Me>('/api/auth/passkey', { method: 'POST', body: { response, remember }, quiet401: true }),
  challengeOptions: () =>
    request<PasskeyOptions>('/api/auth/second-factor/passkey/options', { method: 'POST', quiet401: true }),
  challenge: (response: AuthenticationResponse, rememberDevice: boolean) =>
    request<Me>('/api/auth/second-factor/passkey', {
      method: 'POST',
      body: { response, rememberDevice },
      quiet401: true,
    }),
  mailSignInCode: () =>
    request<EmailCodeSent>('/api/auth/second-factor/email', { method: 'POST', quiet401: true }),

  emailStatus: () => request<EmailVerificationStatus>('/api/me/email-verification'),
  mailVerificationCode: () => request<EmailCodeSent>('/api/me/email-verification', { method: 'POST' }),
  confirmEmail: (code: string) =>
    request<null>('/api/me/email-verification/confirm', { method: 'POST', body: { code } }),
};
