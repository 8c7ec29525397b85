/**
 * The part of the hub's environment that passkeys and mailed codes need: WebAuthn's relying
 * party (its RP ID and the origins a browser may sign for, both derived from UNITY_PUBLIC_URL
 * unless set) and the SMTP server the hub mails one-time codes through. Its zod shape is spread
 * into config.ts's one schema; `signInConfig` maps the parsed values.
 * @module
 */
import { z } from 'zod';

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

const origins = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .transform((text, ctx) => {
      const list = text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const item of list) {
        let url: URL | undefined;
        try {
          url = new URL(item);
        } catch {}
        if (!url || !/^https?:$/.test(url.protocol) || url.origin !== item.replace(/\/+$/, '')) {
          ctx.addIssue({
            code: 'custom',
            message: `"${item}" is not an origin; expected a comma-separated list like https://unity.example.com`,
          });
          return z.NEVER;
        }
      }
      return list.map((o) => o.replace(/\/+$/, ''));
    })
    .optional(),
);

export const SIGN_IN_ENV = {
  UNITY_WEBAUTHN_RP_ID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z0-9.-]{1,253}$/i, 'must be a domain name, e.g. example.com')
      .transform((s) => s.toLowerCase())
      .optional(),
  ),
  UNITY_WEBAUTHN_ORIGINS: origins,
  UNITY_SMTP_HOST: z.preprocess(emptyAsUndefined, z.string().max(253).optional()),
  UNITY_SMTP_PORT: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(65535, 'must be a port number 1-65535').optional(),
  ),
  UNITY_SMTP_SECURITY: z
    .enum(['starttls', 'tls', 'none'], 'must be starttls, tls or none')
    .default('starttls'),
  UNITY_SMTP_USERNAME: z.preprocess(emptyAsUndefined, z.string().max(256).optional()),
  UNITY_SMTP_PASSWORD: z.preprocess(emptyAsUndefined, z.string().max(1024).optional()),
  UNITY_SMTP_FROM: z.preprocess(emptyAsUndefined, z.string().max(256).optional()),
  UNITY_SMTP_VERIFY_CERTIFICATE: z
    .enum(['true', 'false'], 'must be true or false')
    .default('true')
    .transform((v) => v === 'true'),
};

type SignInEnv = z.infer<z.ZodObject<typeof SIGN_IN_ENV>>;

export type SmtpConfig = {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  username: string | undefined;
  password: string | undefined;
  from: string;
  verifyCertificate: boolean;
};

export type SignInConfig = {
  webauthn: {
    /** The relying party id: the public URL's host name unless UNITY_WEBAUTHN_RP_ID says otherwise. */
    rpId: string;
    /** Origins a browser may have signed for: the public URL's origin unless UNITY_WEBAUTHN_ORIGINS is set. */
    origins: string[];
  };
  /** Mail for one-time codes; undefined when UNITY_SMTP_HOST is unset (no codes are offered). */
  smtp: SmtpConfig | undefined;
};

/** Cross-field checks: an RP ID every origin can use (WebAuthn §5.1.3: equal or a parent domain). */
export function checkSignInEnv(
  env: SignInEnv,
  publicUrl: string | undefined,
  addIssue: (path: string, message: string) => void,
): void {
  if (env.UNITY_SMTP_HOST && !env.UNITY_SMTP_FROM) {
    addIssue('UNITY_SMTP_FROM', 'set the sender address when UNITY_SMTP_HOST is set');
  }
  if (Boolean(env.UNITY_SMTP_USERNAME) !== Boolean(env.UNITY_SMTP_PASSWORD) && env.UNITY_SMTP_HOST) {
    addIssue('UNITY_SMTP_PASSWORD', 'set both UNITY_SMTP_USERNAME and UNITY_SMTP_PASSWORD, or neither');
  }
  if (!env.UNITY_WEBAUTHN_RP_ID) return;
  const rpId = env.UNITY_WEBAUTHN_RP_ID;
  const list = env.UNITY_WEBAUTHN_ORIGINS ?? (publicUrl ? [new URL(publicUrl).origin] : []);
  for (const origin of list) {
    const host = new URL(origin).hostname;
    if (host !== rpId && !host.endsWith(`.${rpId}`)) {
      addIssue('UNITY_WEBAUTHN_RP_ID', `must be ${host} or a parent domain of it (origin ${origin})`);
      return;
    }
  }
}

export function signInConfig(e: SignInEnv, publicUrl: string): SignInConfig {
  const url = new URL(publicUrl);
  return {
    webauthn: {
      rpId: e.UNITY_WEBAUTHN_RP_ID ?? url.hostname,
      origins: e.UNITY_WEBAUTHN_ORIGINS ?? [url.origin],
    },
    smtp:
      e.UNITY_SMTP_HOST && e.UNITY_SMTP_FROM
        ? {
            host: e.UNITY_SMTP_HOST,
            port: e.UNITY_SMTP_PORT ?? (e.UNITY_SMTP_SECURITY === 'tls' ? 465 : 587),
            security: e.UNITY_SMTP_SECURITY,
            username: e.UNITY_SMTP_USERNAME,
            password: e.UNITY_SMTP_PASSWORD,
            from: e.UNITY_SMTP_FROM,
            verifyCertificate: e.UNITY_SMTP_VERIFY_CERTIFICATE,
          }
        : undefined,
  };
}
