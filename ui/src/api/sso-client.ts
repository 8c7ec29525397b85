/**
 * Identity-provider endpoints: the sign-in page's options (public, outside /api), the user's
 * linked accounts, and the admin's provider settings.
 * @module
 */
import type {
  SsoLinks,
  SsoProvider,
  SsoProviderCreate,
  SsoProviderUpdate,
  SsoSettings,
  SsoSignInOptions,
} from '@unity/shared';
import { request } from './client.js';

const enc = encodeURIComponent;

export const ssoApi = {
  signInOptions: () => request<SsoSignInOptions>('/auth/sso/providers', { quiet401: true }),
  /** Where the browser goes to sign in through a provider (a full navigation, not a fetch). */
  startUrl: (providerId: string, next: string) => `/auth/sso/${enc(providerId)}/start?next=${enc(next)}`,
  links: () => request<SsoLinks>('/api/me/sso'),
  link: (providerId: string) =>
    request<{ url: string }>(`/api/me/sso/${enc(providerId)}/link`, { method: 'POST' }),
  unlink: (identityId: string) => request<null>(`/api/me/sso/${enc(identityId)}`, { method: 'DELETE' }),
  providers: () => request<{ items: SsoProvider[] }>('/api/sso-providers'),
  create: (body: SsoProviderCreate) => request<SsoProvider>('/api/sso-providers', { method: 'POST', body }),
  update: (id: string, body: SsoProviderUpdate) =>
    request<SsoProvider>(`/api/sso-providers/${enc(id)}`, { method: 'PUT', body }),
  remove: (id: string) => request<null>(`/api/sso-providers/${enc(id)}`, { method: 'DELETE' }),
  settings: () => request<SsoSettings>('/api/sso-settings'),
  setSettings: (passwordSignIn: boolean) =>
    request<SsoSettings>('/api/sso-settings', { method: 'PUT', body: { passwordSignIn } }),
};
