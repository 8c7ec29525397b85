/**
 * Bad input on the agent link, played by a hostile client (jose + ws) against a real hub on
 * PostgreSQL. Each attempt must be refused with a clear error, its connection closed and
 * nothing of it stored, while a well-behaved agent process connected the whole time keeps
 * getting acknowledgements and its data keeps arriving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EnrollResponseSchema } from '@unity/shared';
import type { AgentProcess } from '../lib/agent.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import {
  connect,
  connectToken,
  type Enrolled,
  enroll,
  helloFrame,
  hostMetricsItem,
  newKeyPair,
  type RawSocket,
} from '../lib/raw-agent.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, sleep, waitFor } from '../lib/wait.js';

let db: TestDatabase;
let stack: Stack;
let good: AgentProcess;
let goodHostId = '';
let hostile: Enrolled;
const hostileName = `hostile-${process.pid}`;
const sockets: RawSocket[] = [];

async function lastSeq(agentId: string): Promise<number> {
  const [row] = await db.sql<{ last_seq: string }[]>`select last_seq from agents where id = ${agentId}`;
  return Number(row?.last_seq ?? -1);
}

async function sampleCount(hostId: string): Promise<number> {
  const [row] = await db.sql<
    { n: string }[]
  >`select count(*) as n from host_samples where host_id = ${hostId}`;
  return Number(row?.n ?? 0);
}

/** The good agent's stored seq moves on (it is acknowledged and its data is stored). */
async function goodAgentStillFlows(): Promise<void> {
  const from = await lastSeq(goodHostId);
  await waitFor(
    async () => {
      if (!good.process?.running) throw new Error('good agent exited');
      const now = await lastSeq(goodHostId);
      if (now < from + 2) throw new NotYet(`last_seq ${now}, was ${from}`);
      return true;
    },
    { timeoutMs: 15_000, what: 'the good agent to get 2 more batches stored' },
  );
  const hosts = await stack.api.hosts();
  assert.equal(hosts.find((h) => h.id === goodHostId)?.online, true, 'good agent stays online');
}

/** Connects as the hostile agent with a fresh connect token and completes hello → config. */
async function connectHostile(): Promise<RawSocket> {
  const token = await connectToken(hostile.keys.privateKey, hostile.agentId, hostile.hubId);
  const result = await connect(stack.hub.url, token);
  assert.equal(result.kind, 'open', `connect refused: ${JSON.stringify(result)}`);
  if (result.kind !== 'open') throw new Error('unreachable');
  sockets.push(result.socket);
  result.socket.sendJson(helloFrame(hostileName, await lastSeq(hostile.agentId)));
  await result.socket.next('config');
  return result.socket;
}

function errorMessage(body: unknown): string {
  const e = (body as { error?: { code?: unknown; message?: unknown } }).error;
  assert.equal(e?.code, 'unauthorized', `error code in ${JSON.stringify(body)}`);
  assert.equal(typeof e?.message, 'string');
  return String(e?.message);
}

before(async () => {
  db = await createTestDatabase();
  stack = await startStack({ name: 'bad-input', databaseUrl: db.url, hostInterval: '1s' });
  good = await stack.startAgent();
  goodHostId = (await waitForHostOnline(stack.api, good, 30_000)).id;

  const token = await stack.api.createEnrollmentToken({ ttlSec: 600, maxUses: 1 });
  const keys = await newKeyPair();
  const res = await enroll(stack.hub.url, token.token, keys, hostileName);
  assert.ok(res.status === 200 || res.status === 201, `enroll: ${res.status} ${JSON.stringify(res.body)}`);
  hostile = { ...EnrollResponseSchema.parse(res.body), keys };
});

after(async () => {
  for (const s of sockets) s.close();
  await stack?.cleanup();
  await db?.drop();
});

describe('the agent link refuses bad input', () => {
  test('control: the hand-driven agent itself is accepted, acknowledged and stored', async () => {
    const socket = await connectHostile();
    socket.sendJson({ type: 'batch', seq: 1, items: [hostMetricsItem()] });
    const ack = await socket.next('ack');
    assert.equal(ack.seq, 1);
    assert.equal(await sampleCount(hostile.agentId), 1);
    socket.close();
  });

  test('WebSocket without a token: 401 and no upgrade', async () => {
    const result = await connect(stack.hub.url, undefined);
    assert.equal(result.kind, 'refused');
    assert.equal(result.kind === 'refused' && result.status, 401);
  });

  test('connect token signed by a key other than the enrolled one: 401', async () => {
    const wrong = await newKeyPair();
    const token = await connectToken(wrong.privateKey, hostile.agentId, hostile.hubId);
    const result = await connect(stack.hub.url, token);
    assert.equal(result.kind, 'refused', 'no upgrade');
    assert.equal(result.kind === 'refused' && result.status, 401);
  });

  test('garbage bearer token: 401', async () => {
    const result = await connect(stack.hub.url, 'not-a-jwt');
    assert.equal(result.kind === 'refused' && result.status, 401);
  });

  test('enrolling with an expired enrollment token: 401 with a clear message, no agent created', async () => {
    const token = await stack.api.createEnrollmentToken({ ttlSec: 60, maxUses: 5 });
    await db.sql`update enrollment_tokens set expires_at = now() - interval '1 minute' where id = ${token.id}`;
    const before = await db.sql`select id from agents`;
    const res = await enroll(stack.hub.url, token.token, await newKeyPair(), 'expired-token-host');
    assert.equal(res.status, 401, JSON.stringify(res.body));
    assert.match(errorMessage(res.body), /expired/i);
    assert.equal((await db.sql`select id from agents`).length, before.length);
  });

  test('enrolling with a used-up enrollment token: 401 with a clear message', async () => {
    const token = await stack.api.createEnrollmentToken({ ttlSec: 600, maxUses: 1 });
    const first = await enroll(stack.hub.url, token.token, await newKeyPair(), 'first-use-host');
    assert.ok(first.status === 200 || first.status === 201, `${first.status} ${JSON.stringify(first.body)}`);
    const second = await enroll(stack.hub.url, token.token, await newKeyPair(), 'second-use-host');
    assert.equal(second.status, 401, JSON.stringify(second.body));
    assert.match(errorMessage(second.body), /used|uses/i);
  });

  test('a frame that is not JSON: error bad_frame, then close; nothing stored', async () => {
    const stored = await sampleCount(hostile.agentId);
    const socket = await connectHostile();
    socket.send('{"type":"batch","seq":2,"items":[');
    const error = await socket.next('error');
    assert.equal(error.code, 'bad_frame');
    assert.ok(String(error.message).length > 0, 'the error says what is wrong');
    const closed = await socket.waitClosed();
    assert.equal(closed.code, 1008);
    assert.equal(await sampleCount(hostile.agentId), stored);
  });

  test('a batch that breaks the schema: error bad_frame naming the field, then close; nothing stored', async () => {
    const stored = await sampleCount(hostile.agentId);
    const seqBefore = await lastSeq(hostile.agentId);
    const socket = await connectHostile();
    const item = { ...hostMetricsItem(), cpu: { total: 500, perCore: [] } };
    socket.sendJson({ type: 'batch', seq: seqBefore + 1, items: [item] });
    const error = await socket.next('error');
    assert.equal(error.code, 'bad_frame');
    assert.match(String(error.message), /cpu/);
    await socket.waitClosed();
    assert.equal(await sampleCount(hostile.agentId), stored);
    assert.equal(await lastSeq(hostile.agentId), seqBefore);
  });

  test('a frame over 1 MiB: closed with 1009; nothing stored', async () => {
    const stored = await sampleCount(hostile.agentId);
    const socket = await connectHostile();
    const item = {
      ...hostMetricsItem(),
      disks: [{ mount: 'x'.repeat(1024 * 1024), fs: 'ext4', totalBytes: 1, usedBytes: 1 }],
    };
    socket.sendJson({ type: 'batch', seq: (await lastSeq(hostile.agentId)) + 1, items: [item] });
    const closed = await socket.waitClosed();
    assert.equal(closed.code, 1009);
    await sleep(500);
    assert.equal(await sampleCount(hostile.agentId), stored);
  });

  test('the good agent was never disturbed: still online, still acknowledged and stored', async () => {
    await goodAgentStillFlows();
    assert.doesNotMatch(good.logs, /"level":(50|60)/, 'good agent logged no errors');
  });
});
