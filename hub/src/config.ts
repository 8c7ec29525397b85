/**
 * The hub's configuration: one zod schema over the environment, parsed once at start. Nothing
 * else in the hub reads `process.env`. A bad value stops the process (exit 2) with a message
 * naming the variable and what is allowed.
 * @module
 */

import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { passwordProblems } from './auth/password-policy.js';
import { SSO_ENV, type SsoConfig, ssoConfig } from './auth/sso/config.js';
import { SECURITY_ENV, type SecurityConfig, securityConfig } from './config-security.js';
import { checkSignInEnv, SIGN_IN_ENV, type SignInConfig, signInConfig } from './config-sign-in.js';

/** The repository root, for the defaults that point into sibling workspaces. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalText = z.preprocess(emptyAsUndefined, z.string().optional());
const intervalMs = z.coerce
  .number()
  .int('must be a whole number of milliseconds')
  .min(1000, 'must be between 1000 and 3600000')
  .max(3_600_000, 'must be between 1000 and 3600000')
  .default(10_000);

const DURATION_UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** `48h`, `14d`, `2w`… → milliseconds; at least one hour, since retention works on whole buckets. */
const retention = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const m = /^\s*(\d+)\s*([smhdw])\s*$/.exec(text);
      const ms =
        m?.[1] && m[2] ? Number(m[1]) * DURATION_UNITS[m[2] as keyof typeof DURATION_UNITS] : Number.NaN;
      if (!(ms >= 3_600_000)) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1h, e.g. 48h, 14d or 2w' });
        return z.NEVER;
      }
      return ms;
    });

/** A duration with a unit (`90s`, `30m`, `24h`, `2d`) between `min` and 30 days, in ms. */
const duration = (fallback: string, minMs: number, minText: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const m = /^\s*(\d+)\s*([smhdw])\s*$/.exec(text);
      const ms =
        m?.[1] && m[2] ? Number(m[1]) * DURATION_UNITS[m[2] as keyof typeof DURATION_UNITS] : Number.NaN;
      if (!(ms >= minMs && ms <= 30 * 86_400_000)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration from ${minText} to 30d, e.g. 90s, 30m, 24h or 2d`,
        });
        return z.NEVER;
      }
      return ms;
    });
/** `10s`, `1m`, or plain seconds → milliseconds, between 1 s and 1 h. */
const evalInterval = z
  .string()
  .default('10s')
  .transform((text, ctx) => {
    const m = /^\s*(\d+)\s*([smh]?)\s*$/.exec(text);
    const unit = (m?.[2] || 's') as 's' | 'm' | 'h';
    const ms = m?.[1] ? Number(m[1]) * DURATION_UNITS[unit] : Number.NaN;
    if (!(ms >= 1000 && ms <= 3_600_000)) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration between 1s and 1h, e.g. 10s, 30 or 1m' });
      return z.NEVER;
    }
    return ms;
  });

export const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535, 'must be a port number 0-65535').default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    UNITY_DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
        .optional(),
    ),
    UNITY_ADMIN_USER: z.preprocess(emptyAsUndefined, z.string().min(1).max(128).optional()),
    UNITY_ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().max(1024).optional()),
    UNITY_PUBLIC_URL: z.preprocess(
      emptyAsUndefined,
      z
        .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
        .transform((u) => u.replace(/\/+$/, ''))
        .optional(),
    ),
    UNITY_BOOTSTRAP_TOKEN: z.preprocess(
      emptyAsUndefined,
      z.string().min(32, 'must be at least 32 characters').max(256).optional(),
    ),
    UNITY_HOST_INTERVAL_MS: intervalMs,
    UNITY_CONTAINER_INTERVAL_MS: intervalMs,
    UNITY_ALERT_EVAL_INTERVAL: evalInterval,
    UNITY_AGENT_OFFLINE_AFTER_MS: z.coerce.number().int().min(1000, 'must be at least 1000').default(30_000),
    UNITY_SECURE_COOKIES: z.enum(['auto', 'true', 'false'], 'must be auto, true or false').default('auto'),
    UNITY_RETENTION_RAW: retention('48h'),
    UNITY_RETENTION_1M: retention('14d'),
    UNITY_RETENTION_5M: retention('90d'),
    UNITY_RETENTION_1H: retention('730d'),
    UNITY_RETENTION_LOGS: retention('7d'),
    UNITY_METRICS_TOKEN: z.preprocess(
      emptyAsUndefined,
      z.string().min(16, 'must be at least 16 characters').max(256).optional(),
    ),
    /** A second listener serving only `/metrics`, without a token (a port the scraper alone reaches). */
    UNITY_METRICS_PORT: z.preprocess(
      emptyAsUndefined,
      z.coerce.number().int().min(0).max(65535, 'must be a port number 0-65535').optional(),
    ),
    UNITY_METRICS_HOST: optionalText,
    UNITY_SECRET_KEY: z.preprocess(
      emptyAsUndefined,
      z.string().min(32, 'must be at least 32 characters').max(1024).optional(),
    ),
    UNITY_NOTIFY_MAX_AGE: duration('24h', 60_000, '1m'),
    UNITY_APPRISE_COMMAND: z.string().min(1).default('apprise'),
    UNITY_PASSWORD_HISTORY: z.coerce.number().int().min(0).max(24, 'must be 0-24').default(0),
    /** "Remember this device" skips the second factor on that browser for this many days; 0 turns it off. */
    UNITY_REMEMBER_DEVICE_DAYS: z.coerce.number().int().min(0).max(365, 'must be 0-365').default(30),
    UNITY_UI_DIR: optionalText,
    UNITY_AGENT_BUNDLE: optionalText,
    UNITY_INSTALL_SCRIPT: optionalText,
    LOG_LEVEL: z
      .enum(
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        'must be one of fatal, error, warn, info, debug, trace, silent',
      )
      .default('info'),
    ...SECURITY_ENV,
    ...SIGN_IN_ENV,
    ...SSO_ENV,
  })
  .superRefine((env, ctx) => {
    // Half an admin account is a mistake the operator should hear about, not a silent setup URL.
    if (Boolean(env.UNITY_ADMIN_USER) !== Boolean(env.UNITY_ADMIN_PASSWORD)) {
      const missing = env.UNITY_ADMIN_USER ? 'UNITY_ADMIN_PASSWORD' : 'UNITY_ADMIN_USER';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'set both UNITY_ADMIN_USER and UNITY_ADMIN_PASSWORD, or neither',
      });
    }
    // The first admin's password meets the same policy as one chosen in the UI.
    if (env.UNITY_ADMIN_PASSWORD) {
      const problems = passwordProblems(env.UNITY_ADMIN_PASSWORD, { username: env.UNITY_ADMIN_USER });
      if (problems.length > 0)
        ctx.addIssue({ code: 'custom', path: ['UNITY_ADMIN_PASSWORD'], message: problems.join('; ') });
    }
    checkSignInEnv(env, env.UNITY_PUBLIC_URL, (path, message) =>
      ctx.addIssue({ code: 'custom', path: [path], message }),
    );
  });

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  admin: { username: string; password: string } | undefined;
  /** Base URL without a trailing slash, used in the install command and the setup URL. */
  publicUrl: string;
  bootstrapToken: string | undefined;
  hostIntervalMs: number;
  containerIntervalMs: number;
  agentOfflineAfterMs: number;
  /** How often alert rules are evaluated, in ms. */
  alertEvalIntervalMs: number;
  secureCookies: 'auto' | 'true' | 'false';
  /** How long each resolution is kept, in ms. */
  retention: Retention;
  /** How long shipped log lines are kept, in ms. */
  logRetentionMs: number;
  /** Bearer token for `/metrics`; undefined leaves the endpoint off. */
  metricsToken: string | undefined;
  /** `/metrics` open (no token) on its own listener; undefined: no such listener. 0 picks a free port. */
  metricsListener: { port: number; host: string } | undefined;
  notify: NotifyConfig;
  uiDir: string;
  agentBundle: string;
  installScript: string;
  logLevel: string;
  /** How many earlier passwords a user may not reuse; 0 (NIST's advice) turns the rule off. */
  passwordHistory: number;
  /** Days a "remember this device" cookie skips the second-factor challenge; 0: the option is off. */
  rememberDeviceDays: number;
} & SecurityConfig &
  SignInConfig &
  SsoConfig;

export type NotifyConfig = {
  /** Seals channel secrets at rest; when unset, a key file in the data directory is used. */
  secretKey: string | undefined;
  /** How long a delivery is retried before it is marked failed, ms. */
  maxAgeMs: number;
  /** The Apprise CLI (Debian package `apprise`), run without a shell. */
  appriseCommand: string;
};

export type Retention = { raw: number; '1m': number; '5m': number; '1h': number };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment; throws ConfigError naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') || '(environment)';
    throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  const publicUrl = e.UNITY_PUBLIC_URL ?? `http://${hostname() || 'localhost'}:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.UNITY_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    admin:
      e.UNITY_ADMIN_USER && e.UNITY_ADMIN_PASSWORD
        ? { username: e.UNITY_ADMIN_USER, password: e.UNITY_ADMIN_PASSWORD }
        : undefined,
    publicUrl,
    bootstrapToken: e.UNITY_BOOTSTRAP_TOKEN,
    hostIntervalMs: e.UNITY_HOST_INTERVAL_MS,
    containerIntervalMs: e.UNITY_CONTAINER_INTERVAL_MS,
    agentOfflineAfterMs: e.UNITY_AGENT_OFFLINE_AFTER_MS,
    alertEvalIntervalMs: e.UNITY_ALERT_EVAL_INTERVAL,
    secureCookies: e.UNITY_SECURE_COOKIES,
    retention: {
      raw: e.UNITY_RETENTION_RAW,
      '1m': e.UNITY_RETENTION_1M,
      '5m': e.UNITY_RETENTION_5M,
      '1h': e.UNITY_RETENTION_1H,
    },
    logRetentionMs: e.UNITY_RETENTION_LOGS,
    metricsToken: e.UNITY_METRICS_TOKEN,
    metricsListener:
      e.UNITY_METRICS_PORT === undefined
        ? undefined
        : { port: e.UNITY_METRICS_PORT, host: e.UNITY_METRICS_HOST ?? e.HOST },
    notify: {
      secretKey: e.UNITY_SECRET_KEY,
      maxAgeMs: e.UNITY_NOTIFY_MAX_AGE,
      appriseCommand: e.UNITY_APPRISE_COMMAND,
    },
    uiDir: resolve(e.UNITY_UI_DIR ?? resolve(repoRoot, 'ui', 'dist')),
    agentBundle: resolve(e.UNITY_AGENT_BUNDLE ?? resolve(repoRoot, 'agent', 'dist', 'unity-agent.mjs')),
    installScript: resolve(e.UNITY_INSTALL_SCRIPT ?? resolve(repoRoot, 'install.sh')),
    logLevel: e.LOG_LEVEL,
    ...securityConfig(e),
    ...ssoConfig(e),
    passwordHistory: e.UNITY_PASSWORD_HISTORY,
    rememberDeviceDays: e.UNITY_REMEMBER_DEVICE_DAYS,
    ...signInConfig(e, publicUrl),
  };
}

/** Reads `process.env` once; on a bad value prints `config error: VAR: …` and exits with code 2. */
export function loadConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`config error: ${e.message}\n`);
    process.exit(2);
  }
}
