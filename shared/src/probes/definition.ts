/**
 * Probe definitions: one zod schema per kind in a discriminated union on `kind`, shared by the
 * hub's API (validated at save) and the `probes.set` command the agents run them from.
 * @module
 */
import { z } from 'zod';
import { EngineKindSchema } from '../protocol/engine-ref.js';
import { parseCondition } from './conditions.js';
import { cronError, isValidTimeZone } from './push-schedule.js';

/** The kinds an agent runs; `push` is checked by the hub alone (the job pings it). */
export const AGENT_PROBE_KINDS = [
  'http',
  'tcp',
  'ping',
  'dns',
  'postgres',
  'mysql',
  'redis',
  'prometheus',
  'container',
] as const;
export const PROBE_KINDS = [...AGENT_PROBE_KINDS, 'push'] as const;
export const ProbeKindSchema = z.enum(PROBE_KINDS);

const host = z.string().min(1).max(255);
const port = z.int().min(1).max(65535);

/** A condition in the probe grammar, refused at save with the position of the mistake. */
export const ConditionSourceSchema = z
  .string()
  .max(4096)
  .superRefine((value, ctx) => {
    const parsed = parseCondition(value);
    if (!parsed.ok) {
      ctx.addIssue({
        code: 'custom',
        message: `${parsed.error.message} at position ${parsed.error.position}`,
      });
    }
  });

/** A planned downtime: results inside it neither alert nor count against uptime. */
export const MaintenanceWindowSchema = z
  .object({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    note: z.string().max(256).optional(),
  })
  .refine((w) => Date.parse(w.end) > Date.parse(w.start), {
    message: 'end must be after start',
    path: ['end'],
  });

/** What every kind has. */
const common = {
  name: z.string().trim().min(1).max(128),
  /** 10 s at least: anything faster is load testing, not monitoring. */
  intervalSeconds: z.int().min(10).max(86_400).default(60),
  timeoutSeconds: z.int().min(1).max(120).default(10),
  /** Consecutive failed runs before a location counts as down (0: the first failure). */
  retries: z.int().min(0).max(10).default(0),
  tags: z.array(z.string().trim().min(1).max(64)).max(32).default([]),
  /** Agents that run it; empty means every agent (documented in docs/probes.md). */
  agentIds: z.array(z.uuid()).max(1000).default([]),
  /** Down only when at least this many locations are down. */
  downQuorum: z.int().min(1).max(1000).default(1),
  enabled: z.boolean().default(true),
  /** Extra checks in the conditions grammar, e.g. `[STATUS] == 200 && [BODY].status == "UP"`. */
  conditions: ConditionSourceSchema.optional(),
  maintenance: z.array(MaintenanceWindowSchema).max(100).default([]),
};

export const HttpAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('basic'), username: z.string().max(256), password: z.string().max(1024) }),
  z.object({ type: z.literal('bearer'), token: z.string().min(1).max(4096) }),
]);

export const KeywordSchema = z.object({
  text: z.string().min(1).max(1024),
  regex: z.boolean().default(false),
  /** `absent`: the probe fails when the text IS found (an error page, say). */
  mode: z.enum(['present', 'absent']).default('present'),
});

export const HttpProbeSchema = z.object({
  kind: z.literal('http'),
  ...common,
  url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' }).max(2048),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string().min(1).max(256), z.string().max(4096)).default({}),
  body: z.string().max(65_536).optional(),
  auth: HttpAuthSchema.optional(),
  maxRedirects: z.int().min(0).max(20).default(5),
  /** Empty: any 2xx or 3xx. */
  expectedStatus: z.array(z.int().min(100).max(599)).max(64).default([]),
  keyword: KeywordSchema.optional(),
  /** Slower than this fails the run. */
  maxResponseMs: z.int().positive().max(600_000).optional(),
  /** Fails when any certificate of the chain expires within this many days. */
  certExpiryDays: z.int().min(0).max(3650).optional(),
  ignoreTls: z.boolean().default(false),
});

export const TcpProbeSchema = z.object({
  kind: z.literal('tcp'),
  ...common,
  host,
  port,
  /** Reads the server's first line and requires this regex to match it. */
  banner: z.string().min(1).max(1024).optional(),
});

export const PingProbeSchema = z.object({
  kind: z.literal('ping'),
  ...common,
  host,
  count: z.int().min(1).max(20).default(3),
  /** Fails above this loss; by default only when every packet is lost. */
  maxLossPercent: z.number().min(0).max(100).default(99.99),
});

export const DnsRecordTypeSchema = z.enum(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA']);

export const DnsProbeSchema = z.object({
  kind: z.literal('dns'),
  ...common,
  query: host,
  recordType: DnsRecordTypeSchema.default('A'),
  /** `ip` or `ip:port`; the system resolver when absent. */
  server: z.string().max(64).optional(),
  /** Every one of these must be among the answers. */
  expected: z.array(z.string().max(1024)).max(64).default([]),
});

const dbUrl = (schemes: string[]) =>
  z
    .string()
    .max(2048)
    .refine((v) => schemes.some((s) => v.startsWith(`${s}://`)), {
      message: `url must start with ${schemes.map((s) => `${s}://`).join(' or ')}`,
    });

export const PostgresProbeSchema = z.object({
  kind: z.literal('postgres'),
  ...common,
  url: dbUrl(['postgres', 'postgresql']),
});
export const MysqlProbeSchema = z.object({
  kind: z.literal('mysql'),
  ...common,
  url: dbUrl(['mysql', 'mariadb']),
});
export const RedisProbeSchema = z.object({ kind: z.literal('redis'), ...common, url: dbUrl(['redis']) });

/** A regular expression, refused at save when it does not compile. */
const regexSource = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (v) => {
      try {
        new RegExp(v);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a valid regular expression' },
  );

/** Largest `maxSeries`: a scrape result must fit one agent frame (1 MiB) with room to spare. */
export const PROMETHEUS_MAX_SERIES = 5000;

/**
 * A Prometheus scrape: fetch an exposition endpoint (text format or OpenMetrics), keep the series
 * whose name matches `metrics` (anchored) and whose labels match every `labels` matcher
 * (anchored), at most `maxSeries` of them in exposition order; the rest are counted as dropped.
 */
export const PrometheusProbeSchema = z.object({
  kind: z.literal('prometheus'),
  ...common,
  url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' }).max(2048),
  headers: z.record(z.string().min(1).max(256), z.string().max(4096)).default({}),
  auth: HttpAuthSchema.optional(),
  ignoreTls: z.boolean().default(false),
  /** Metric names to keep, as one anchored regex; `.*` keeps everything (up to the cap). */
  metrics: regexSource.default('.*'),
  /** Label name -> anchored regex; a series is kept only when every one matches. */
  labels: z
    .record(
      z
        .string()
        .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
        .max(128),
      regexSource,
    )
    .default({}),
  maxSeries: z.int().min(1).max(PROMETHEUS_MAX_SERIES).default(1000),
});

/**
 * "Container X is running and healthy", checked by the agent it is assigned to, from its own
 * engines: up when running and, if the container has a health check, healthy.
 */
export const ContainerProbeSchema = z
  .object({
    kind: z.literal('container'),
    ...common,
    /** The container's name (without Docker's leading slash). */
    container: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a container name'),
    /** Only this engine kind; by default every engine the agent watches. */
    engine: EngineKindSchema.optional(),
  })
  .superRefine((p, ctx) => {
    // Unassigned it would run on every agent, and every host without the container says down.
    if (p.agentIds.length === 0)
      ctx.addIssue({
        code: 'custom',
        message: 'a container check needs the agent (host) that runs the container in agentIds',
        path: ['agentIds'],
      });
  });

/**
 * A push (heartbeat) probe: the job pings `/push/<token>` and the probe is down when the last
 * ping failed or none came by the expected time plus the grace. Exactly one of `periodSeconds`
 * and `cron`; `timeZone` is the cron's. The agent-side fields of `common` (interval, timeout,
 * agents, conditions) are accepted but unused.
 */
export const PushProbeSchema = z
  .object({
    kind: z.literal('push'),
    ...common,
    periodSeconds: z.int().min(10).max(31_536_000).optional(),
    cron: z
      .string()
      .trim()
      .max(256)
      .superRefine((value, ctx) => {
        const error = cronError(value);
        if (error) ctx.addIssue({ code: 'custom', message: error });
      })
      .optional(),
    timeZone: z
      .string()
      .max(64)
      .refine(isValidTimeZone, { message: 'timeZone must be an IANA time zone such as Europe/Berlin' })
      .default('UTC'),
    /** How long after the expected time a missing ping still counts as on time. */
    graceSeconds: z.int().min(0).max(31_536_000).default(3600),
  })
  .superRefine((p, ctx) => {
    if ((p.periodSeconds === undefined) === (p.cron === undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of periodSeconds and cron',
        path: [p.cron === undefined ? 'periodSeconds' : 'cron'],
      });
  });

/** The kinds agents run, as `probes.set` carries them. */
export const AgentProbeSpecSchema = z.discriminatedUnion('kind', [
  HttpProbeSchema,
  TcpProbeSchema,
  PingProbeSchema,
  DnsProbeSchema,
  PostgresProbeSchema,
  MysqlProbeSchema,
  RedisProbeSchema,
  PrometheusProbeSchema,
  ContainerProbeSchema,
]);

export const ProbeSpecSchema = z.discriminatedUnion('kind', [
  HttpProbeSchema,
  TcpProbeSchema,
  PingProbeSchema,
  DnsProbeSchema,
  PostgresProbeSchema,
  MysqlProbeSchema,
  RedisProbeSchema,
  PrometheusProbeSchema,
  ContainerProbeSchema,
  PushProbeSchema,
]);

const stored = z.object({ id: z.uuid(), createdAt: z.string(), updatedAt: z.string() });

/** A stored probe as the API sees it. */
export const ProbeSchema = z.intersection(ProbeSpecSchema, stored);

/** A stored probe as an agent runs it. */
export const AgentProbeSchema = z.intersection(AgentProbeSpecSchema, stored);

/**
 * `probes.set`: the whole set of probes the agent should run (it keeps no copy across restarts).
 * Push probes cannot be in it: the schema has no such kind.
 */
export const ProbesSetArgsSchema = z.object({ probes: z.array(AgentProbeSchema).max(10_000) }).strict();

export type ProbeKind = z.infer<typeof ProbeKindSchema>;
export type ProbeSpec = z.infer<typeof ProbeSpecSchema>;
export type ProbeSpecInput = z.input<typeof ProbeSpecSchema>;
export type Probe = z.infer<typeof ProbeSchema>;
export type AgentProbe = z.infer<typeof AgentProbeSchema>;
export type PushProbe = z.infer<typeof PushProbeSchema>;
export type HttpProbe = z.infer<typeof HttpProbeSchema>;
export type TcpProbe = z.infer<typeof TcpProbeSchema>;
export type PingProbe = z.infer<typeof PingProbeSchema>;
export type DnsProbe = z.infer<typeof DnsProbeSchema>;
export type PostgresProbe = z.infer<typeof PostgresProbeSchema>;
export type MysqlProbe = z.infer<typeof MysqlProbeSchema>;
export type RedisProbe = z.infer<typeof RedisProbeSchema>;
export type PrometheusProbe = z.infer<typeof PrometheusProbeSchema>;
export type ContainerProbe = z.infer<typeof ContainerProbeSchema>;
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>;
export type ProbesSetArgs = z.infer<typeof ProbesSetArgsSchema>;
