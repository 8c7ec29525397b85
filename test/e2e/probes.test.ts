/**
 * Probes end to end with a real hub (PGlite) and a real agent process: a probe defined before
 * the agent connects reaches it on connect, one defined later reaches it on change; an HTTP
 * probe against a local server shows passing results in the API, and once the server stops,
 * failures and the probe's `down` state; the uptime endpoint counts both.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ProbeUptimeSchema } from '@unity/shared';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

type Result = {
  time: string;
  ok: boolean;
  latencyMs: number | null;
  status: number | null;
  error: string | null;
};

describe('probes with a real hub and agent', () => {
  let stack: Stack;
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"UP"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    stack = await startStack({ name: 'probes' });
  });
  after(async () => {
    server.close();
    await stack?.cleanup();
  });

  const results = async (id: string) =>
    ((await stack.api.json(`/api/probes/${id}/results?limit=100`)) as { items: Result[] }).items;

  test('an HTTP probe runs on the agent, and goes down when its server stops', {
    timeout: 120_000,
  }, async () => {
    const created = (await stack.api.json('/api/probes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'http',
        name: 'local web',
        url: `http://127.0.0.1:${port}/health`,
        intervalSeconds: 10,
        timeoutSeconds: 2,
        conditions: '[STATUS] == 200 && [BODY].status == "UP"',
      }),
    })) as { id: string };
    const agent = await stack.startAgent();
    await waitForHostOnline(stack.api, agent);

    // Sent on connect: the first run comes within one interval (its start is jittered).
    const first = await waitFor(
      async () => {
        const items = await results(created.id);
        if (items.length === 0) throw new NotYet('no results yet');
        return items;
      },
      { timeoutMs: 30_000, what: 'a probe result in the API' },
    );
    assert.equal(first[0]?.ok, true, JSON.stringify(first[0]));
    assert.equal(first[0]?.status, 200);
    assert.ok((first[0]?.latencyMs ?? -1) >= 0);
    const probe = (await stack.api.json(`/api/probes/${created.id}`)) as { status: { state: string } };
    assert.equal(probe.status.state, 'up');

    // A probe created now reaches the connected agent at once.
    const tcp = (await stack.api.json('/api/probes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'tcp', name: 'local port', host: '127.0.0.1', port, intervalSeconds: 10 }),
    })) as { id: string };

    server.close();
    server.closeAllConnections();
    await waitFor(
      async () => {
        const state = ((await stack.api.json(`/api/probes/${created.id}`)) as { status: { state: string } })
          .status.state;
        if (state !== 'down') throw new NotYet(`state ${state}`);
        return true;
      },
      { timeoutMs: 40_000, what: 'the probe down after its server stopped' },
    );
    const [latest] = await results(created.id);
    assert.equal(latest?.ok, false);
    assert.match(latest?.error ?? '', /ECONNREFUSED/);
    // Its first run is jittered within its interval, so it may come after the down above.
    await waitFor(
      async () => {
        if ((await results(tcp.id)).length === 0) throw new NotYet('no result yet');
        return true;
      },
      { timeoutMs: 30_000, what: 'a result of the probe created later' },
    );

    const uptime = ProbeUptimeSchema.parse(await stack.api.json(`/api/probes/${created.id}/uptime`));
    const day = uptime.periods['24h'];
    assert.ok(day.checks >= 2 && day.failures >= 1 && day.failures < day.checks, JSON.stringify(day));
    assert.ok(day.uptimePercent !== null && day.uptimePercent > 0 && day.uptimePercent < 100);
  });
});
