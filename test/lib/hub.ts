/**
 * A real hub process (`node --import tsx hub/src/main.ts`, or its bundle: see `entryArgs`) on a free loopback port, with its
 * own data directory (embedded PGlite) or a PostgreSQL database. It can be killed (-9 or
 * SIGTERM) and started again on the same port and data, as an operator would.
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pgliteTemplateFile } from '../../hub/src/testing/databases.js';
import { entryArgs, makeTempDir, REPO_ROOT, removeDir } from './paths.js';
import { freePort } from './ports.js';
import { type Managed, startProcess } from './process.js';
import { waitFor } from './wait.js';

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export type HubOptions = {
  /** Names the log file test-results/logs/<name>.log. */
  name: string;
  /** PGlite lives here; a temporary folder (removed by `cleanup`) when not given. */
  dataDir?: string;
  /** Use this PostgreSQL database instead of PGlite. */
  databaseUrl?: string;
  /** Extra environment for the hub (overrides the defaults below). */
  env?: Record<string, string>;
  port?: number;
  readyTimeoutMs?: number;
  /**
   * A new PGlite data directory starts as a copy of the migrated test template (the default);
   * false boots it from scratch, as a user's first start does (for the figures that measure it).
   */
  seed?: boolean;
};

/** Unpacks the template into `pgdata` (GNU tar drops the entries' leading `/`). */
async function seedPglite(pgdata: string): Promise<void> {
  await mkdir(pgdata, { recursive: true });
  await promisify(execFile)('tar', ['-xf', await pgliteTemplateFile(), '-C', pgdata]);
}

export class HubProcess {
  process: Managed | undefined;
  readonly url: string;

  private constructor(
    readonly options: HubOptions,
    readonly port: number,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(options: HubOptions): Promise<HubProcess> {
    const port = options.port ?? (await freePort());
    const dataDir = options.dataDir ?? makeTempDir(`hub-${options.name}`);
    // A new embedded database starts as a copy of the migrated test template: initdb and the
    // migrations cost each hub process seconds of CPU, which CI has little of. The hub still
    // runs its migrations (none pending) and creates its identity and first admin as usual.
    if (options.dataDir === undefined && !options.databaseUrl && options.seed !== false)
      await seedPglite(join(dataDir, 'pglite'));
    const hub = new HubProcess(options, port, dataDir, options.dataDir === undefined);
    await hub.spawn();
    return hub;
  }

  get pid(): number {
    if (!this.process) throw new Error('hub is not running');
    return this.process.pid;
  }

  get logs(): string {
    return this.process?.logs ?? '';
  }

  /** Starts the process (again) on the same port and data, and waits for `/readyz`. */
  async spawn(): Promise<void> {
    if (this.process?.running) throw new Error('hub is already running');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      UNITY_DATA_DIR: this.dataDir,
      UNITY_PUBLIC_URL: this.url,
      UNITY_ADMIN_USER: ADMIN_USER,
      UNITY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      UNITY_HOST_INTERVAL_MS: '2000',
      UNITY_CONTAINER_INTERVAL_MS: '2000',
      UNITY_AGENT_OFFLINE_AFTER_MS: '10000',
      LOG_LEVEL: 'info',
      ...(this.options.databaseUrl ? { DATABASE_URL: this.options.databaseUrl } : { DATABASE_URL: '' }),
      ...this.options.env,
    };
    this.process = startProcess({
      name: `hub-${this.options.name}`,
      command: process.execPath,
      args: entryArgs('hub'),
      cwd: REPO_ROOT,
      env,
    });
    const proc = this.process;
    await waitFor(
      async () => {
        if (!proc.running) {
          throw new Error(`hub exited (${JSON.stringify(proc.exitInfo)}) before ready:\n${proc.tail()}`);
        }
        const res = await fetch(`${this.url}/readyz`);
        return res.ok;
      },
      { timeoutMs: this.options.readyTimeoutMs ?? 90_000, intervalMs: 250, what: `hub ${this.url}/readyz` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- hub log (${proc.logPath}):\n${proc.tail()}`);
    });
  }

  /** `kill -9`: no shutdown code runs, as in a crash or an OOM kill. */
  async kill(): Promise<void> {
    await this.process?.stop('SIGKILL');
  }

  /** SIGTERM and wait for a clean exit (SIGKILL after 15 s). */
  async stop(): Promise<void> {
    await this.process?.stop('SIGTERM', 15_000);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.spawn();
  }

  /** Stops the process and removes a temporary data dir. */
  async cleanup(): Promise<void> {
    await this.process?.stop('SIGTERM', 5000);
    if (this.ownsDataDir) removeDir(this.dataDir);
  }
}

export const startHub = (options: HubOptions): Promise<HubProcess> => HubProcess.start(options);
