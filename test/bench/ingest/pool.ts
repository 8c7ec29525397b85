/**
 * The agent worker processes: K children (`node --import tsx worker.ts`), agents dealt to them
 * round-robin, each a separate event loop. Output goes to test-results/logs/bench-ingest-worker-<k>.log.
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, resultsPath } from '../../lib/paths.js';
import type { AgentFinal, AgentSpec, WorkerCommand, WorkerReply } from './worker.js';

const WORKER = join(REPO_ROOT, 'test', 'bench', 'ingest', 'worker.ts');

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export type StartParams = Omit<Extract<WorkerCommand, { type: 'start' }>, 'type' | 'agents'>;

class Worker {
  readonly child: ChildProcess;
  constructor(readonly k: number) {
    const fd = openSync(resultsPath('logs', `bench-ingest-worker-${k}.log`), 'a');
    this.child = fork(WORKER, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', fd, fd, 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    closeSync(fd);
    children.add(this.child);
    this.child.on('exit', () => children.delete(this.child));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Sends a command and waits for the reply of `type` (at most `timeoutMs`). */
  ask<T extends WorkerReply['type']>(
    cmd: WorkerCommand,
    type: T,
    timeoutMs: number,
  ): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`worker ${this.k}: no '${type}' reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (msg: WorkerReply) => {
        if (msg.type !== type) return;
        cleanup();
        resolve(msg as Extract<WorkerReply, { type: T }>);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`worker ${this.k} exited (${code}) before '${type}'`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
      this.child.send(cmd);
    });
  }
}

export type PoolReport = { agents: number; ready: number; pending: number; produced: number };

export class AgentPool {
  readonly workers: Worker[];
  readonly agentIds = new Map<number, string>();
  #next = 0;

  constructor(
    workers: number,
    private readonly stateRoot: string,
  ) {
    this.workers = Array.from({ length: workers }, (_, k) => new Worker(k));
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid);
  }

  get size(): number {
    return this.#next;
  }

  /** Adds `count` agents spread over the workers; resolves once all of them were started (enrolled, linked). */
  async add(count: number, params: StartParams): Promise<void> {
    const specs: AgentSpec[][] = this.workers.map(() => []);
    for (let i = 0; i < count; i++) {
      const index = this.#next++;
      specs[index % this.workers.length]?.push({ index, stateDir: join(this.stateRoot, `a${index}`) });
    }
    const replies = await Promise.all(
      this.workers.map((w, k) =>
        w.ask({ type: 'start', ...params, agents: specs[k] ?? [] }, 'started', params.staggerMs + 120_000),
      ),
    );
    const failed = replies.flatMap((r) => r.failed);
    for (const r of replies) for (const a of r.agents) this.agentIds.set(a.index, a.agentId);
    if (failed.length > 0)
      throw new Error(`${failed.length} agents failed to start: ${failed.slice(0, 3).join('; ')}`);
  }

  async report(): Promise<PoolReport> {
    const rs = await Promise.all(this.workers.map((w) => w.ask({ type: 'report' }, 'report', 30_000)));
    return {
      agents: rs.reduce((s, r) => s + r.agents, 0),
      ready: rs.reduce((s, r) => s + r.ready, 0),
      pending: rs.reduce((s, r) => s + r.pending, 0),
      produced: rs.reduce((s, r) => s + r.produced, 0),
    };
  }

  /** Stops sampling, lets the outboxes drain (at most `drainMs`), closes the links. */
  async stop(drainMs: number): Promise<{ agents: AgentFinal[]; drainedMs: number }> {
    const rs = await Promise.all(
      this.workers.map((w) => w.ask({ type: 'stop', drainMs }, 'stopped', drainMs + 30_000)),
    );
    return { agents: rs.flatMap((r) => r.agents), drainedMs: Math.max(0, ...rs.map((r) => r.drainedMs)) };
  }

  kill(): void {
    for (const w of this.workers) w.child.kill('SIGKILL');
  }
}
