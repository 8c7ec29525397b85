/**
 * Sign-in with identity providers (issue 9): provider configuration as admins write it and read
 * it back (the client secret is write-only: requests may carry it, answers only say whether one
 * is set), the public list the sign-in page shows, and the linked accounts of the profile page.
 * Provider kinds are a union so SAML can join later as one more member.
 * @module
 */
import { z } from 'zod';

export const SSO_KINDS = ['oidc', 'google', 'gitlab', 'github'] as const;
export type SsoKind = (typeof SSO_KINDS)[number];

const BuiltInRole = z.enum(['admin', 'editor', 'viewer']);

export const SsoRoleRuleSchema = z.object({
  /** A value of the role claim (an IdP group, a GitHub organisation). */
  value: z.string().trim().min(1).max(200),
  role: BuiltInRole,
});

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain such as example.com');
const org = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,39}$/, 'must be a GitHub organisation login');

const ProviderFields = {
  kind: z.enum(SSO_KINDS),
  name: z.string().trim().min(1).max(80),
  /** OIDC: the issuer URL (required). GitLab/GitHub: a self-hosted base URL (empty: the public service). */
  issuer: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(500)]).default(''),
  clientId: z.string().trim().min(1).max(300),
  /** Space-separated; empty: the kind's defaults. */
  scopes: z
    .string()
    .trim()
    .max(500)
    .regex(/^[\w:./ -]*$/, 'must be scope names separated by spaces')
    .default(''),
  enabled: z.boolean().default(true),
  autoProvision: z.boolean().default(false),
  allowedDomains: z.array(domain).max(50).default([]),
  allowedOrgs: z.array(org).max(50).default([]),
  /** The claim the role rules read (default `groups`; `orgs` for GitHub). */
  roleClaim: z
    .string()
    .trim()
    .max(100)
    .regex(/^[\w.:-]*$/, 'must be a claim name')
    .default(''),
  roleMapping: z.array(SsoRoleRuleSchema).max(50).default([]),
  /** The role of an auto-provisioned account no rule matched; null: the account gets no role. */
  defaultRole: BuiltInRole.nullable().default('viewer'),
};

const checkIssuer = (p: { kind: SsoKind; issuer: string }, ctx: z.RefinementCtx) => {
  if (p.kind === 'oidc' && !p.issuer)
    ctx.addIssue({
      code: 'custom',
      path: ['issuer'],
      message: 'a generic OIDC provider needs its issuer URL',
    });
};

export const SsoProviderCreateSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or dashes'),
    ...ProviderFields,
    clientSecret: z.string().min(1).max(500).optional(),
  })
  .superRefine(checkIssuer);
export type SsoProviderCreate = z.input<typeof SsoProviderCreateSchema>;

/** A full replacement of the settings; a missing `clientSecret` keeps the stored one. */
export const SsoProviderUpdateSchema = z
  .object({ ...ProviderFields, clientSecret: z.string().min(1).max(500).optional() })
  .superRefine(checkIssuer);
export type SsoProviderUpdate = z.input<typeof SsoProviderUpdateSchema>;

export type SsoProvider = Omit<z.output<typeof SsoProviderCreateSchema>, 'clientSecret'> & {
  hasClientSecret: boolean;
  /** Defined by UNITY_SSO_PROVIDERS: read-only here. */
  fromEnv: boolean;
  /** What to register at the provider as the redirect (callback) URI. */
  redirectUri: string;
};

/** What the sign-in page shows, unauthenticated. */
export type SsoSignInOptions = {
  providers: { id: string; name: string; kind: SsoKind }[];
  passwordSignIn: boolean;
};

export const SsoSettingsSchema = z.object({ passwordSignIn: z.boolean() });
export type SsoSettings = z.infer<typeof SsoSettingsSchema> & {
  /** UNITY_PASSWORD_SIGNIN_BREAK_GLASS is set: password sign-in works whatever the setting says. */
  breakGlass: boolean;
};

export type SsoIdentity = {
  id: string;
  providerId: string;
  providerName: string;
  subject: string;
  email: string;
  createdAt: string;
  lastUsedAt: string | null;
};

export type SsoLinks = {
  identities: SsoIdentity[];
  /** Providers that can still be linked. */
  available: { id: string; name: string; kind: SsoKind }[];
  hasPassword: boolean;
};

/** The codes the callback puts in `/login?sso_error=…`; the sign-in page words each. */
export const SSO_ERROR_CODES = [
  'state_mismatch',
  'nonce_mismatch',
  'flow_expired',
  'provider_error',
  'provider_unavailable',
  'email_not_verified',
  'domain_not_allowed',
  'org_not_allowed',
  'not_provisioned',
  'account_disabled',
  'already_linked',
  'link_failed',
] as const;
export type SsoErrorCode = (typeof SSO_ERROR_CODES)[number];
