import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetPool } from './get-pool.js';

/**
 * A raw engine on a unix socket: each request's path names the bytes it answers with, written in
 * the pieces given (a pause between them, so the client reads them apart).
 */
const answers = new Map<string, Array<string | Buffer> | ((socket: Socket) => void)>();
let server: Server;
let dir: string;
let socketPath: string;
let connections = 0;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'get-pool-'));
  socketPath = join(dir, 'engine.sock');
  server = createServer((socket) => {
    connections++;
    let pending = '';
    socket.on('data', async (data) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const request = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const path = request.split(' ')[1] ?? '';
        const answer = answers.get(path);
        if (typeof answer === 'function') {
          answer(socket);
          continue;
        }
        for (const piece of answer ?? ['HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n']) {
          if (socket.destroyed) return;
          socket.write(piece);
          await pause(3);
        }
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** `text` cut into pieces of `size` bytes (UTF-8 characters cut in two included). */
function bytes(text: string, size: number): Buffer[] {
  const all = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.subarray(i, i + size));
  return out;
}

/** Runs `test` with a pool on the raw engine, closed afterwards whatever happens. */
async function withPool(test: (pool: GetPool) => Promise<void>, idleMs = 60_000): Promise<void> {
  const pool = new GetPool({ socketPath }, idleMs);
  try {
    await test(pool);
  } finally {
    pool.close();
  }
}

async function get(pool: GetPool, path: string) {
  const answer = await pool.get(path, { timeoutMs: 5_000 });
  assert.ok(answer.ok, `expected an answer, got ${JSON.stringify(!answer.ok && answer.error)}`);
  return answer.value;
}

describe('GET pool answers', () => {
  it('reads a Content-Length body cut anywhere, multi-byte characters included', async () => {
    const body = JSON.stringify({ name: 'café 日本', list: Array.from({ length: 50 }, (_, i) => i) });
    answers.set(
      '/length',
      bytes(
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        7,
      ),
    );
    await withPool(async (pool) => {
      const answer = await get(pool, '/length');
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.text), JSON.parse(body));
    });
  });

  it('reads a chunked body byte by byte, with chunk extensions and trailers', async () => {
    const wire =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '6;name=value\r\n{"a":"\r\n' +
      '8\r\nhé ok"}\r\n' +
      '0\r\nX-Trailer: 1\r\n\r\n';
    answers.set('/chunked', bytes(wire, 1));
    await withPool(async (pool) => {
      assert.deepEqual(JSON.parse((await get(pool, '/chunked')).text), { a: 'hé ok' });
    });
  });

  it('reads a large chunked body as Podman sends its stats (one chunk over several reads)', async () => {
    const body = JSON.stringify({
      Stats: Array.from({ length: 2_000 }, (_, i) => ({ ContainerID: `c${i}`, CPU: i / 3 })),
    });
    const size = Buffer.byteLength(body);
    answers.set('/stats', [
      'HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nTransfer-Encoding: chunked\r\n\r\n',
      `${size.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    ]);
    await withPool(async (pool) => {
      assert.ok(size > 64 * 1024, 'longer than one read');
      const first = await get(pool, '/stats');
      assert.equal(first.text, body);
      // The next answer on the same connection starts clean.
      assert.equal((await get(pool, '/stats')).text, body);
    });
  });

  it('skips a 100 Continue, and reads a body sized by the connection closing', async () => {
    answers.set('/continue', [
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n',
      'OK',
    ]);
    answers.set('/until-close', (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n[1,');
      setTimeout(() => socket.end('2]'), 5);
    });
    await withPool(async (pool) => {
      assert.equal((await get(pool, '/continue')).text, 'OK');
      assert.equal((await get(pool, '/until-close')).text, '[1,2]');
    });
  });

  it("keeps a connection for the next GET, and gives the engine's status with its text", async () => {
    answers.set('/ping', ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK']);
    answers.set('/empty', ['HTTP/1.1 204 No Content\r\n\r\n']);
    answers.set('/missing', [
      'HTTP/1.1 404 Not Found\r\nContent-Length: 28\r\n\r\n{"message":"no such object"}',
    ]);
    await withPool(async (pool) => {
      const before = connections;
      assert.equal((await get(pool, '/ping')).text, 'OK');
      assert.deepEqual(await get(pool, '/empty'), { status: 204, text: '' });
      assert.deepEqual(await get(pool, '/missing'), { status: 404, text: '{"message":"no such object"}' });
      assert.equal((await get(pool, '/ping')).text, 'OK');
      assert.equal(connections - before, 1, 'one connection for four GETs in a row');
      // Side by side: a connection each, both kept.
      await Promise.all([get(pool, '/ping'), get(pool, '/ping'), get(pool, '/ping')]);
      assert.equal(connections - before, 3);
    });
  });

  it('closes a connection after Connection: close, and does not reuse one idle past its limit', async () => {
    answers.set('/last', ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}']);
    answers.set('/ok', ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}']);
    await withPool(async (pool) => {
      const before = connections;
      await get(pool, '/last');
      await get(pool, '/ok');
      assert.equal(connections - before, 2);
      await get(pool, '/ok');
      assert.equal(connections - before, 2);
      await pause(150);
      await get(pool, '/ok');
      assert.equal(connections - before, 3);
    }, 100);
  });
});

describe('GET pool failures', () => {
  it('refuses what is not HTTP, a bad chunk size, and bytes past Content-Length', async () => {
    answers.set('/garbage', ['SSH-2.0-OpenSSH_9.2\r\n\r\n']);
    answers.set('/bad-chunk', ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']);
    answers.set('/too-long', ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}{}']);
    answers.set('/past-chunks', [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nHTTP/1.1',
    ]);
    await withPool(async (pool) => {
      for (const [path, message] of [
        ['/garbage', /not answer in HTTP/],
        ['/bad-chunk', /bad chunk size: zz/],
        ['/too-long', /more than its Content-Length/],
        ['/past-chunks', /past the end of its answer/],
      ] as const) {
        const answer = await pool.get(path, { timeoutMs: 2_000 });
        assert.ok(!answer.ok, path);
        assert.equal(answer.error.kind, 'failed');
        assert.match(answer.error.message, message);
      }
      // A path that would break the request line never leaves the agent.
      const before = connections;
      for (const path of ['/a b', '/a\r\nX-Injected: 1', '/é']) {
        const answer = await pool.get(path);
        assert.ok(!answer.ok && /printable ASCII/.test(answer.error.message), path);
      }
      assert.equal(connections, before);
    });
  });

  it('reports an answer cut off, a deadline, an abort, and no engine', async () => {
    answers.set('/cut', (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"half":');
      setTimeout(() => socket.destroy(), 5);
    });
    answers.set('/never', () => undefined);
    await withPool(async (pool) => {
      const cut = await pool.get('/cut');
      assert.ok(!cut.ok && cut.error.kind === 'failed' && /mid-answer/.test(cut.error.message));
      const late = await pool.get('/never', { timeoutMs: 50 });
      assert.ok(!late.ok && /no answer within 50 ms/.test(late.error.message));
      const controller = new AbortController();
      const aborted = pool.get('/never', { signal: controller.signal });
      controller.abort();
      const result = await aborted;
      assert.ok(!result.ok && result.error.message === 'aborted');
    });
    const none = new GetPool({ socketPath: join(dir, 'missing.sock') }, 60_000);
    const refused = await none.get('/ping');
    assert.ok(!refused.ok && refused.error.kind === 'failed' && /ENOENT/.test(refused.error.message));
    none.close();
  });

  it('calls a kept connection the engine dropped unanswered stale, so a caller may send again', async () => {
    answers.set('/ok', ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}']);
    answers.set('/drop', (socket) => socket.destroy());
    await withPool(async (pool) => {
      await get(pool, '/ok');
      const dropped = await pool.get('/drop');
      assert.ok(!dropped.ok);
      assert.equal(dropped.error.kind, 'stale');
      // A fresh connection's failure is not stale: nothing was kept.
      const fresh = await pool.get('/drop');
      assert.ok(!fresh.ok);
      assert.equal(fresh.error.kind, 'failed');
      // The retry after a stale one asks for a new connection: the idle ones (dropped by the same
      // restart, likely) are closed rather than tried one by one.
      await Promise.all([get(pool, '/ok'), get(pool, '/ok')]);
      const before = connections;
      const retried = await pool.get('/ok', { fresh: true });
      assert.ok(retried.ok);
      assert.equal(connections - before, 1, 'a new connection');
      // Two side by side: the new one is kept, the old idle ones are gone, so one more connects.
      await Promise.all([get(pool, '/ok'), get(pool, '/ok')]);
      assert.equal(connections - before, 2);
    });
  });
});
