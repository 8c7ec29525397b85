/**
 * The SSO part of the hub's environment (docs/configuration.md): providers defined by
 * `UNITY_SSO_PROVIDERS` (a JSON array, the same fields as the admin API, client secret included)
 * and the break-glass switch `UNITY_PASSWORD_SIGNIN_BREAK_GLASS`, which keeps password sign-in
 * working when an admin turned it off and the identity provider is unreachable. The shape is
 * spread into config.ts's one schema, like config-security.ts.
 * @module
 */
import { SsoProviderCreateSchema } from '@unity/shared';
import { z } from 'zod';

const providerList = z.preprocess(
  (v) => {
    if (v === undefined || v === '') return [];
    try {
      return JSON.parse(String(v));
    } catch {
      return 'not JSON';
    }
  },
  z.array(SsoProviderCreateSchema, 'must be a JSON array of providers (see docs/configuration.md)'),
);

export const SSO_ENV = {
  UNITY_SSO_PROVIDERS: providerList,
  UNITY_PASSWORD_SIGNIN_BREAK_GLASS: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .transform((v) => v === 'true'),
};

type SsoEnv = z.infer<z.ZodObject<typeof SSO_ENV>>;

export type SsoConfig = {
  sso: {
    envProviders: SsoEnv['UNITY_SSO_PROVIDERS'];
    passwordBreakGlass: boolean;
  };
};

export const ssoConfig = (e: SsoEnv): SsoConfig => ({
  sso: { envProviders: e.UNITY_SSO_PROVIDERS, passwordBreakGlass: e.UNITY_PASSWORD_SIGNIN_BREAK_GLASS },
});
