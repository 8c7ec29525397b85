/**
 * The agent's side of a speed test against a local HTTP server speaking the hub's documented
 * speed-test contract (docs/protocol.md): figures come out positive and counted in the right
 * windows, every request carries a fresh token, the hub's Server-Timing is taken off the round
 * trips, a refusal fails the test with the hub's message, and a second test while one runs is
 * refused as busy.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { SpeedTestArgs, SpeedTestProgress } from '@unity/shared';
import { pino } from 'pino';
import { speedTestCommand } from '../commands/speed-test.js';
import { serverTiming } from './hub-http.js';
import { runSpeedTest } from './run.js';

const ARGS: SpeedTestArgs = {
  pings: 5,
  durationMs: 1000,
  warmupMs: 200,
  streams: 2,
  requestBytes: 1024 * 1024,
};

describe('runSpeedTest against a local server of the hub contract', () => {
  let server: Server;
  let url = '';
  const tokens: string[] = [];
  let uploaded = 0;
  let refuse = false;
  const PING_DELAY_MS = 50;

  before(async () => {
    server = createServer((req, res) => {
      tokens.push(req.headers.authorization ?? '');
      if (refuse) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"unauthorized","message":"speed test: unknown or revoked agent"}}');
        return;
      }
      const { pathname, searchParams } = new URL(req.url ?? '/', 'http://x');
      if (pathname.endsWith('/ping')) {
        // The "hub" spends 50 ms or more and says how long: the agent must not count it as latency.
        const started = performance.now();
        setTimeout(() => {
          res.writeHead(204, { 'server-timing': `app;dur=${(performance.now() - started).toFixed(3)}` });
          res.end();
        }, PING_DELAY_MS);
        return;
      }
      if (pathname.endsWith('/download')) {
        const bytes = Number(searchParams.get('bytes'));
        res.writeHead(200, { 'content-length': bytes });
        res.end(Buffer.alloc(bytes));
        return;
      }
      req.on('data', (chunk: Buffer) => {
        uploaded += chunk.length;
      });
      req.on('end', () => res.end(JSON.stringify({ bytes: uploaded })));
      req.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  let n = 0;
  const authorization = async () => `Bearer token-${++n}`;

  it('measures positive figures with a fresh token per request and the hub time taken off', async () => {
    tokens.length = 0;
    const progress: SpeedTestProgress[] = [];
    const started = Date.now();
    const m = await runSpeedTest({
      hubUrl: url,
      authorization,
      args: ARGS,
      signal: new AbortController().signal,
      onProgress: (p) => progress.push(p),
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 2000, `both directions run their second (${elapsed} ms)`);
    assert.ok(m.downloadMbps > 1 && m.uploadMbps > 1, JSON.stringify(m));
    assert.equal(m.rttsMs.length, 5);
    // Loopback plus a 50 ms server: with the server time taken off, well under 50 ms.
    assert.ok(m.latencyMs < PING_DELAY_MS, `latency ${m.latencyMs}`);
    assert.ok(m.jitterMs >= 0);
    assert.ok(m.downloadBytes > 0 && m.uploadBytes > 0);
    assert.ok(uploaded >= m.uploadBytes, `the server received ${uploaded} ≥ counted ${m.uploadBytes}`);
    assert.equal(new Set(tokens).size, tokens.length, 'no token is sent twice');
    assert.deepEqual([...new Set(progress.map((p) => p.phase))], ['latency', 'download', 'upload']);
  });

  it('a refused request fails the test with the hub message', async () => {
    refuse = true;
    try {
      await assert.rejects(
        runSpeedTest({ hubUrl: url, authorization, args: ARGS, signal: new AbortController().signal }),
        /the hub answered 401: speed test: unknown or revoked agent/,
      );
    } finally {
      refuse = false;
    }
  });

  it('one test at a time per agent: the second answers busy', async () => {
    const command = speedTestCommand({ hubUrl: url, authorization });
    const ctx = {
      signal: new AbortController().signal,
      emit: async () => {},
      log: pino({ level: 'silent' }),
    };
    const first = command.run(ARGS, ctx);
    const second = await command.run(ARGS, ctx);
    assert.deepEqual(second, {
      ok: false,
      error: { code: 'busy', message: 'a speed test is already running on this agent' },
    });
    const done = await first;
    assert.equal(done.ok, true);
    // Free again once the first has finished.
    const third = command.run({ ...ARGS, durationMs: 1000, pings: 2 }, ctx);
    assert.equal((await third).ok, true);
  });

  it('reads the hub time from Server-Timing', () => {
    assert.equal(serverTiming('app;dur=0.42'), 0.42);
    assert.equal(serverTiming('db;dur=3, app;dur=1.5'), 1.5);
    assert.equal(serverTiming(''), 0);
    assert.equal(serverTiming('app;dur=abc'), 0);
  });
});
