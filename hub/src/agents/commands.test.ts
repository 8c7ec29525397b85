import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HubFrame } from '@unity/shared';
import {
  type AgentSocket,
  connectAgent,
  enrollAgent,
  startTestHub,
  type TestAgent,
  type TestHub,
} from '../testing/hub.js';

/** The next frame of `type` the hub sent on `socket`, skipping acks. */
async function nextOf<T extends HubFrame['type']>(socket: AgentSocket, type: T) {
  for (;;) {
    const frame = await socket.next();
    if (frame.type === type) return frame as Extract<HubFrame, { type: T }>;
  }
}

describe('commands to agents', () => {
  let hub: TestHub;
  let agent: TestAgent;
  let other: TestAgent;
  before(async () => {
    hub = await startTestHub();
    agent = await enrollAgent(hub, 'cmd-host');
    other = await enrollAgent(hub, 'other-host');
  });
  after(() => hub.close());

  it('answers agent_offline for an agent that is not connected', async () => {
    const result = await hub.deps.agents.commands.run(agent.agentId, 'agent.info', {});
    assert.deepEqual(result.ok ? undefined : result.error.code, 'agent_offline');
  });

  it('sends cmd and resolves with the agent’s cmd_result', async () => {
    const socket = await connectAgent(hub, agent);
    const pending = hub.deps.agents.commands.run(agent.agentId, 'agent.info', { verbose: true });
    const cmd = await nextOf(socket, 'cmd');
    assert.equal(cmd.kind, 'agent.info');
    assert.deepEqual(cmd.args, { verbose: true });
    socket.ws.send(JSON.stringify({ type: 'cmd_result', id: cmd.id, ok: true, result: { version: '1' } }));
    assert.deepEqual(await pending, { ok: true, value: { version: '1' } });
    socket.ws.close();
    await socket.closed;
  });

  it('hands stream chunks over in order, granting one credit per chunk consumed, then the result', async () => {
    const socket = await connectAgent(hub, agent);
    const got: string[] = [];
    const pending = hub.deps.agents.commands.run(
      agent.agentId,
      'logs.follow',
      {},
      {
        timeoutMs: 0,
        onChunk: async (chunk) => {
          await new Promise((r) => setTimeout(r, 5)); // a slow reader
          got.push(chunk);
        },
      },
    );
    const cmd = await nextOf(socket, 'cmd');
    for (let i = 0; i < 20; i++)
      socket.ws.send(JSON.stringify({ type: 'stream', id: cmd.id, chunk: `line ${i}` }));
    socket.ws.send(JSON.stringify({ type: 'cmd_result', id: cmd.id, ok: true, result: { lines: 20 } }));
    const result = await pending;
    assert.deepEqual(result, { ok: true, value: { lines: 20 } }, 'the result waits for every chunk');
    assert.deepEqual(
      got,
      Array.from({ length: 20 }, (_, i) => `line ${i}`),
    );
    let credits = 0;
    while (credits < 20) credits += (await nextOf(socket, 'credit')).chunks;
    assert.equal(credits, 20);
    socket.ws.close();
    await socket.closed;
  });

  it('ignores another agent answering a command that is not its own', async () => {
    const mine = await connectAgent(hub, agent);
    const intruder = await connectAgent(hub, other);
    const pending = hub.deps.agents.commands.run(agent.agentId, 'agent.info', {}, { timeoutMs: 2000 });
    const cmd = await nextOf(mine, 'cmd');
    intruder.ws.send(JSON.stringify({ type: 'cmd_result', id: cmd.id, ok: true, result: 'forged' }));
    await new Promise((r) => setTimeout(r, 100));
    mine.ws.send(JSON.stringify({ type: 'cmd_result', id: cmd.id, ok: true, result: 'real' }));
    assert.deepEqual(await pending, { ok: true, value: 'real' });
    mine.ws.close();
    intruder.ws.close();
    await Promise.all([mine.closed, intruder.closed]);
  });

  it('cancels on abort and on timeout, and fails when the agent disconnects', async () => {
    const socket = await connectAgent(hub, agent);
    const controller = new AbortController();
    const aborted = hub.deps.agents.commands.run(
      agent.agentId,
      'logs.follow',
      {},
      { signal: controller.signal },
    );
    const first = await nextOf(socket, 'cmd');
    controller.abort();
    assert.equal((await aborted).ok, false);
    assert.deepEqual(await nextOf(socket, 'cancel'), { type: 'cancel', id: first.id });

    const timedOut = hub.deps.agents.commands.run(agent.agentId, 'agent.info', {}, { timeoutMs: 100 });
    const second = await nextOf(socket, 'cmd');
    const answer = await timedOut;
    assert.equal(answer.ok ? '' : answer.error.code, 'timeout');
    assert.deepEqual(await nextOf(socket, 'cancel'), { type: 'cancel', id: second.id });

    const cut = hub.deps.agents.commands.run(agent.agentId, 'agent.info', {}, { timeoutMs: 0 });
    await nextOf(socket, 'cmd');
    socket.ws.terminate();
    const lost = await cut;
    assert.equal(lost.ok ? '' : lost.error.code, 'agent_disconnected');
    assert.equal(hub.deps.agents.commands.pendingCount, 0);
  });
});
