/**
 * Unity as an OpenID Connect provider: the relying parties ("Sign in with Unity" apps) admins
 * register. A confidential client's secret is shown once, in the create answer, and never again.
 * @module
 */
import { z } from 'zod';

/** Scopes a client may be allowed; `openid` is always granted. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'groups', 'offline_access'] as const;
export const OidcScopeSchema = z.enum(OIDC_SCOPES);

/** An http(s) redirect URI; a fragment is not allowed in one (RFC 6749 §3.1.2). */
const RedirectUriSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2000)
  .refine((v) => !v.includes('#'), 'must not contain a fragment');

export const OidcClientInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(['confidential', 'public']),
  redirectUris: z.array(RedirectUriSchema).min(1).max(20),
  postLogoutRedirectUris: z.array(RedirectUriSchema).max(20).default([]),
  scopes: z.array(OidcScopeSchema).max(OIDC_SCOPES.length).default(['openid', 'profile', 'email', 'groups']),
});
export type OidcClientInput = z.input<typeof OidcClientInputSchema>;

/** An update changes everything but the kind (a secret is made or dropped only by re-creating). */
export const OidcClientUpdateSchema = OidcClientInputSchema.omit({ kind: true });
export type OidcClientUpdate = z.input<typeof OidcClientUpdateSchema>;

export const OidcClientSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['confidential', 'public']),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OidcClient = z.infer<typeof OidcClientSchema>;

export const OidcClientListSchema = z.object({ items: z.array(OidcClientSchema) });

/** The create answer: the client, plus its secret this one time (confidential clients). */
export const OidcClientCreatedSchema = OidcClientSchema.extend({ secret: z.string().nullable() });
export type OidcClientCreated = z.infer<typeof OidcClientCreatedSchema>;
