import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_HOST_INTERVAL_MS } from '../agent.js';
import { DEFAULT_INVENTORY_INTERVAL_MS } from '../collectors/inventory.js';
import { EngineClient, EngineError, engineStatus, FREE_SOCKET_MS } from './engine-client.js';

/** A stand-in engine on a unix socket: a few routes with the answers the tests need. */
let server: Server;
let dir: string;
let endpoint: string;
const seen: string[] = [];
/** Connections the stand-in engine accepted. */
let connections = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-client-'));
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://engine');
    switch (url.pathname) {
      case '/_ping':
        res.end('OK');
        return;
      case '/containers/json':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify([{ Id: 'a', all: url.searchParams.get('all') }]));
        return;
      case '/containers/x/pause':
        res.statusCode = 409;
        res.end(JSON.stringify({ cause: 'improper', message: 'container state improper', response: 409 }));
        return;
      case '/containers/x/start':
        res.statusCode = 204;
        res.end();
        return;
      case '/slow':
        setTimeout(() => res.end('{}'), 2_000).unref();
        return;
      case '/quiet':
        // Longer than the idle-socket timeout of the client's keep-alive pool.
        res.writeHead(200);
        res.write('a\n');
        setTimeout(() => res.end('b\n'), 2_500).unref();
        return;
      case '/events':
        res.writeHead(200);
        res.write('{"a":1}\n');
        // then idle, as an engine with nothing to report does
        return;
      default:
        res.statusCode = 404;
        res.end('page not found');
    }
  });
  server.on('connection', () => {
    connections++;
  });
  endpoint = `unix://${join(dir, 'engine.sock')}`;
  await new Promise<void>((resolve) => server.listen(join(dir, 'engine.sock'), resolve));
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('engine client', () => {
  it('answers JSON with the query encoded, and accepts a plain-text 2xx', async () => {
    const client = new EngineClient(endpoint);
    try {
      await client.call('/_ping');
      assert.deepEqual(await client.json('/containers/json', { query: { all: true, skip: undefined } }), [
        { Id: 'a', all: 'true' },
      ]);
      assert.ok(seen.includes('GET /containers/json?all=true'));
      assert.equal(await client.json('/containers/x/start', { method: 'POST' }), null);
    } finally {
      client.close();
    }
  });

  it("keeps the engine's status and its own message", async () => {
    const client = new EngineClient(endpoint);
    try {
      const e1 = await client.call('/containers/x/pause', { method: 'POST' }).catch((e: unknown) => e);
      assert.ok(e1 instanceof EngineError);
      assert.equal(engineStatus(e1), 409);
      assert.equal(e1.message, 'container state improper');
      assert.equal(e1.code, 'engine');
      const e2 = await client.json('/nope').catch((e: unknown) => e);
      assert.equal(engineStatus(e2), 404);
      assert.equal((e2 as Error).message, 'page not found');
    } finally {
      client.close();
    }
  });

  it('gives up at the deadline, on abort, and when nothing listens', async () => {
    const client = new EngineClient(endpoint, { timeoutMs: 100 });
    try {
      const late = await client.json('/slow').catch((e: unknown) => e);
      assert.ok(late instanceof EngineError && /within 100 ms/.test(late.message));
      assert.equal(engineStatus(late), undefined);
      const controller = new AbortController();
      const pending = client.json('/slow', { signal: controller.signal, timeoutMs: 0 });
      controller.abort();
      await assert.rejects(pending, /aborted/);
    } finally {
      client.close();
    }
    const none = new EngineClient(`unix://${join(dir, 'missing.sock')}`);
    await assert.rejects(
      none.call('/_ping'),
      (e: unknown) => e instanceof EngineError && e.status === undefined,
    );
    none.close();
  });

  it('streams past the deadline until aborted', async () => {
    const client = new EngineClient(endpoint, { timeoutMs: 100 });
    const controller = new AbortController();
    try {
      const stream = await client.stream('/events', { signal: controller.signal });
      const chunks: string[] = [];
      const ended = (async () => {
        try {
          for await (const chunk of stream) chunks.push(String(chunk));
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(chunks, ['{"a":1}\n']);
      controller.abort();
      assert.match(String(await ended), /aborted/);
    } finally {
      client.close();
    }
  });
});

describe('engine client streams', () => {
  it('are not cut by the idle timeout of kept-alive sockets', async () => {
    const client = new EngineClient(endpoint, { timeoutMs: 0 });
    try {
      const chunks: string[] = [];
      for await (const chunk of await client.stream('/quiet')) chunks.push(String(chunk));
      assert.deepEqual(chunks, ['a\n', 'b\n']);
    } finally {
      client.close();
    }
  });
});

describe('engine client connections', () => {
  it('reuses an idle connection for the next GET, and reconnects when the engine dropped it', async () => {
    const client = new EngineClient(endpoint);
    try {
      const before = connections;
      await client.json('/containers/json');
      // A tick later: the same connection (the agent's per-tick connect was a cost worth avoiding).
      await new Promise((resolve) => setTimeout(resolve, 300));
      await client.json('/containers/json');
      assert.equal(connections - before, 1);
      assert.ok(FREE_SOCKET_MS > 2 * DEFAULT_HOST_INTERVAL_MS, 'kept past the next tick');
      assert.ok(FREE_SOCKET_MS > DEFAULT_INVENTORY_INTERVAL_MS, 'kept past the next inventory refresh');
      // The engine closes idle connections (a restart, its own timeout): the next GET still answers.
      server.closeIdleConnections();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(await client.json('/containers/json'), [{ Id: 'a', all: null }]);
      assert.equal(connections - before, 2);
      // A call that changes something goes out on a connection of its own, never a kept one.
      assert.equal(await client.json('/containers/x/start', { method: 'POST' }), null);
      assert.equal(connections - before, 3);
    } finally {
      client.close();
    }
  });
});
