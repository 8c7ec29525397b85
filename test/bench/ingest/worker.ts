/**
 * One agent worker process of the ingest benchmark: hosts many simulated agents in one event loop.
 * Each is the real agent (startAgent: identity and enrollment, the durable outbox, the scheduler's
 * tick loop and the WebSocket link with acks and replay) with SyntheticCollector standing in for
 * its procfs and engine collectors. Driven by the benchmark over IPC (see WorkerCommand / WorkerReply).
 * @module
 */
import type { Logger } from 'pino';
import { type RunningAgent, startAgent } from '../../../agent/src/agent.js';
import { createLogger } from '../../../agent/src/log.js';
import { hostFacts, SyntheticCollector } from './synthetic.js';

export type AgentSpec = { index: number; stateDir: string };

export type WorkerCommand =
  | {
      type: 'start';
      hubUrl: string;
      token: string;
      intervalMs: number;
      containers: number;
      inventoryEvery: number;
      /** Agent i of this command starts at i × staggerMs / agents.length. */
      staggerMs: number;
      agents: AgentSpec[];
    }
  | { type: 'report' }
  | { type: 'stop'; drainMs: number };

/** `firstPending`: the lowest seq not yet acknowledged (lastSeq + 1 when everything was). */
export type AgentFinal = {
  index: number;
  agentId: string;
  lastSeq: number;
  pending: number;
  firstPending: number;
};

export type WorkerReply =
  | { type: 'started'; agents: { index: number; agentId: string }[]; failed: string[] }
  | { type: 'report'; agents: number; ready: number; pending: number; produced: number }
  | { type: 'stopped'; agents: AgentFinal[]; drainedMs: number };

type SimAgent = RunningAgent & { index: number };

const agents: SimAgent[] = [];
const log: Logger = createLogger((process.env.BENCH_AGENT_LOG_LEVEL as 'warn' | undefined) ?? 'warn');
const send = (reply: WorkerReply) => process.send?.(reply);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startOne(spec: AgentSpec, cmd: Extract<WorkerCommand, { type: 'start' }>): Promise<SimAgent> {
  const facts = hostFacts(spec.index);
  const synth = new SyntheticCollector(spec.index, cmd.containers, cmd.inventoryEvery);
  const agent = await startAgent(
    {
      hubUrl: cmd.hubUrl,
      token: cmd.token,
      stateDir: spec.stateDir,
      name: undefined,
      hostIntervalMs: cmd.intervalMs,
      dockerHosts: [],
      engineAutodetect: false,
      outboxMaxBatches: 10_000,
      outboxMaxBytes: 256 * 2 ** 20,
      readOnly: false,
      scanIntervalMs: 0,
      searchPath: '',
      logLevel: 'warn',
    },
    {
      log: log.child({ agent: spec.index }),
      collectors: {
        host: { facts: async () => facts, sample: async () => synth.host(Date.now()) },
        engines: { collect: async () => synth.engines(Date.now()) },
      },
    },
  );
  return Object.assign(agent, { index: spec.index });
}

async function start(cmd: Extract<WorkerCommand, { type: 'start' }>): Promise<void> {
  const n = cmd.agents.length;
  const failed: string[] = [];
  const started: { index: number; agentId: string }[] = [];
  const t0 = Date.now();
  await Promise.all(
    cmd.agents.map(async (spec, i) => {
      await sleep(Math.max(0, t0 + (i * cmd.staggerMs) / n - Date.now()));
      try {
        const a = await startOne(spec, cmd);
        agents.push(a);
        started.push({ index: a.index, agentId: a.agentId });
      } catch (error) {
        failed.push(`agent ${spec.index}: ${(error as Error).message}`);
      }
    }),
  );
  send({ type: 'started', agents: started, failed });
}

async function stop(drainMs: number): Promise<void> {
  await Promise.all(agents.map((a) => a.scheduler.stop()));
  const t0 = Date.now();
  while (Date.now() - t0 < drainMs && agents.some((a) => a.outbox.pendingSeqs().length > 0)) await sleep(100);
  const drainedMs = Date.now() - t0;
  await Promise.all(agents.map((a) => a.link.stop()));
  send({
    type: 'stopped',
    drainedMs,
    agents: agents.map((a) => ({
      index: a.index,
      agentId: a.agentId,
      lastSeq: a.outbox.lastSeq,
      pending: a.outbox.pendingSeqs().length,
      firstPending: a.outbox.pendingSeqs()[0] ?? a.outbox.lastSeq + 1,
    })),
  });
  setTimeout(() => process.exit(0), 200);
}

process.on('message', (msg: WorkerCommand) => {
  switch (msg.type) {
    case 'start':
      void start(msg);
      break;
    case 'report':
      send({
        type: 'report',
        agents: agents.length,
        ready: agents.filter((a) => a.link.ready).length,
        pending: agents.reduce((s, a) => s + a.outbox.pendingSeqs().length, 0),
        produced: agents.reduce((s, a) => s + a.outbox.lastSeq, 0),
      });
      break;
    case 'stop':
      void stop(msg.drainMs);
      break;
  }
});
// The benchmark went away: do not linger.
process.on('disconnect', () => process.exit(0));
