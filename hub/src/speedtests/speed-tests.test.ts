/**
 * Speed tests through a real hub's HTTP API, on PGlite and PostgreSQL, with a protocol-level
 * agent on the WebSocket answering `speedtest.run`: the agent endpoints refuse requests without
 * the agent's connect token and oversize ones; run now is for editors and admins (viewers 403,
 * anonymous 401); progress, results and failures are stored; a second test waits for the first;
 * schedules start tests when due; retention and abandoned rows are swept.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  type CmdFrame,
  type HubFrame,
  SPEEDTEST_DOWNLOAD_PATH,
  SPEEDTEST_MAX_REQUEST_BYTES,
  SPEEDTEST_PING_PATH,
  SPEEDTEST_UPLOAD_PATH,
  type SpeedTest,
  SpeedTestArgsSchema,
  SpeedTestListSchema,
} from '@unity/shared';
import { eq } from 'drizzle-orm';
import { createUser } from '../auth/users.js';
import { speedTests } from '../db/schema.js';
import { backends } from '../testing/databases.js';
import {
  type AgentSocket,
  connectAgent,
  connectToken,
  enrollAgent,
  login,
  startTestHub,
  type TestAgent,
  type TestHub,
} from '../testing/hub.js';
import { SpeedTests } from './service.js';

const PASSWORD = 'a long enough password';
const measurement = {
  downloadMbps: 940.5,
  uploadMbps: 810.25,
  latencyMs: 0.42,
  jitterMs: 0.05,
  downloadBytes: 470_000_000,
  uploadBytes: 405_000_000,
  rttsMs: [0.4, 0.45, 0.41],
};

async function nextCmd(socket: AgentSocket): Promise<CmdFrame> {
  for (;;) {
    const frame: HubFrame = await socket.next();
    if (frame.type === 'cmd') return frame;
  }
}

for (const backend of backends) {
  describe(`speed tests on ${backend.name}`, { timeout: 60_000 }, () => {
    let hub: TestHub;
    let agent: TestAgent;
    let socket: AgentSocket;
    let hostId = '';
    const cookies: Record<string, string> = {};

    const call = (method: string, path: string, role?: string, body?: string) =>
      fetch(`${hub.url}${path}`, {
        method,
        headers: { cookie: role ? (cookies[role] ?? '') : '', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
    const list = async (role = 'viewer') => {
      const res = await call('GET', `/api/hosts/${hostId}/speed-tests`, role);
      assert.equal(res.status, 200);
      return SpeedTestListSchema.parse(await res.json());
    };
    const until = async <T>(what: string, check: () => Promise<T | undefined>): Promise<T> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const stored = (id: string, state: SpeedTest['state']) =>
      until(`test ${id} ${state}`, async () =>
        (await list()).items.find((t) => t.id === id && t.state === state),
      );
    /** Uploads `total` bytes on node:http, answering the status as soon as the hub answers. */
    const rawUpload = async (contentLength: string | undefined, total: number) => {
      const headers: Record<string, string> = await bearer();
      if (contentLength) headers['content-length'] = contentLength;
      return new Promise<number>((resolve, reject) => {
        const req = request(`${hub.url}${SPEEDTEST_UPLOAD_PATH}`, { method: 'POST', headers });
        const chunk = Buffer.alloc(1024 * 1024);
        let left = total;
        const more = () => {
          while (left > 0 && !req.destroyed) {
            left -= chunk.length;
            if (!req.write(chunk)) return void req.once('drain', more);
          }
          req.end();
        };
        req.once('response', (res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
          req.destroy();
        });
        req.once('error', reject);
        more();
      });
    };
    const bearer = async () => ({ authorization: `Bearer ${await connectToken(agent)}` });

    before(async () => {
      hub = await startTestHub({ database: await backend.open() });
      await createUser(hub.deps.db, { username: 'ed', password: PASSWORD, role: 'editor' });
      await createUser(hub.deps.db, { username: 'vi', password: PASSWORD, role: 'viewer' });
      cookies.admin = await login(hub);
      cookies.editor = await login(hub, 'ed', PASSWORD);
      cookies.viewer = await login(hub, 'vi', PASSWORD);
      agent = await enrollAgent(hub, 'speed-host');
      hostId = agent.agentId;
      socket = await connectAgent(hub, agent);
    });
    after(async () => {
      socket?.ws.close();
      await hub?.close();
    });

    it('the agent endpoints refuse requests without a valid connect token', async () => {
      const paths = [
        ['GET', SPEEDTEST_PING_PATH],
        ['GET', `${SPEEDTEST_DOWNLOAD_PATH}?bytes=1000`],
        ['POST', SPEEDTEST_UPLOAD_PATH],
      ] as const;
      for (const [method, path] of paths) {
        const body = method === 'POST' ? 'x'.repeat(100) : undefined;
        // No credential, a user's session, a garbage token, a token signed by another key.
        const other = await enrollAgent(hub, 'other-host');
        const attempts: Record<string, string>[] = [
          {},
          { cookie: cookies.admin ?? '' },
          { authorization: 'Bearer not-a-token' },
          { authorization: `Bearer ${await connectToken(agent, { key: other.privateKey })}` },
        ];
        for (const headers of attempts) {
          const res = await fetch(`${hub.url}${path}`, { method, headers, ...(body ? { body } : {}) });
          assert.equal(
            res.status,
            401,
            `${method} ${path} with ${Object.keys(headers).join(',') || 'nothing'}`,
          );
          assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unauthorized');
        }
      }
      // A token is good once, as on the WebSocket: a replay is refused.
      const headers = await bearer();
      assert.equal((await fetch(`${hub.url}${SPEEDTEST_PING_PATH}`, { headers })).status, 204);
      assert.equal((await fetch(`${hub.url}${SPEEDTEST_PING_PATH}`, { headers })).status, 401);
    });

    it('ping answers with the hub handling time; download streams exactly the bytes asked for', async () => {
      const ping = await fetch(`${hub.url}${SPEEDTEST_PING_PATH}`, { headers: await bearer() });
      assert.equal(ping.status, 204);
      assert.match(ping.headers.get('server-timing') ?? '', /^app;dur=\d+\.\d{3}$/);
      const down = await fetch(`${hub.url}${SPEEDTEST_DOWNLOAD_PATH}?bytes=200000`, {
        headers: await bearer(),
      });
      assert.equal(down.status, 200);
      assert.equal((await down.arrayBuffer()).byteLength, 200_000);
    });

    it('oversize and malformed sizes are refused', async () => {
      for (const bytes of [String(SPEEDTEST_MAX_REQUEST_BYTES + 1), '0', '-5', 'lots']) {
        const res = await fetch(`${hub.url}${SPEEDTEST_DOWNLOAD_PATH}?bytes=${bytes}`, {
          headers: await bearer(),
        });
        assert.equal(res.status, 400, bytes);
        const { error } = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(error.code, 'bad_request');
        assert.match(error.message, /bytes/);
      }
      // Declared too large: refused before a byte is read.
      assert.equal(await rawUpload(String(SPEEDTEST_MAX_REQUEST_BYTES + 1), 1), 413);
      // Streamed past the cap without a length (chunked): cut off with 413 once over it.
      assert.equal(await rawUpload(undefined, SPEEDTEST_MAX_REQUEST_BYTES + 8 * 1024 * 1024), 413);
      const ok = await fetch(`${hub.url}${SPEEDTEST_UPLOAD_PATH}`, {
        method: 'POST',
        headers: await bearer(),
        body: new Uint8Array(300_000),
      });
      assert.deepEqual(await ok.json(), { bytes: 300_000 });
    });

    it('run now: anonymous 401, viewer 403, bad bodies 400, and none of them asks the agent', async () => {
      const path = `/api/hosts/${hostId}/speed-tests`;
      assert.equal((await call('POST', path)).status, 401);
      assert.equal((await call('GET', path)).status, 401);
      assert.equal((await call('POST', path, 'viewer', '{}')).status, 403);
      for (const body of ['{"streams":99}', '{"durationSeconds":0}', '{"colour":"red"}', 'not json']) {
        const res = await call('POST', path, 'editor', body);
        assert.equal(res.status, 400, body);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'bad_request');
      }
      assert.equal((await call('POST', `/api/hosts/${randomUUID()}/speed-tests`, 'admin', '{}')).status, 404);
      assert.equal(hub.deps.agents.commands.pendingCount, 0);
      assert.deepEqual((await list()).items, []);
    });

    it('an editor runs one: the agent is asked, progress shows, the result is stored; one at a time', async () => {
      const res = await call(
        'POST',
        `/api/hosts/${hostId}/speed-tests`,
        'editor',
        '{"durationSeconds":2,"streams":3}',
      );
      assert.equal(res.status, 202);
      const started = (await res.json()) as SpeedTest;
      assert.equal(started.state, 'running');
      assert.equal(started.requestedBy, 'ed');
      const cmd = await nextCmd(socket);
      assert.equal(cmd.kind, 'speedtest.run');
      const args = SpeedTestArgsSchema.parse(cmd.args);
      assert.equal(args.durationMs, 2000);
      assert.equal(args.streams, 3);
      assert.ok(args.warmupMs > 0 && args.warmupMs < args.durationMs);

      // While it runs: a second one (even by an admin) is refused, progress is visible.
      const again = await call('POST', `/api/hosts/${hostId}/speed-tests`, 'admin', '{}');
      assert.equal(again.status, 409);
      socket.ws.send(
        JSON.stringify({
          type: 'stream',
          id: cmd.id,
          chunk: JSON.stringify({ phase: 'download', percent: 40 }),
        }),
      );
      await until('progress', async () => {
        const t = (await list()).items[0];
        return t?.phase === 'download' && t.percent === 40 ? t : undefined;
      });

      socket.ws.send(JSON.stringify({ type: 'cmd_result', id: cmd.id, ok: true, result: measurement }));
      const done = await stored(started.id, 'ok');
      assert.equal(done.downloadMbps, 940.5);
      assert.equal(done.uploadMbps, 810.25);
      assert.equal(done.latencyMs, 0.42);
      assert.equal(done.jitterMs, 0.05);
      assert.equal(done.phase, null);
      assert.ok(done.finishedAt);
    });

    it('failures are stored with the reason: an agent error, an invalid answer, a disconnect', async () => {
      const run = async () => {
        const res = await call('POST', `/api/hosts/${hostId}/speed-tests`, 'admin', '');
        assert.equal(res.status, 202);
        return { test: (await res.json()) as SpeedTest, cmd: await nextCmd(socket) };
      };
      const refused = await run();
      socket.ws.send(
        JSON.stringify({
          type: 'cmd_result',
          id: refused.cmd.id,
          ok: false,
          error: { code: 'failed', message: 'the hub answered 401: speed test: unknown or revoked agent' },
        }),
      );
      assert.match((await stored(refused.test.id, 'failed')).error ?? '', /answered 401/);

      const invalid = await run();
      socket.ws.send(
        JSON.stringify({ type: 'cmd_result', id: invalid.cmd.id, ok: true, result: { downloadMbps: -1 } }),
      );
      assert.equal((await stored(invalid.test.id, 'failed')).error, 'the agent answered an invalid result');

      const cut = await run();
      socket.ws.close();
      assert.equal((await stored(cut.test.id, 'failed')).error, 'the agent disconnected');
      // Offline now: run now answers 503 and stores nothing.
      await until('offline', async () => (hub.deps.agents.isOnline(hostId) ? undefined : true));
      const offline = await call('POST', `/api/hosts/${hostId}/speed-tests`, 'admin', '{}');
      assert.equal(offline.status, 503);
      assert.equal((await list()).items.length, 4);
      socket = await connectAgent(hub, agent);
    });

    it('the schedule: editors set it within 15 min to 7 days, viewers may not, a due host is tested', async () => {
      const put = (role: string, body: string) =>
        call('PUT', `/api/hosts/${hostId}/speed-tests/schedule`, role, body);
      assert.equal((await put('viewer', '{"intervalMinutes":60}')).status, 403);
      for (const body of [
        '{"intervalMinutes":5}',
        '{"intervalMinutes":20000}',
        '{"intervalMinutes":"often"}',
        '{}',
      ]) {
        assert.equal((await put('editor', body)).status, 400, body);
      }
      assert.equal((await list()).schedule.intervalMinutes, null);
      const res = await put('editor', '{"intervalMinutes":30}');
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { intervalMinutes: 30 });
      const { schedule, items } = await list();
      assert.equal(schedule.intervalMinutes, 30);
      const last = Date.parse(items[0]?.time ?? '');
      assert.equal(Date.parse(schedule.nextRunAt ?? ''), last + 30 * 60_000);

      // A scheduler whose clock says 29 minutes later does nothing; 31 minutes later it runs one.
      const at = (minutes: number) =>
        new SpeedTests({
          db: hub.deps.db,
          agents: hub.deps.agents,
          log: hub.deps.log,
          clock: () => last + minutes * 60_000,
        });
      await at(29).tick();
      assert.equal(hub.deps.agents.commands.pendingCount, 0);
      await at(31).tick();
      const cmd = await nextCmd(socket);
      assert.equal(cmd.kind, 'speedtest.run');
      socket.ws.send(JSON.stringify({ type: 'cmd_result', id: cmd.id, ok: true, result: measurement }));
      const scheduled = await until('the scheduled test', async () =>
        (await list()).items.find((t) => t.trigger === 'schedule' && t.state === 'ok'),
      );
      assert.equal(scheduled.requestedBy, null);

      assert.equal((await put('editor', '{"intervalMinutes":null}')).status, 200);
      assert.equal((await list()).schedule.intervalMinutes, null);
    });

    it('sweeps: a running row nobody waits for fails; tests past retention are deleted', async () => {
      const now = Date.now();
      const [stale] = await hub.deps.db
        .insert(speedTests)
        .values({
          hostId,
          startedAt: new Date(now - 10 * 60_000),
          state: 'running',
          trigger: 'manual',
          streams: 1,
          durationMs: 1000,
        })
        .returning();
      await hub.deps.db.insert(speedTests).values({
        hostId,
        startedAt: new Date(now - 400 * 86_400_000),
        state: 'ok',
        trigger: 'schedule',
        streams: 1,
        durationMs: 1000,
      });
      const before = (await list()).items.length;
      await new SpeedTests({ db: hub.deps.db, agents: hub.deps.agents, log: hub.deps.log }).tick();
      const [row] = await hub.deps.db
        .select()
        .from(speedTests)
        .where(eq(speedTests.id, stale?.id ?? ''));
      assert.equal(row?.state, 'failed');
      assert.match(row?.error ?? '', /restarted/);
      assert.equal((await list()).items.length, before - 1);
    });
  });
}
