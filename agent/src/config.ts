/**
 * The agent's configuration: command-line flags, else environment variables, else defaults;
 * validated once at start. A bad value becomes one `config error: <flag>: <what is allowed>`.
 * This is the only module that reads `process.env` (through the `env` argument of parseCli).
 * @module
 */
import { parseArgs } from 'node:util';
import { err, ok, type Result } from '@unity/shared';
import * as z from 'zod/mini';
import { parseDuration, parseSize } from './util/units.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type AgentConfig = {
  /** Hub base URL, without a trailing slash; may come from the stored identity instead. */
  hubUrl: string | undefined;
  /** Enrollment token, only needed until the state dir holds an identity. */
  token: string | undefined;
  stateDir: string;
  name: string | undefined;
  /** Host sampling interval; undefined means "whatever the hub's config frame says". */
  hostIntervalMs: number | undefined;
  /** Engine endpoints named by the user (`unix:///path` or `tcp://host:port`). */
  dockerHosts: string[];
  /** Also probe the well-known Docker and Podman socket paths. */
  engineAutodetect: boolean;
  /** How often images, volumes, networks and pods are re-read when no container changed (default 60 s). */
  inventoryIntervalMs?: number | undefined;
  /** `$XDG_RUNTIME_DIR`, where a rootless Podman socket lives. */
  runtimeDir?: string | undefined;
  outboxMaxBatches: number;
  outboxMaxBytes: number;
  readOnly: boolean;
  /** How often to scan the images of running containers with Trivy; 0 = never (on request only). */
  scanIntervalMs: number;
  /** PATH, where `trivy` is looked up. */
  searchPath: string;
  logLevel: LogLevel;
  /** Kubernetes clusters to watch (none when neither a kubeconfig nor in-cluster is set). */
  kube?: KubeConfigOptions | undefined;
};

export type KubeConfigOptions = {
  inCluster: boolean;
  kubeconfig: string | undefined;
  /** Contexts of the kubeconfig, each optionally renamed (`ctx=name`); empty = the current one. */
  contexts: { context: string; name: string | undefined }[];
  /** The cluster name for the in-cluster or the single current-context cluster. */
  clusterName: string | undefined;
  priority: number;
  usageIntervalMs: number;
  /**
   * The node this agent runs on (a DaemonSet pod, from the downward API): without metrics-server
   * it reads that node's kubelet summary and reports its node, pods and PVC volumes.
   */
  nodeName: string | undefined;
  /** Reach the kubelet directly at this URL (`https://<host IP>:10250`) instead of through the API server's node proxy. */
  kubeletUrl: string | undefined;
  /** Skip verifying the kubelet's serving certificate (self-signed by default on most clusters). */
  kubeletInsecureTls: boolean;
  /** Only report this node's resource use: watch nothing (the DaemonSet beside one watching agent). */
  usageOnly: boolean;
};

export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: AgentConfig };

/** Which flag or variable was wrong, and what it accepts. */
export type ConfigError = { source: string; message: string };

export const formatConfigError = (e: ConfigError): string => `config error: ${e.source}: ${e.message}`;

const OPTIONS = {
  hub: { type: 'string' },
  token: { type: 'string' },
  'state-dir': { type: 'string' },
  name: { type: 'string' },
  'host-interval': { type: 'string' },
  'docker-host': { type: 'string', multiple: true },
  'no-engine-autodetect': { type: 'boolean' },
  'inventory-interval': { type: 'string' },
  'outbox-max-batches': { type: 'string' },
  'outbox-max-bytes': { type: 'string' },
  'read-only': { type: 'boolean' },
  'scan-interval': { type: 'string' },
  'log-level': { type: 'string' },
  kubeconfig: { type: 'string' },
  'kube-context': { type: 'string', multiple: true },
  'kube-in-cluster': { type: 'boolean' },
  'kube-cluster': { type: 'string' },
  'kube-priority': { type: 'string' },
  'kube-usage-interval': { type: 'string' },
  'kube-node': { type: 'string' },
  'kubelet-url': { type: 'string' },
  'kubelet-insecure-tls': { type: 'boolean' },
  'kube-usage-only': { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** Images are rescanned daily: new CVEs are published against unchanged images. */
export const DEFAULT_SCAN_INTERVAL_MS = 86_400_000;

type Values = Record<string, string | string[] | boolean | undefined>;

type Raw = { value: string; source: string } | undefined;

function pick(flagValue: string | undefined, flag: string, env: NodeJS.ProcessEnv, variable: string): Raw {
  if (flagValue !== undefined) return { value: flagValue, source: `--${flag}` };
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: variable };
  return undefined;
}

class Invalid extends Error {
  constructor(readonly configError: ConfigError) {
    super(configError.message);
  }
}

function check<T>(raw: Raw, schema: z.ZodMiniType<T>, allowed: string): T | undefined {
  if (!raw) return undefined;
  const parsed = schema.safeParse(raw.value);
  if (!parsed.success) throw new Invalid({ source: raw.source, message: allowed });
  return parsed.data;
}

const hubUrlSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s) => s.trim().replace(/\/+$/, '')),
  ),
  z.url({ protocol: /^https?$/ }),
);
const engineSchema = z.string().check(z.regex(/^(unix:\/\/\/.+|tcp:\/\/[^/\s]+:\d+\/?)$/));
const durationSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s) => parseDuration(s) ?? Number.NaN),
  ),
  z.number().check(z.gte(100), z.lte(3_600_000)),
);
const boolSchema = z.pipe(
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((s) => s.trim().toLowerCase()),
    ),
    z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']),
  ),
  z.transform((s) => ['1', 'true', 'yes', 'on'].includes(s)),
);

function flagOrEnvBool(flag: boolean | undefined, name: string, env: NodeJS.ProcessEnv, variable: string) {
  if (flag !== undefined) return flag;
  return check(pick(undefined, name, env, variable), boolSchema, 'one of 1, 0, true, false') ?? false;
}

/** Parses argv (without node and the script) and the environment into a command. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): Result<CliCommand, ConfigError> {
  let values: Values;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return err(describeArgError(error));
  }
  if (values.help) return ok({ kind: 'help' });
  if (values.version) return ok({ kind: 'version' });
  try {
    return ok({ kind: 'run', config: buildConfig(values, env) });
  } catch (error) {
    if (error instanceof Invalid) return err(error.configError);
    throw error;
  }
}

function buildConfig(values: Values, env: NodeJS.ProcessEnv): AgentConfig {
  const str = (flag: string) => values[flag] as string | undefined;
  const engineFlags = values['docker-host'] as string[] | undefined;
  const engineRaw = engineFlags?.length
    ? { list: engineFlags, source: '--docker-host' }
    : { list: env.DOCKER_HOST ? [env.DOCKER_HOST] : [], source: 'DOCKER_HOST' };
  const dockerHosts = engineRaw.list
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((value) => {
      const host = check(
        { value, source: engineRaw.source },
        engineSchema,
        'unix:///path/to.sock or tcp://host:port',
      );
      return host ?? value;
    });
  const config: AgentConfig = {
    hubUrl: check(pick(str('hub'), 'hub', env, 'UNITY_HUB_URL'), hubUrlSchema, 'an http:// or https:// URL'),
    token: check(
      pick(str('token'), 'token', env, 'UNITY_ENROLL_TOKEN'),
      z.string().check(z.trim(), z.minLength(16), z.maxLength(256)),
      'an enrollment token of 16 to 256 characters',
    ),
    stateDir:
      check(
        pick(str('state-dir'), 'state-dir', env, 'UNITY_STATE_DIR'),
        z.string().check(z.minLength(1)),
        'a directory path',
      ) ?? '/var/lib/unity-agent',
    name: check(
      pick(str('name'), 'name', env, 'UNITY_AGENT_NAME'),
      z.string().check(z.trim(), z.minLength(1), z.maxLength(255)),
      'a host name of 1 to 255 characters',
    ),
    hostIntervalMs: check(
      pick(str('host-interval'), 'host-interval', env, 'UNITY_HOST_INTERVAL'),
      durationSchema,
      'a duration like 10s or 500ms, from 100ms to 1h',
    ),
    dockerHosts: [...new Set(dockerHosts)],
    engineAutodetect: !flagOrEnvBool(
      values['no-engine-autodetect'] as boolean | undefined,
      'no-engine-autodetect',
      env,
      'UNITY_NO_ENGINE_AUTODETECT',
    ),
    inventoryIntervalMs: check(
      pick(str('inventory-interval'), 'inventory-interval', env, 'UNITY_INVENTORY_INTERVAL'),
      durationSchema,
      'a duration like 60s or 5m, from 100ms to 1h',
    ),
    runtimeDir: check(
      pick(undefined, 'xdg-runtime-dir', env, 'XDG_RUNTIME_DIR'),
      z.string().check(z.startsWith('/')),
      'an absolute directory path',
    ),
    outboxMaxBatches:
      check(
        pick(str('outbox-max-batches'), 'outbox-max-batches', env, 'UNITY_OUTBOX_MAX_BATCHES'),
        z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000_000)),
        'a whole number from 1 to 10000000',
      ) ?? 8640,
    outboxMaxBytes:
      check(
        pick(str('outbox-max-bytes'), 'outbox-max-bytes', env, 'UNITY_OUTBOX_MAX_BYTES'),
        z.pipe(
          z.pipe(
            z.string(),
            z.transform((s) => parseSize(s) ?? Number.NaN),
          ),
          z.number().check(z.gte(1024 ** 2)),
        ),
        'a size like 256MiB or 1GiB, at least 1MiB',
      ) ?? 256 * 1024 ** 2,
    readOnly: flagOrEnvBool(values['read-only'] as boolean | undefined, 'read-only', env, 'UNITY_READ_ONLY'),
    scanIntervalMs:
      check(
        pick(str('scan-interval'), 'scan-interval', env, 'UNITY_SCAN_INTERVAL'),
        z.pipe(
          z.pipe(
            z.string(),
            z.transform((s) => (['0', 'off'].includes(s.trim()) ? 0 : (parseDuration(s) ?? Number.NaN))),
          ),
          z.number().check(z.refine((ms) => ms === 0 || (ms >= 60_000 && ms <= 30 * 86_400_000))),
        ),
        'a duration like 24h or 30m (1m to 720h), or 0/off',
      ) ?? DEFAULT_SCAN_INTERVAL_MS,
    searchPath: env.PATH ?? '',
    logLevel:
      check(
        pick(str('log-level'), 'log-level', env, 'LOG_LEVEL'),
        z.enum(LOG_LEVELS),
        `one of ${LOG_LEVELS.join(', ')}`,
      ) ?? 'info',
    kube: kubeOptions(values, env),
  };
  return config;
}

const clusterNameSchema = z.string().check(z.regex(/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/));
const CLUSTER_NAME_RULE =
  'lowercase letters, digits, ".", "_" or "-", at most 63, starting and ending alphanumeric';

function kubeOptions(values: Values, env: NodeJS.ProcessEnv): KubeConfigOptions {
  const contextFlags = values['kube-context'] as string[] | undefined;
  const contextRaw = contextFlags?.length
    ? { list: contextFlags, source: '--kube-context' }
    : { list: env.UNITY_KUBE_CONTEXTS ? [env.UNITY_KUBE_CONTEXTS] : [], source: 'UNITY_KUBE_CONTEXTS' };
  const contexts = contextRaw.list
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => {
      const [context, name] = v.split('=', 2) as [string, string | undefined];
      if (name !== undefined)
        check(
          { value: name, source: contextRaw.source },
          clusterNameSchema,
          `context=name, the name in ${CLUSTER_NAME_RULE}`,
        );
      return { context, name };
    });
  const str = (flag: string) => values[flag] as string | undefined;
  const options: KubeConfigOptions = {
    inCluster: flagOrEnvBool(
      values['kube-in-cluster'] as boolean | undefined,
      'kube-in-cluster',
      env,
      'UNITY_KUBE_IN_CLUSTER',
    ),
    kubeconfig: check(
      pick(str('kubeconfig'), 'kubeconfig', env, 'UNITY_KUBECONFIG'),
      z.string().check(z.minLength(1)),
      'a file path',
    ),
    contexts,
    clusterName: check(
      pick(str('kube-cluster'), 'kube-cluster', env, 'UNITY_KUBE_CLUSTER'),
      clusterNameSchema,
      CLUSTER_NAME_RULE,
    ),
    priority:
      check(
        pick(str('kube-priority'), 'kube-priority', env, 'UNITY_KUBE_PRIORITY'),
        z.coerce.number().check(z.int(), z.gte(-1000), z.lte(1000)),
        'a whole number from -1000 to 1000',
      ) ?? 0,
    usageIntervalMs:
      check(
        pick(str('kube-usage-interval'), 'kube-usage-interval', env, 'UNITY_KUBE_USAGE_INTERVAL'),
        durationSchema,
        'a duration like 30s, from 100ms to 1h',
      ) ?? 30_000,
    // NODE_NAME is what DaemonSets conventionally set from the downward API (spec.nodeName).
    nodeName: check(
      pick(str('kube-node'), 'kube-node', env, 'UNITY_KUBE_NODE') ??
        pick(undefined, 'kube-node', env, 'NODE_NAME'),
      z.string().check(z.regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/)),
      'a node name (lowercase letters, digits, "." and "-")',
    ),
    kubeletUrl: check(
      pick(str('kubelet-url'), 'kubelet-url', env, 'UNITY_KUBELET_URL'),
      hubUrlSchema,
      'an http(s) URL like https://10.0.0.5:10250',
    ),
    kubeletInsecureTls: flagOrEnvBool(
      values['kubelet-insecure-tls'] as boolean | undefined,
      'kubelet-insecure-tls',
      env,
      'UNITY_KUBELET_INSECURE_TLS',
    ),
    usageOnly: flagOrEnvBool(
      values['kube-usage-only'] as boolean | undefined,
      'kube-usage-only',
      env,
      'UNITY_KUBE_USAGE_ONLY',
    ),
  };
  if (options.usageOnly && !options.nodeName)
    throw new Invalid({
      source: '--kube-usage-only',
      message: 'needs the node name (--kube-node, UNITY_KUBE_NODE or NODE_NAME)',
    });
  return options;
}

function describeArgError(error: unknown): ConfigError {
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^'\s]+)/.exec(message)?.[1];
  if (/Unknown option/i.test(message))
    return { source: option ?? 'argument', message: 'unknown option; see --help' };
  if (/argument missing|requires an argument/i.test(message)) {
    return { source: option?.split(' ')[0] ?? 'argument', message: 'needs a value' };
  }
  if (/positional/i.test(message)) return { source: 'argument', message: `unexpected argument; see --help` };
  return { source: option ?? 'argument', message };
}

export const HELP_TEXT = `unity-agent: streams host and container metrics to a Unity hub

Usage: unity-agent --hub URL --token TOKEN [options]

  --hub URL                 hub base URL (env UNITY_HUB_URL); kept after enrollment
  --token TOKEN             enrollment token, needed only until enrolled (env UNITY_ENROLL_TOKEN)
  --state-dir DIR           identity and outbox (env UNITY_STATE_DIR, default /var/lib/unity-agent)
  --name NAME               host name to report (env UNITY_AGENT_NAME, default the hostname)
  --host-interval DURATION  host sampling interval, e.g. 10s, 500ms (env UNITY_HOST_INTERVAL;
                            default: the hub's setting, 10s until it is known)
  --docker-host ENDPOINT    engine socket, unix:///path or tcp://host:port; repeatable or
                            comma-separated (env DOCKER_HOST)
  --no-engine-autodetect    do not probe /var/run/docker.sock and the Podman sockets
                            (env UNITY_NO_ENGINE_AUTODETECT=1)
  --inventory-interval DURATION
                            how often images, volumes, networks and pods are re-read when the
                            engine reported no change (env UNITY_INVENTORY_INTERVAL, default 5m)
  --outbox-max-batches N    unacknowledged batches kept on disk (env UNITY_OUTBOX_MAX_BATCHES,
                            default 8640)
  --outbox-max-bytes SIZE   their total size, e.g. 256MiB (env UNITY_OUTBOX_MAX_BYTES, default 256MiB)
  --kubeconfig PATH         watch the Kubernetes cluster(s) of this kubeconfig (env UNITY_KUBECONFIG)
  --kube-context CTX[=NAME] a context of it to watch, optionally named NAME; repeatable or
                            comma-separated (env UNITY_KUBE_CONTEXTS; default the current context)
  --kube-in-cluster         watch the cluster this agent runs in, with its service account
                            (env UNITY_KUBE_IN_CLUSTER=1)
  --kube-cluster NAME       the cluster's name when there is one (env UNITY_KUBE_CLUSTER; default
                            the context's name, or "in-cluster")
  --kube-priority N         the clusters' priority, -1000 to 1000 (env UNITY_KUBE_PRIORITY, default 0)
  --kube-usage-interval D   how often resource use is read from metrics.k8s.io
                            (env UNITY_KUBE_USAGE_INTERVAL, default 30s)
  --kube-node NAME          the node this agent runs on (env UNITY_KUBE_NODE or NODE_NAME): without
                            metrics-server, its kubelet summary gives node, pod and PVC use
  --kubelet-url URL         read the kubelet directly (https://<host IP>:10250; env
                            UNITY_KUBELET_URL) instead of through the API server's node proxy
  --kubelet-insecure-tls    do not verify the kubelet's certificate (env UNITY_KUBELET_INSECURE_TLS=1)
  --kube-usage-only         report only this node's resource use, watch nothing (the DaemonSet
                            beside one watching agent; env UNITY_KUBE_USAGE_ONLY=1)
  --read-only               refuse actions on containers (env UNITY_READ_ONLY=1)
  --scan-interval DURATION  scan images of running containers with Trivy (when installed) this
                            often, e.g. 24h; 0 or off only on request (env UNITY_SCAN_INTERVAL,
                            default 24h)
  --log-level LEVEL         fatal, error, warn, info, debug, trace, silent (env LOG_LEVEL, default info)
  --version                 print the version
  --help                    print this help
`;
