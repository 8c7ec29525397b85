/**
 * Probe definitions: one zod schema per kind in a discriminated union on `kind`, shared by the
 * hub's API (validated at save) and the `probes.set` command the agents run them from.
 * @module
 */
import * as z from 'zod/mini';
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

const host = z.string().check(z.minLength(1), z.maxLength(255));
const port = z.int().check(z.gte(1), z.lte(65535));

/** A condition in the probe grammar, refused at save with the position of the mistake. */
export const ConditionSourceSchema = z.string().check(
  z.maxLength(4096),
  z.superRefine((value, ctx) => {
    const parsed = parseCondition(value);
    if (!parsed.ok) {
      ctx.addIssue({
        code: 'custom',
        message: `${parsed.error.message} at position ${parsed.error.position}`,
      });
    }
  }),
);

/** A planned downtime: results inside it neither alert nor count against uptime. */
export const MaintenanceWindowSchema = z
  .object({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    note: z.optional(z.string().check(z.maxLength(256))),
  })
  .check(
    z.refine((w) => Date.parse(w.end) > Date.parse(w.start), {
      message: 'end must be after start',
      path: ['end'],
    }),
  );

/** What every kind has. */
const common = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
  /** 10 s at least: anything faster is load testing, not monitoring. */
  intervalSeconds: z._default(z.int().check(z.gte(10), z.lte(86_400)), 60),
  timeoutSeconds: z._default(z.int().check(z.gte(1), z.lte(120)), 10),
  /** Consecutive failed runs before a location counts as down (0: the first failure). */
  retries: z._default(z.int().check(z.gte(0), z.lte(10)), 0),
  tags: z._default(
    z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))).check(z.maxLength(32)),
    [],
  ),
  /** Agents that run it; empty means every agent (documented in docs/probes.md). */
  agentIds: z._default(z.array(z.uuid()).check(z.maxLength(1000)), []),
  /** Down only when at least this many locations are down. */
  downQuorum: z._default(z.int().check(z.gte(1), z.lte(1000)), 1),
  enabled: z._default(z.boolean(), true),
  /** Extra checks in the conditions grammar, e.g. `[STATUS] == 200 && [BODY].status == "UP"`. */
  conditions: z.optional(ConditionSourceSchema),
  maintenance: z._default(z.array(MaintenanceWindowSchema).check(z.maxLength(100)), []),
};

export const HttpAuthSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('basic'),
    username: z.string().check(z.maxLength(256)),
    password: z.string().check(z.maxLength(1024)),
  }),
  z.object({ type: z.literal('bearer'), token: z.string().check(z.minLength(1), z.maxLength(4096)) }),
]);

export const KeywordSchema = z.object({
  text: z.string().check(z.minLength(1), z.maxLength(1024)),
  regex: z._default(z.boolean(), false),
  /** `absent`: the probe fails when the text IS found (an error page, say). */
  mode: z._default(z.enum(['present', 'absent']), 'present'),
});

export const HttpProbeSchema = z.object({
  kind: z.literal('http'),
  ...common,
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' })
    .check(z.maxLength(2048)),
  method: z._default(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']), 'GET'),
  headers: z._default(
    z.record(z.string().check(z.minLength(1), z.maxLength(256)), z.string().check(z.maxLength(4096))),
    {},
  ),
  body: z.optional(z.string().check(z.maxLength(65_536))),
  auth: z.optional(HttpAuthSchema),
  maxRedirects: z._default(z.int().check(z.gte(0), z.lte(20)), 5),
  /** Empty: any 2xx or 3xx. */
  expectedStatus: z._default(z.array(z.int().check(z.gte(100), z.lte(599))).check(z.maxLength(64)), []),
  keyword: z.optional(KeywordSchema),
  /** Slower than this fails the run. */
  maxResponseMs: z.optional(z.int().check(z.positive(), z.lte(600_000))),
  /** Fails when any certificate of the chain expires within this many days. */
  certExpiryDays: z.optional(z.int().check(z.gte(0), z.lte(3650))),
  ignoreTls: z._default(z.boolean(), false),
});

export const TcpProbeSchema = z.object({
  kind: z.literal('tcp'),
  ...common,
  host,
  port,
  /** Reads the server's first line and requires this regex to match it. */
  banner: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
});

export const PingProbeSchema = z.object({
  kind: z.literal('ping'),
  ...common,
  host,
  count: z._default(z.int().check(z.gte(1), z.lte(20)), 3),
  /** Fails above this loss; by default only when every packet is lost. */
  maxLossPercent: z._default(z.number().check(z.gte(0), z.lte(100)), 99.99),
});

export const DnsRecordTypeSchema = z.enum(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA']);

export const DnsProbeSchema = z.object({
  kind: z.literal('dns'),
  ...common,
  query: host,
  recordType: z._default(DnsRecordTypeSchema, 'A'),
  /** `ip` or `ip:port`; the system resolver when absent. */
  server: z.optional(z.string().check(z.maxLength(64))),
  /** Every one of these must be among the answers. */
  expected: z._default(z.array(z.string().check(z.maxLength(1024))).check(z.maxLength(64)), []),
});

const dbUrl = (schemes: string[]) =>
  z.string().check(
    z.maxLength(2048),
    z.refine((v) => schemes.some((s) => v.startsWith(`${s}://`)), {
      message: `url must start with ${schemes.map((s) => `${s}://`).join(' or ')}`,
    }),
  );

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
const regexSource = z.string().check(
  z.minLength(1),
  z.maxLength(1024),
  z.refine(
    (v) => {
      try {
        new RegExp(v);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a valid regular expression' },
  ),
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
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' })
    .check(z.maxLength(2048)),
  headers: z._default(
    z.record(z.string().check(z.minLength(1), z.maxLength(256)), z.string().check(z.maxLength(4096))),
    {},
  ),
  auth: z.optional(HttpAuthSchema),
  ignoreTls: z._default(z.boolean(), false),
  /** Metric names to keep, as one anchored regex; `.*` keeps everything (up to the cap). */
  metrics: z._default(regexSource, '.*'),
  /** Label name -> anchored regex; a series is kept only when every one matches. */
  labels: z._default(
    z.record(z.string().check(z.regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.maxLength(128)), regexSource),
    {},
  ),
  maxSeries: z._default(z.int().check(z.gte(1), z.lte(PROMETHEUS_MAX_SERIES)), 1000),
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
      .check(
        z.trim(),
        z.minLength(1),
        z.maxLength(255),
        z.regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a container name'),
      ),
    /** Only this engine kind; by default every engine the agent watches. */
    engine: z.optional(EngineKindSchema),
  })
  .check(
    z.superRefine((p, ctx) => {
      // Unassigned it would run on every agent, and every host without the container says down.
      if (p.agentIds.length === 0)
        ctx.addIssue({
          code: 'custom',
          message: 'a container check needs the agent (host) that runs the container in agentIds',
          path: ['agentIds'],
        });
    }),
  );

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
    periodSeconds: z.optional(z.int().check(z.gte(10), z.lte(31_536_000))),
    cron: z.optional(
      z.string().check(
        z.trim(),
        z.maxLength(256),
        z.superRefine((value, ctx) => {
          const error = cronError(value);
          if (error) ctx.addIssue({ code: 'custom', message: error });
        }),
      ),
    ),
    timeZone: z._default(
      z
        .string()
        .check(
          z.maxLength(64),
          z.refine(isValidTimeZone, { message: 'timeZone must be an IANA time zone such as Europe/Berlin' }),
        ),
      'UTC',
    ),
    /** How long after the expected time a missing ping still counts as on time. */
    graceSeconds: z._default(z.int().check(z.gte(0), z.lte(31_536_000)), 3600),
  })
  .check(
    z.superRefine((p, ctx) => {
      if ((p.periodSeconds === undefined) === (p.cron === undefined))
        ctx.addIssue({
          code: 'custom',
          message: 'give exactly one of periodSeconds and cron',
          path: [p.cron === undefined ? 'periodSeconds' : 'cron'],
        });
    }),
  );

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
export const ProbesSetArgsSchema = z.strictObject({
  probes: z.array(AgentProbeSchema).check(z.maxLength(10_000)),
});

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
