/**
 * The identity-and-access part of the hub's environment: sessions (PostgreSQL or Redis/Valkey),
 * brute-force regulation, IP rules, trusted proxies, header auth and audit retention. Its zod
 * shape is spread into config.ts's one schema; `securityConfig` maps the parsed values.
 * @module
 */
import { z } from 'zod';
import { type CidrList, parseCidrList } from './http/cidr.js';

const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

/** A duration with a unit (`90s`, `5m`, `12h`, `30d`) between `minMs` and `maxMs`, in ms. */
const span = (fallback: string, minMs: number, maxMs: number, range: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const m = /^\s*(\d+)\s*([smhdw])\s*$/.exec(text);
      const ms = m?.[1] && m[2] ? Number(m[1]) * UNITS[m[2] as keyof typeof UNITS] : Number.NaN;
      if (!(ms >= minMs && ms <= maxMs)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration from ${range}, e.g. 90s, 5m, 12h or 30d`,
        });
        return z.NEVER;
      }
      return ms;
    });

const cidrs = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const parsed = parseCidrList(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: `${parsed.error}; expected a comma-separated list of CIDRs` });
      return z.NEVER;
    }
    return parsed.value;
  });

const groupList = z
  .string()
  .default('')
  .transform((t) =>
    t
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const headerName = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .default(fallback)
    .transform((s) => s.toLowerCase());

const bool = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'], 'must be true or false')
    .default(fallback)
    .transform((v) => v === 'true');

export const SECURITY_ENV = {
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  UNITY_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1-64 letters, digits or :_.-')
    .default('unity:'),
  UNITY_SESSION_IDLE_TIMEOUT: span('12h', 60_000, 30 * UNITS.d, '1m to 30d'),
  UNITY_SESSION_ABSOLUTE_TIMEOUT: span('7d', 60_000, 90 * UNITS.d, '1m to 90d'),
  UNITY_SESSION_REMEMBER_TIMEOUT: span('30d', 60_000, 365 * UNITS.d, '1m to 365d'),
  UNITY_REGULATION_MAX_RETRIES: z.coerce.number().int().min(1).max(1000, 'must be 1-1000').default(3),
  UNITY_REGULATION_IP_MAX_RETRIES: z.coerce.number().int().min(1).max(10_000, 'must be 1-10000').default(10),
  UNITY_REGULATION_FIND_TIME: span('2m', 1000, UNITS.d, '1s to 1d'),
  UNITY_REGULATION_BAN_TIME: span('5m', 1000, 30 * UNITS.d, '1s to 30d'),
  /** The first failed attempt's delay; each further failure doubles it, up to 4 s. */
  UNITY_REGULATION_DELAY_MS: z.coerce.number().int().min(0).max(4000, 'must be 0-4000').default(250),
  UNITY_TRUSTED_PROXIES: cidrs,
  UNITY_UI_ALLOW: cidrs,
  UNITY_UI_DENY: cidrs,
  UNITY_AGENT_ALLOW: cidrs,
  UNITY_AGENT_DENY: cidrs,
  UNITY_HEADER_AUTH: bool('false'),
  UNITY_HEADER_AUTH_USER: headerName('Remote-User'),
  UNITY_HEADER_AUTH_GROUPS: headerName('Remote-Groups'),
  UNITY_HEADER_AUTH_EMAIL: headerName('Remote-Email'),
  UNITY_HEADER_AUTH_ADMIN_GROUPS: groupList,
  UNITY_HEADER_AUTH_EDITOR_GROUPS: groupList,
  UNITY_HEADER_AUTH_VIEWER_GROUPS: groupList,
  UNITY_AUDIT_RETENTION: span('365d', UNITS.d, 3650 * UNITS.d, '1d to 3650d'),
};

type SecurityEnv = z.infer<z.ZodObject<typeof SECURITY_ENV>>;

export type IpRules = { allow: CidrList; deny: CidrList };

export type SecurityConfig = {
  /** Sessions in Redis/Valkey when set; in PostgreSQL otherwise. */
  redisUrl: string | undefined;
  redisPrefix: string;
  session: { idleMs: number; absoluteMs: number; rememberMs: number };
  regulation: {
    maxRetries: number;
    ipMaxRetries: number;
    findTimeMs: number;
    banTimeMs: number;
    delayMs: number;
  };
  /** Peers whose X-Forwarded-For and header-auth headers are believed; empty by default. */
  trustedProxies: CidrList;
  /** The UI and API. */
  uiIpRules: IpRules;
  /** Agent enrollment and connections. */
  agentIpRules: IpRules;
  headerAuth: {
    enabled: boolean;
    userHeader: string;
    groupsHeader: string;
    emailHeader: string;
    /** Groups granting each built-in role; the highest matching role wins. */
    groups: { admin: string[]; editor: string[]; viewer: string[] };
  };
  auditRetentionMs: number;
};

export function securityConfig(e: SecurityEnv): SecurityConfig {
  return {
    redisUrl: e.REDIS_URL,
    redisPrefix: e.UNITY_REDIS_PREFIX,
    session: {
      idleMs: e.UNITY_SESSION_IDLE_TIMEOUT,
      absoluteMs: e.UNITY_SESSION_ABSOLUTE_TIMEOUT,
      rememberMs: e.UNITY_SESSION_REMEMBER_TIMEOUT,
    },
    regulation: {
      maxRetries: e.UNITY_REGULATION_MAX_RETRIES,
      ipMaxRetries: e.UNITY_REGULATION_IP_MAX_RETRIES,
      findTimeMs: e.UNITY_REGULATION_FIND_TIME,
      banTimeMs: e.UNITY_REGULATION_BAN_TIME,
      delayMs: e.UNITY_REGULATION_DELAY_MS,
    },
    trustedProxies: e.UNITY_TRUSTED_PROXIES,
    uiIpRules: { allow: e.UNITY_UI_ALLOW, deny: e.UNITY_UI_DENY },
    agentIpRules: { allow: e.UNITY_AGENT_ALLOW, deny: e.UNITY_AGENT_DENY },
    headerAuth: {
      enabled: e.UNITY_HEADER_AUTH,
      userHeader: e.UNITY_HEADER_AUTH_USER,
      groupsHeader: e.UNITY_HEADER_AUTH_GROUPS,
      emailHeader: e.UNITY_HEADER_AUTH_EMAIL,
      groups: {
        admin: e.UNITY_HEADER_AUTH_ADMIN_GROUPS,
        editor: e.UNITY_HEADER_AUTH_EDITOR_GROUPS,
        viewer: e.UNITY_HEADER_AUTH_VIEWER_GROUPS,
      },
    },
    auditRetentionMs: e.UNITY_AUDIT_RETENTION,
  };
}
