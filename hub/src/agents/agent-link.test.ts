import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_FRAME_BYTES } from '@unity/shared';
import { count, eq, sql } from 'drizzle-orm';
import { generateKeyPair, importJWK, jwtVerify } from 'jose';
import { rowsOf } from '../db/client.js';
import { hostSamples } from '../db/schema.js';
import { backends } from '../testing/databases.js';
import { batch } from '../testing/fixtures.js';
import {
  type AgentSocket,
  connectAgent,
  connectToken,
  enrollAgent,
  helloFrame,
  openAgentSocket,
  startTestHub,
  type TestAgent,
  type TestHub,
  waitFor,
} from '../testing/hub.js';
import { DEFAULT_SOCKET_OPTIONS } from './agent-socket.js';

const T0 = Date.now() - 60_000;

async function sampleCount(hub: TestHub, hostId: string): Promise<number> {
  const [row] = await hub.deps.db
    .select({ n: count() })
    .from(hostSamples)
    .where(eq(hostSamples.hostId, hostId));
  return row?.n ?? 0;
}

describe('agent WebSocket: authentication at the upgrade', () => {
  let hub: TestHub;
  let agent: TestAgent;
  before(async () => {
    hub = await startTestHub();
    agent = await enrollAgent(hub);
  });
  after(() => hub.close());

  it('refuses a connection without a token with HTTP 401 and a JSON error', async () => {
    await assert.rejects(openAgentSocket(hub, undefined), /HTTP 401 .*"code":"unauthorized"/);
  });

  it('refuses a token signed with another key', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const token = await connectToken(agent, { key: privateKey });
    await assert.rejects(openAgentSocket(hub, token), /HTTP 401 .*signature or claims/);
  });

  it('refuses an unknown agent', async () => {
    const token = await connectToken(agent, { iss: '00000000-0000-4000-8000-000000000000' });
    await assert.rejects(openAgentSocket(hub, token), /HTTP 401 .*unknown or revoked agent/);
  });

  it('refuses a replayed jti', async () => {
    const token = await connectToken(agent, { jti: 'once-only' });
    const first = await openAgentSocket(hub, token);
    first.ws.close();
    await assert.rejects(openAgentSocket(hub, token), /HTTP 401 .*already used/);
  });

  it('refuses a token that lives longer than two minutes', async () => {
    const token = await connectToken(agent, { expiresIn: '10m' });
    await assert.rejects(openAgentSocket(hub, token), /HTTP 401 .*expire within/);
  });

  it('answers hello with a config frame carrying the hwm and a hub proof bound to the jti', async () => {
    const token = await connectToken(agent, { jti: 'proof-nonce' });
    const socket = await openAgentSocket(hub, token);
    socket.ws.send(JSON.stringify(helloFrame()));
    const config = await socket.next();
    assert.equal(config.type, 'config');
    if (config.type !== 'config') return;
    assert.equal(config.ackedSeq, 0);
    assert.equal(config.hostIntervalMs, 10_000);
    const key = await importJWK(agent.hubPublicKey, 'EdDSA');
    const { payload } = await jwtVerify(config.hubProof, key, {
      audience: agent.agentId,
      issuer: agent.hubId,
    });
    assert.equal(payload.nonce, 'proof-nonce');
    socket.ws.close();
  });

  it('refuses an unsupported protocol version with an error frame and close 1008', async () => {
    const socket = await openAgentSocket(hub, await connectToken(agent));
    socket.ws.send(JSON.stringify({ ...helloFrame(), protocol: 99 }));
    const frame = await socket.next();
    assert.equal(frame.type, 'error');
    if (frame.type === 'error') assert.equal(frame.code, 'unsupported_protocol');
    assert.equal((await socket.closed).code, 1008);
  });
});

describe('agent WebSocket: frames', () => {
  let hub: TestHub;
  let a: TestAgent;
  let b: TestAgent;
  let bSocket: AgentSocket;
  before(async () => {
    hub = await startTestHub();
    a = await enrollAgent(hub, 'host-a');
    b = await enrollAgent(hub, 'host-b');
    bSocket = await connectAgent(hub, b);
  });
  after(() => hub.close());

  it('stores a batch and acknowledges it after commit', async () => {
    const socket = await connectAgent(hub, a);
    socket.ws.send(JSON.stringify(batch(1, T0)));
    assert.deepEqual(await socket.next(), { type: 'ack', seq: 1 });
    assert.equal(await sampleCount(hub, a.agentId), 1);
    socket.ws.close();
    await socket.closed;
  });

  it('acknowledges a duplicate seq and stores nothing more', async () => {
    const socket = await connectAgent(hub, a);
    assert.equal(socket.config.type === 'config' && socket.config.ackedSeq, 1);
    socket.ws.send(JSON.stringify(batch(1, T0 + 1000)));
    assert.deepEqual(await socket.next(), { type: 'ack', seq: 1 });
    assert.equal(await sampleCount(hub, a.agentId), 1);
    socket.ws.close();
    await socket.closed;
  });

  it('answers a malformed batch with bad_frame naming the field, closes 1008 and stores nothing', async () => {
    const socket = await connectAgent(hub, a);
    socket.ws.send(JSON.stringify({ type: 'batch', seq: 2, items: [{ kind: 'host_metrics', ts: T0 }] }));
    const frame = await socket.next();
    assert.equal(frame.type, 'error');
    if (frame.type === 'error') {
      assert.equal(frame.code, 'bad_frame');
      assert.match(frame.message, /items\.0\./);
    }
    assert.equal((await socket.closed).code, 1008);
    const rows = rowsOf<{ n: number }>(
      await hub.deps.db.execute(sql`select count(*)::int as n from host_samples where seq = 2`),
    );
    assert.equal(rows[0]?.n, 0);
  });

  it('closes with 1009 on a frame over 1 MiB', async () => {
    const socket = await connectAgent(hub, a);
    socket.ws.send(JSON.stringify({ type: 'batch', seq: 3, pad: 'x'.repeat(MAX_FRAME_BYTES) }));
    assert.equal((await socket.closed).code, 1009);
  });

  it('refuses a batch before hello', async () => {
    const socket = await openAgentSocket(hub, await connectToken(a));
    socket.ws.send(JSON.stringify(batch(5, T0 + 5000)));
    const frame = await socket.next();
    assert.equal(frame.type === 'error' && frame.code, 'bad_frame');
    assert.equal((await socket.closed).code, 1008);
  });

  it('replaces an older connection of the same agent', async () => {
    const first = await connectAgent(hub, a);
    const second = await connectAgent(hub, a);
    assert.equal((await first.closed).code, 4000);
    second.ws.send(JSON.stringify(batch(6, T0 + 6000)));
    assert.deepEqual(await second.next(), { type: 'ack', seq: 6 });
    assert.equal(hub.deps.agents.isOnline(a.agentId), true);
    second.ws.close();
    await second.closed;
  });

  it('left the other agent unaffected throughout', async () => {
    assert.equal(bSocket.ws.readyState, bSocket.ws.OPEN);
    bSocket.ws.send(JSON.stringify(batch(1, T0)));
    assert.deepEqual(await bSocket.next(), { type: 'ack', seq: 1 });
    assert.equal(await sampleCount(hub, b.agentId), 1);
  });

  it('closes an agent socket at once on revocation and refuses its tokens after', async () => {
    await hub.deps.agents.revoke(b.agentId);
    assert.equal((await bSocket.closed).code, 4001);
    await assert.rejects(openAgentSocket(hub, await connectToken(b)), /HTTP 401/);
  });
});

describe('agent WebSocket: flow control', { timeout: 60_000 }, () => {
  it('stores and acknowledges, in order, a flood of batches sent without waiting for acks', async () => {
    // On PostgreSQL every commit waits on the network, so frames pile up faster than they are
    // stored; with tiny thresholds the hub pauses reading almost at once and must resume, or the
    // acks stop coming and this test times out.
    const postgres = backends.find((b) => b.name === 'postgres');
    assert.ok(postgres, 'a PostgreSQL test backend');
    const hub = await startTestHub({
      database: await postgres.open(),
      agentSocket: { ...DEFAULT_SOCKET_OPTIONS, pauseAbove: 2, resumeBelow: 1 },
    });
    try {
      const agent = await enrollAgent(hub, 'flooding-host');
      const socket = await connectAgent(hub, agent);
      const n = 100;
      for (let seq = 1; seq <= n; seq++) socket.ws.send(JSON.stringify(batch(seq, T0 + seq * 10)));
      for (let seq = 1; seq <= n; seq++) assert.deepEqual(await socket.next(), { type: 'ack', seq });
      assert.equal(await sampleCount(hub, agent.agentId), n);
      socket.ws.close();
      await socket.closed;
    } finally {
      await hub.close();
    }
  });
});

describe('agent WebSocket: heartbeat', () => {
  it('terminates a socket that stays silent past the limit', async () => {
    const hub = await startTestHub({ agentSocket: { pingEveryMs: 50, silentLimitMs: 200 } });
    try {
      const agent = await enrollAgent(hub);
      const socket = await openAgentSocket(hub, await connectToken(agent));
      // Stop answering pings: the hub must give up on the socket.
      socket.ws.pong = () => {};
      const { code } = await socket.closed;
      assert.equal(code, 1006);
      await waitFor(() => !hub.deps.agents.isOnline(agent.agentId));
    } finally {
      await hub.close();
    }
  });

  it('pings only an agent that has been quiet: batches are heartbeat enough', async () => {
    // Batches 20 ms apart against a 250 ms ping interval: an ack's round trip on a busy CI
    // machine (a database commit) once stretched a gap past the 50 ms interval this test used.
    const hub = await startTestHub({ agentSocket: { pingEveryMs: 250, silentLimitMs: 5000 } });
    try {
      const agent = await enrollAgent(hub);
      const socket = await connectAgent(hub, agent);
      let pings = 0;
      socket.ws.on('ping', () => pings++);
      for (let seq = 1; seq <= 15; seq++) {
        socket.ws.send(JSON.stringify(batch(seq, T0 + seq * 10)));
        assert.deepEqual(await socket.next(), { type: 'ack', seq });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(pings, 0, 'no ping while batches arrive');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      assert.ok(pings >= 2, `pinged once quiet (${pings})`);
      assert.ok(hub.deps.agents.isOnline(agent.agentId));
      socket.ws.close();
      await socket.closed;
    } finally {
      await hub.close();
    }
  });
});
