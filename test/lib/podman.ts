/**
 * A real container engine for tests: `podman system service` on a socket of its own (the
 * Docker-compatible API the agent speaks), with runc and explicit ulimits from
 * .tools/podman/containers.conf, and busybox containers made from the local image that
 * scripts/test-env.sh builds. Every container a fixture made is removed by `cleanup`, also when
 * the test failed; each carries a `unity-test` label naming its fixture so leftovers of a
 * crashed run are removable too.
 *
 * Podman's storage is shared by every engine on the machine, so an agent on this socket also
 * sees containers of other tests running at the same time: assert on your own containers (by
 * name), never on a total count.
 * @module
 */

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { CONTAINERS_CONF, makeTempDir, removeDir } from './paths.js';
import { type Managed, run, startProcess } from './process.js';
import { waitFor } from './wait.js';

export const BUSYBOX_IMAGE = 'localhost/busybox:latest';

export const podmanEnv = (): NodeJS.ProcessEnv => ({ ...process.env, CONTAINERS_CONF });

/** Runs the podman CLI with the test configuration. */
export async function podman(args: string[], allowFailure = false): Promise<string> {
  const { stdout } = await run('podman', args, { env: podmanEnv(), timeoutMs: 60_000, allowFailure });
  return stdout.trim();
}

/** GET on a unix socket; resolves with status and body. */
function getUnix(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export type ContainerSpec = {
  /** Suffix; the full name is `<fixture prefix>-<name>`. */
  name: string;
  command?: string[];
  /** CPU limit, e.g. 0.2, for a busy loop that must not take a whole core. */
  cpus?: number;
  memory?: string;
  /** More `podman run` options, e.g. a health check or a restart policy. */
  options?: string[];
  labels?: Record<string, string>;
  /** Allocate a terminal (`-t`): the engine then serves logs raw, not multiplexed. */
  tty?: boolean;
};

export class PodmanEngine {
  readonly id = randomBytes(4).toString('hex');
  readonly prefix: string;
  private readonly created = new Set<string>();
  private service: Managed | undefined;

  private constructor(
    readonly label: string,
    readonly dir: string,
  ) {
    this.prefix = `ut-${label}-${this.id}`;
  }

  get socketPath(): string {
    return join(this.dir, 'podman.sock');
  }

  /** What the agent's `--docker-host` takes. */
  get dockerHost(): string {
    return `unix://${this.socketPath}`;
  }

  /** Starts the API service and waits until `/_ping` answers OK. */
  static async start(label: string): Promise<PodmanEngine> {
    if (!existsSync(CONTAINERS_CONF)) {
      throw new Error(`${CONTAINERS_CONF} is missing: run bash scripts/test-env.sh first`);
    }
    const engine = new PodmanEngine(label, makeTempDir(`podman-${label}`));
    await engine.startService();
    return engine;
  }

  /** (Re)starts the API service on the same socket and waits until `/_ping` answers OK. */
  async startService(): Promise<void> {
    const service = startProcess({
      name: `podman-${this.label}`,
      command: 'podman',
      args: ['system', 'service', '--time=0', this.dockerHost],
      env: podmanEnv(),
    });
    this.service = service;
    await waitFor(
      async () => {
        if (!service.running) throw new Error(`podman service exited: ${service.tail()}`);
        const res = await getUnix(this.socketPath, '/_ping');
        return res.status === 200 && res.body.trim() === 'OK';
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `podman API on ${this.socketPath}` },
    );
  }

  /** Stops the API service (an engine restart as the agent sees it); the CLI keeps working. */
  async stopService(): Promise<void> {
    await this.service?.stop('SIGTERM', 5000);
    this.service = undefined;
  }

  fullName(name: string): string {
    return `${this.prefix}-${name}`;
  }

  /** `podman run -d` of the busybox image, no network; returns the full container id. */
  async run(spec: ContainerSpec): Promise<string> {
    const args = ['run', '-d', '--network', 'none', '--name', this.fullName(spec.name)];
    args.push('--label', `unity-test=${this.prefix}`);
    if (spec.cpus !== undefined) args.push('--cpus', String(spec.cpus));
    if (spec.memory !== undefined) args.push('--memory', spec.memory);
    for (const [k, v] of Object.entries(spec.labels ?? {})) args.push('--label', `${k}=${v}`);
    if (spec.tty) args.push('-t');
    if (spec.options) args.push(...spec.options);
    args.push(BUSYBOX_IMAGE, ...(spec.command ?? ['sleep', '3600']));
    const id = await podman(args);
    this.created.add(id);
    return id;
  }

  /** Stops a container quickly (busybox `sleep` as PID 1 ignores SIGTERM, hence -t 1). */
  async stop(name: string): Promise<void> {
    await podman(['stop', '-t', '1', this.fullName(name)]);
  }

  async remove(name: string): Promise<void> {
    await podman(['rm', '-f', '-t', '0', this.fullName(name)]);
  }

  async state(name: string): Promise<string> {
    return podman(['inspect', '--format', '{{.State.Status}}', this.fullName(name)]);
  }

  /** Removes every container this fixture made and stops the service. Never throws. */
  async cleanup(): Promise<void> {
    try {
      const ids = await podman(['ps', '-aq', '--filter', `label=unity-test=${this.prefix}`], true);
      const all = new Set([...this.created, ...ids.split('\n').filter(Boolean)]);
      // --ignore: without it, podman 4.3 given one id that is already gone (a container a test
      // removed) exits 0 having removed none of the others, which then outlive the run.
      if (all.size > 0) await podman(['rm', '-f', '--ignore', '-t', '0', ...all], true);
    } catch (error) {
      console.error(`podman cleanup: ${(error as Error).message}`);
    }
    await this.service?.stop('SIGTERM', 5000);
    removeDir(this.dir);
  }
}

export const startPodman = (label: string): Promise<PodmanEngine> => PodmanEngine.start(label);
