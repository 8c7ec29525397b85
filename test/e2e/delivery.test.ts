/**
 * Delivery: the hub is killed (-9, no shutdown code) while the agent is streaming, then started
 * again on the same port. Every batch the agent produced must end up stored exactly once —
 * counted by `seq` in `host_samples`, where each batch carries one host sample.
 *
 * The agent's production is read from its own state dir (`outbox/state.json` keeps `nextSeq`,
 * unacknowledged batches stay as `outbox/<seq>.json`). To compare complete sets, the agent is
 * finally restarted with a long interval so it drains its outbox, and stopped when it is empty.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type AgentProcess, startAgent } from '../lib/agent.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, sleep, waitFor } from '../lib/wait.js';

let db: TestDatabase;
let stack: Stack;
let drain: AgentProcess | undefined;

before(async () => {
  db = await createTestDatabase();
  stack = await startStack({ name: 'delivery', databaseUrl: db.url, hostInterval: '1s' });
});

after(async () => {
  await drain?.cleanup();
  await stack?.cleanup();
  await db?.drop();
});

/** The agent's own count: highest seq produced, and the seqs still waiting for an ack. */
function agentProgress(agent: AgentProcess): { lastSeq: number; pending: number[] } {
  const dir = join(agent.stateDir, 'outbox');
  const pending = agent
    .stateFiles('outbox')
    .map((f) => /^(\d+)\.json$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  let nextSeq = 1;
  try {
    nextSeq = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { nextSeq: number }).nextSeq;
  } catch {
    // not written yet
  }
  return { lastSeq: Math.max(nextSeq - 1, pending.at(-1) ?? 0), pending };
}

async function storedLastSeq(agentId: string): Promise<number> {
  const [row] = await db.sql<{ last_seq: string }[]>`select last_seq from agents where id = ${agentId}`;
  return Number(row?.last_seq ?? 0);
}

test('hub killed (-9) mid-stream and restarted: every produced batch is stored exactly once', async () => {
  const agent = await stack.startAgent();
  const host = await waitForHostOnline(stack.api, agent, 30_000);

  // Let a few batches through, then crash the hub between two of them.
  await waitFor(async () => (await storedLastSeq(host.id)) >= 4, {
    timeoutMs: 20_000,
    what: 'last_seq >= 4',
  });
  await sleep(300);
  const beforeKill = await storedLastSeq(host.id);
  await stack.hub.kill();
  await sleep(4000); // the agent keeps sampling into its outbox meanwhile
  const whileDown = agentProgress(agent);
  assert.ok(
    whileDown.lastSeq > beforeKill,
    `agent kept producing while the hub was down (produced ${whileDown.lastSeq}, stored ${beforeKill})`,
  );
  assert.ok(whileDown.pending.length > 0, 'batches produced while the hub was down wait in the outbox');

  await stack.hub.spawn();
  // The agent reconnects (backoff from 0.5 s) and replays; the stored mark passes what was
  // produced during the outage.
  await waitFor(
    async () => {
      const stored = await storedLastSeq(host.id);
      if (stored <= whileDown.lastSeq)
        throw new NotYet(`stored ${stored}, produced ${whileDown.lastSeq} before restart`);
      return true;
    },
    { timeoutMs: 45_000, what: 'the agent to replay its outbox after the hub restart' },
  );
  await sleep(2000);
  await agent.stop('SIGTERM');
  assert.equal(agent.process?.exitInfo?.signal ?? null, null, 'agent exits by itself on SIGTERM');

  // Drain what was produced but not acknowledged before the stop.
  const afterStop = agentProgress(agent);
  if (afterStop.pending.length > 0) {
    drain = startAgent({
      name: 'delivery-drain',
      hubUrl: stack.hub.url,
      stateDir: agent.stateDir,
      hostName: agent.hostName,
      hostInterval: '1h',
    });
    await waitFor(
      () => {
        const p = agentProgress(drain as AgentProcess);
        if (p.pending.length > 0) throw new NotYet(`pending ${p.pending.join(',')}`);
        return true;
      },
      { timeoutMs: 30_000, what: 'the restarted agent to empty its outbox' },
    );
    await drain.stop('SIGTERM');
  }

  const { lastSeq, pending } = agentProgress(agent);
  assert.deepEqual(pending, [], 'outbox empty at the end');
  const rows = await db.sql<{ seq: string; n: string }[]>`
    select seq, count(*) as n from host_samples where host_id = ${host.id} group by seq order by seq`;
  const counts = new Map(rows.map((r) => [Number(r.seq), Number(r.n)]));
  const missing: number[] = [];
  const duplicated: number[] = [];
  for (let seq = 1; seq <= lastSeq; seq++) {
    const n = counts.get(seq) ?? 0;
    if (n === 0) missing.push(seq);
    if (n > 1) duplicated.push(seq);
  }
  const unexpected = [...counts.keys()].filter((s) => s < 1 || s > lastSeq);
  assert.ok(lastSeq >= 10, `the agent produced ${lastSeq} batches`);
  assert.deepEqual(
    { missing, duplicated, unexpected },
    { missing: [], duplicated: [], unexpected: [] },
    `seqs 1..${lastSeq} each stored once`,
  );
  assert.equal(await storedLastSeq(host.id), lastSeq);
});
