import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PROTOCOL_VERSION } from '@unity/shared';
import pino from 'pino';
import { type RunningAgent, startAgent } from '../agent.js';
import type { AgentConfig } from '../config.js';
import { AgentError } from '../errors.js';
import { AGENT_VERSION } from '../version.js';
import { FakeHub } from './fake-hub.js';
import { identityPath, readIdentity } from './identity.js';

const AGENT_DIR = fileURLToPath(new URL('../../..', import.meta.url));

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A logger whose lines a test can search. */
function captureLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).trim().split('\n'));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

let root: string;
let hub: FakeHub;
const running: RunningAgent[] = [];
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'unity-link-'));
  hub = await FakeHub.start();
});
after(async () => {
  for (const agent of running) await agent.stop();
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

let n = 0;
function config(over: Partial<AgentConfig> = {}): AgentConfig {
  return {
    hubUrl: hub.url,
    token: undefined,
    stateDir: join(root, `state-${++n}`),
    name: 'link-test',
    hostIntervalMs: 100,
    dockerHosts: [],
    engineAutodetect: false,
    outboxMaxBatches: 1000,
    outboxMaxBytes: 64 * 1024 * 1024,
    readOnly: false,
    scanIntervalMs: 0,
    searchPath: '',
    logLevel: 'silent',
    ...over,
  };
}

async function start(
  c: AgentConfig,
  log = pino({ level: 'silent' }),
  sendWindow?: number,
): Promise<RunningAgent> {
  const agent = await startAgent(c, {
    log,
    connection: { baseDelayMs: 20, maxDelayMs: 100 },
    ...(sendWindow ? { sendWindow } : {}),
  });
  running.push(agent);
  return agent;
}

const seqsOf = (connection: number) =>
  hub.received.filter((r) => r.connection === connection).map((r) => r.frame.seq);

describe('agent ↔ hub link', { timeout: 60_000 }, () => {
  it('enrolls, says hello, streams batches, replays unacknowledged ones in order after a drop', async () => {
    const c = config({ token: hub.addToken() });
    const agent = await start(c);
    await waitFor('3 stored batches', () => hub.stored.size >= 3);

    const identity = await readIdentity(c.stateDir);
    assert.equal(identity?.enrollment?.agentId, agent.agentId);
    assert.equal((await stat(identityPath(c.stateDir))).mode & 0o777, 0o600);
    const hello = hub.hellos[0];
    assert.equal(hello?.protocol, PROTOCOL_VERSION);
    assert.equal(hello?.agentVersion, AGENT_VERSION);
    assert.deepEqual(hello?.capabilities, ['host', 'containers', 'logs', 'actions', 'probes']);
    assert.equal(hello?.host.hostname, 'link-test');
    assert.ok(
      (hello?.lastSeq ?? -1) >= 0 && (hello?.lastSeq ?? 9) <= 1,
      'hello.lastSeq: the highest seq so far',
    );
    for (const frame of hub.stored.values()) {
      assert.equal(
        frame.items.filter((i) => i.kind === 'host_metrics').length,
        1,
        'one host sample per batch',
      );
    }

    // The hub stops acknowledging, then crashes: the agent keeps the batches and replays them.
    hub.ack = false;
    const lastAcked = hub.highWater;
    const before = hub.connections;
    await waitFor(
      'unacknowledged batches',
      () => hub.received.filter((r) => r.frame.seq > lastAcked).length >= 3,
    );
    hub.dropConnections();
    hub.ack = true;
    await waitFor('a new connection', () => hub.connections > before);
    await waitFor('replay stored', () => hub.highWater >= lastAcked + 5);
    const replay = seqsOf(hub.connections);
    assert.equal(replay[0], lastAcked + 1, `replay starts after the last stored seq: ${replay}`);
    assert.deepEqual(
      replay,
      [...replay].sort((a, b) => a - b),
      'in seq order',
    );
    assert.deepEqual(
      [...hub.stored.keys()].sort((a, b) => a - b),
      Array.from({ length: hub.highWater }, (_, i) => i + 1),
      'every seq stored once, none missing',
    );
    await waitFor('outbox drained', () => agent.outbox.pendingSeqs().every((s) => s > hub.highWater - 2));
  });

  it('keeps at most its send window of batches unacknowledged, then catches up', async () => {
    // A hub of its own: the shared one counts seqs across the agents of earlier tests.
    const own = await FakeHub.start();
    try {
      const agent = await start(config({ hubUrl: own.url, token: own.addToken() }), undefined, 3);
      await waitFor('a first stored batch', () => own.stored.size > 0);
      own.ack = false;
      const lastAcked = own.highWater;
      // 100 ms ticks: the outbox fills while the hub is silent.
      await waitFor('the outbox filling up', () => agent.outbox.pendingSeqs().length >= 10);
      const inFlight = own.received.map((r) => r.frame.seq).filter((seq) => seq > lastAcked);
      assert.ok(inFlight.length <= 3, `at most 3 unacknowledged batches sent, got ${inFlight}`);
      assert.ok(inFlight.length >= 1, 'the window is used');

      own.ack = true;
      own.dropConnections();
      const target = Math.max(...agent.outbox.pendingSeqs());
      await waitFor('the backlog stored', () => own.highWater >= target);
      assert.deepEqual(
        [...own.stored.keys()].sort((a, b) => a - b),
        Array.from({ length: own.stored.size }, (_, i) => i + 1),
        'every batch stored once, none missing',
      );
    } finally {
      await own.close();
    }
  });

  it('never re-sends an acknowledged batch, even when the hub announces ackedSeq 0', async () => {
    const agent = await start(config({ token: hub.addToken() }));
    await waitFor(
      'a few stored batches',
      () => agent.outbox.lastSeq >= 3 && hub.stored.has(agent.outbox.lastSeq),
    );
    const ackedSoFar = agent.outbox.lastSeq;
    await waitFor('acks applied', () => agent.outbox.pendingSeqs().every((s) => s > ackedSoFar));
    hub.announcedAckedSeq = 0;
    const before = hub.connections;
    hub.dropConnections();
    try {
      await waitFor(
        'batches on a new connection',
        () => hub.connections > before && seqsOf(hub.connections).length >= 2,
      );
    } finally {
      hub.announcedAckedSeq = undefined;
    }
    const sent = seqsOf(hub.connections);
    assert.ok(
      sent.every((s) => s > ackedSoFar),
      `acknowledged batches (≤ ${ackedSoFar}) were sent again: ${sent}`,
    );
  });

  it('restarts from its state dir without a token and continues the seqs', async () => {
    const c = config({ token: hub.addToken() });
    const first = await start(c);
    await waitFor('batches', () => first.outbox.lastSeq >= 2);
    hub.ack = false;
    await new Promise((r) => setTimeout(r, 300));
    await first.stop();
    const lastSeq = first.outbox.lastSeq;
    const pending = first.outbox.pendingSeqs();
    assert.ok(pending.length > 0, 'some batches were never acknowledged');
    hub.ack = true;
    const hellos = hub.hellos.length;
    const second = await start({ ...c, token: undefined });
    assert.equal(second.agentId, first.agentId);
    await waitFor('hello again', () => hub.hellos.length > hellos);
    assert.ok((hub.hellos.at(-1)?.lastSeq ?? 0) >= lastSeq, 'seqs continue after a restart');
    await waitFor('pending replayed', () => pending.every((s) => second.outbox.pendingSeqs().indexOf(s) < 0));
    await waitFor('new seqs', () => second.outbox.lastSeq > lastSeq);
  });

  it('refuses to send to a hub that cannot prove it holds the pinned key', async () => {
    const { log, lines } = captureLog();
    const c = config({ token: hub.addToken() });
    hub.forgeProof = true;
    const firstConnection = hub.connections + 1;
    try {
      const agent = await start(c, log);
      await waitFor('a hub proof error', () =>
        lines.some((l) => l.includes('not the hub this agent enrolled with')),
      );
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(agent.outbox.lastSeq > 0, 'it keeps sampling into the outbox');
      assert.ok(!hub.received.some((r) => r.connection >= firstConnection), 'no batch reached the impostor');
      assert.equal(agent.link.ready, false);
    } finally {
      hub.forgeProof = false;
    }
    assert.ok(!lines.some((l) => l.includes('enroll_')), 'the enrollment token never reaches the log');
  });

  it('runs the hub’s commands it knows and answers the others as unsupported', async () => {
    const agent = await start(config({ token: hub.addToken() }));
    await waitFor('ready', () => agent.link.ready);
    hub.cmdResults.length = 0;
    hub.broadcast({ type: 'cmd', id: 'c-1', kind: 'no.such.command', args: {} });
    hub.broadcast({ type: 'cmd', id: 'c-2', kind: 'agent.info', args: {} });
    await waitFor('cmd_result', () => hub.cmdResults.length >= 2);
    const byId = new Map(
      (hub.cmdResults as { id: string; ok: boolean; error?: { code: string }; result?: unknown }[]).map(
        (r) => [r.id, r],
      ),
    );
    assert.equal(byId.get('c-1')?.error?.code, 'unsupported');
    assert.deepEqual(byId.get('c-2')?.result, {
      version: AGENT_VERSION,
      readOnly: false,
      commands: [
        'agent.info',
        'logs.tail',
        'logs.follow',
        'logs.ship.set',
        'container.action',
        'image.scan',
        'speedtest.run',
        'probes.set',
        // 'k8s.logs' joins only when a cluster is configured (test/e2e/k8s.test.ts uses it).
      ],
    });
  });

  it('gives up on a refused token: AgentError enroll_rejected, and exit code 3 from the CLI', async () => {
    await assert.rejects(
      start(config({ token: 'enroll_not-a-real-token-at-all' })),
      (e: unknown) => e instanceof AgentError && e.code === 'enroll_rejected' && /used up/.test(e.message),
    );
    // Asynchronously: this process serves the hub the CLI talks to.
    const cli = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'agent/src/main.ts',
        '--hub',
        hub.url,
        '--token',
        'enroll_not-a-real-token-at-all',
        '--state-dir',
        join(root, 'cli'),
      ],
      { cwd: AGENT_DIR, encoding: 'utf8', timeout: 20_000, env: { ...process.env, LOG_LEVEL: 'silent' } },
    ).then(
      () => ({ status: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        status: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );
    assert.equal(cli.status, 3, cli.stderr);
    assert.match(cli.stderr, /enrollment token is invalid, expired or used up/);
    assert.doesNotMatch(cli.stderr + cli.stdout, /enroll_not-a-real-token/);
  });
});
