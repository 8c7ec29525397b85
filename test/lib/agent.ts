/**
 * A real agent process (`node --import tsx agent/src/main.ts`, or its bundle: see `entryArgs`) with its own state directory,
 * pointed at one container engine socket (engine auto-detection off, so a test sees only the
 * engine it started).
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryArgs, makeTempDir, REPO_ROOT, removeDir } from './paths.js';
import { type Managed, startProcess } from './process.js';

export type AgentOptions = {
  name: string;
  hubUrl: string;
  /** Enrollment token; not needed once the state dir holds an identity. */
  token?: string;
  stateDir?: string;
  /** `unix:///path/podman.sock`; none means no engine at all. */
  dockerHost?: string;
  /** e.g. `1s`. */
  hostInterval?: string;
  /** Host name to report; defaults to a unique one so tests can tell their hosts apart. */
  hostName?: string;
  extraArgs?: string[];
  /** Run this built file (e.g. agent/dist/unity-agent.mjs) instead of the TypeScript source. */
  entry?: string;
  /** Watches Kubernetes: started from the agent build that carries it (`agent/build.mjs`). */
  kubernetes?: boolean;
  /** V8 flags for a built `entry`; defaults to the ones install.sh's unit gives it. */
  nodeArgs?: string[];
  env?: Record<string, string>;
};

/** The V8 flags install.sh's systemd unit runs the agent with (see the figures there). */
export const AGENT_NODE_ARGS = [
  '--max-semi-space-size=1',
  '--max-opt=0',
  '--optimize-for-size',
  '--single-threaded-gc',
];
/** The environment that unit sets for it. */
export const AGENT_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '32768', UV_THREADPOOL_SIZE: '2' };

/** The host agent's bundle, as install.sh downloads it (`npm run build -w @unity/agent`). */
export const AGENT_BUNDLE = join(REPO_ROOT, 'agent', 'dist', 'unity-agent.mjs');

/**
 * What a benchmark runs: the bundle with install.sh's flags when it is built, else the source.
 * `BENCH_AGENT_NODE_ARGS="--cpu-prof --max-opt=2"` gives the bundle other node flags (to compare
 * V8 flags, or to profile it).
 */
export function shippedAgent(): Pick<AgentOptions, 'entry' | 'nodeArgs'> {
  if (!existsSync(AGENT_BUNDLE)) return {};
  const nodeArgs = process.env.BENCH_AGENT_NODE_ARGS?.split(' ').filter((a) => a !== '');
  return { entry: AGENT_BUNDLE, ...(nodeArgs ? { nodeArgs } : {}) };
}

export class AgentProcess {
  process: Managed | undefined;

  private constructor(
    readonly options: AgentOptions,
    readonly stateDir: string,
    private readonly ownsStateDir: boolean,
  ) {}

  static start(options: AgentOptions): AgentProcess {
    const stateDir = options.stateDir ?? makeTempDir(`agent-${options.name}`);
    const agent = new AgentProcess(options, stateDir, options.stateDir === undefined);
    agent.spawn();
    return agent;
  }

  /** The host name the agent reports (`--name`). */
  get hostName(): string {
    return this.options.hostName ?? `test-${this.options.name}-${process.pid}`;
  }

  get pid(): number {
    if (!this.process) throw new Error('agent is not running');
    return this.process.pid;
  }

  get logs(): string {
    return this.process?.logs ?? '';
  }

  spawn(): void {
    const o = this.options;
    // A built bundle runs with the V8 flags and environment install.sh's systemd unit gives it
    // (see the figures there), so measurements match an installed agent.
    const entry = o.entry
      ? [...(o.nodeArgs ?? AGENT_NODE_ARGS), o.entry]
      : entryArgs(o.kubernetes ? 'agent-k8s' : 'agent');
    const args = [...entry, '--hub', o.hubUrl, '--state-dir', this.stateDir];
    if (o.token) args.push('--token', o.token);
    if (o.dockerHost) args.push('--docker-host', o.dockerHost);
    if (o.hostInterval) args.push('--host-interval', o.hostInterval);
    args.push('--name', this.hostName);
    args.push('--no-engine-autodetect');
    args.push(...(o.extraArgs ?? []));
    this.process = startProcess({
      name: `agent-${o.name}`,
      command: process.execPath,
      args,
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', DOCKER_HOST: '', ...(o.entry ? AGENT_ENV : {}), ...o.env },
    });
  }

  /** The identity the agent saved at enrollment (`<state dir>/identity.json`). */
  identity(): Record<string, unknown> | undefined {
    try {
      return JSON.parse(readFileSync(join(this.stateDir, 'identity.json'), 'utf8')) as Record<
        string,
        unknown
      >;
    } catch {
      return undefined;
    }
  }

  /** Files in the state dir, for debugging and the delivery test. */
  stateFiles(sub = ''): string[] {
    try {
      return readdirSync(join(this.stateDir, sub));
    } catch {
      return [];
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.process?.stop(signal, 15_000);
  }

  async cleanup(): Promise<void> {
    await this.process?.stop('SIGTERM', 5000);
    if (this.ownsStateDir) removeDir(this.stateDir);
  }
}

export const startAgent = (options: AgentOptions): AgentProcess => AgentProcess.start(options);
