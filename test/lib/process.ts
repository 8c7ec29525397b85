/**
 * Child processes that tests start (hub, agent, podman service): output goes to a log file
 * under test-results/ (and is kept in memory for assertions), and every one still running is
 * killed when the test process exits, so a failing test never leaves processes behind.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { resultsPath } from './paths.js';

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

const running = new Set<ChildProcess>();

const groups = new Set<number>();

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

export type SpawnOptions = {
  /** Names the log file: test-results/logs/<name>.log (appended across restarts). */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Run in a process group of its own and signal the whole group: for commands that start
   * children of their own (`npm start`), so none of them outlives the test.
   */
  group?: boolean;
};

/** A running process with its captured output. */
export class Managed {
  readonly child: ChildProcess;
  readonly logPath: string;
  private output = '';
  private readonly exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | undefined;
  private readonly group: boolean;

  constructor(options: SpawnOptions, log: WriteStream, logPath: string) {
    this.logPath = logPath;
    log.write(`\n===== ${new Date().toISOString()} ${options.command} ${options.args.join(' ')}\n`);
    this.child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.group === true,
    });
    this.group = options.group === true;
    running.add(this.child);
    if (this.group && this.child.pid) groups.add(this.child.pid);
    const capture = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      // Keep the tail only: a chatty process must not grow the test's memory without bound.
      this.output = (this.output + text).slice(-1_000_000);
      log.write(text);
    };
    this.child.stdout?.on('data', capture);
    this.child.stderr?.on('data', capture);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        running.delete(this.child);
        this.exitInfo = { code, signal };
        log.write(`===== exited code=${code} signal=${signal}\n`);
        resolve(this.exitInfo);
      });
      this.child.on('error', (error) => {
        running.delete(this.child);
        log.write(`===== spawn error: ${error.message}\n`);
        this.exitInfo = { code: -1, signal: null };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`process has no pid (log: ${this.logPath})`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Everything the process printed so far (the last MiB). */
  get logs(): string {
    return this.output;
  }

  /** The last `lines` lines of output, for error messages. */
  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  wait(): Promise<ExitInfo> {
    return this.exited;
  }

  /** Sends a signal to the process, or to its whole group when started with `group`. */
  signal(signal: NodeJS.Signals): void {
    try {
      if (this.group && this.child.pid) process.kill(-this.child.pid, signal);
      else this.child.kill(signal);
    } catch {
      // already gone
    }
  }

  /** Sends `signal` and waits for the exit; escalates to SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<ExitInfo> {
    if (!this.running) {
      // The leader is gone; make sure nothing of its group lingers.
      if (this.group) this.signal('SIGKILL');
      return this.exited;
    }
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), signal === 'SIGKILL' ? 0 : graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      if (this.group) this.signal('SIGKILL');
    }
  }
}

const logs = new Map<string, { stream: WriteStream; path: string }>();

export function startProcess(options: SpawnOptions): Managed {
  let entry = logs.get(options.name);
  if (!entry) {
    const path = resultsPath('logs', `${options.name}.log`);
    entry = { stream: createWriteStream(path, { flags: 'a' }), path };
    logs.set(options.name, entry);
  }
  return new Managed(options, entry.stream, entry.path);
}

/** Runs a command to completion and returns its output; throws with the output on failure. */
export async function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  running.delete(child);
  if (code !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} exited ${code}\n${stderr || stdout}`.slice(0, 4000));
  }
  return { code, stdout, stderr };
}
