/**
 * End to end, as a user sees it: a real agent process reporting a real Podman engine to a real
 * hub process, read back through the HTTP API. Run once on the embedded PGlite and once on
 * PostgreSQL (`DATABASE_URL`), since both are supported storage.
 *
 * Three busybox containers: two `sleep 3600` (little CPU, some memory) and one busy loop held
 * to a fifth of a core, so "CPU above zero" is asserted where there really is CPU use.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Container } from '@unity/shared';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, sleep, waitFor } from '../lib/wait.js';

const stripSlash = (name: string) => name.replace(/^\//, '');

function e2eSuite(storage: 'pglite' | 'postgres') {
  describe(`end to end on ${storage}: agent → hub → API with a real Podman engine`, () => {
    let stack: Stack;
    let db: TestDatabase | undefined;

    before(async () => {
      if (storage === 'postgres') db = await createTestDatabase();
      stack = await startStack({
        name: `e2e-${storage}`,
        withPodman: true,
        ...(db ? { databaseUrl: db.url } : {}),
      });
      const engine = stack.engine;
      assert.ok(engine);
      await engine.run({ name: 'sleep-a' });
      await engine.run({ name: 'sleep-b' });
      await engine.run({ name: 'busy', command: ['sh', '-c', 'while :; do :; done'], cpus: 0.2 });
    });

    after(async () => {
      await stack?.cleanup();
      await db?.drop();
    });

    let hostId = '';

    test('within 30 s the host is listed online and its 3 containers have live stats', async () => {
      const engine = stack.engine;
      assert.ok(engine);
      const started = Date.now();
      const agent = await stack.startAgent();
      const host = await waitForHostOnline(stack.api, agent, 30_000);
      hostId = host.id;
      assert.equal(host.online, true);
      const names = ['sleep-a', 'sleep-b', 'busy'].map((n) => engine.fullName(n));

      const mine = await waitFor(
        async () => {
          const containers = await stack.api.containers(host.id);
          const found = names.map((n) => containers.find((c) => stripSlash(c.name) === n));
          const ready = found.every(
            (c) =>
              c !== undefined &&
              c.state === 'running' &&
              c.hostId === host.id &&
              typeof c.cpuPercent === 'number' &&
              (c.memoryBytes ?? 0) > 0,
          );
          const busy = found[2];
          if (!ready || !busy || (busy.cpuPercent ?? 0) <= 0) {
            throw new NotYet(
              JSON.stringify(
                containers.map((c) => ({
                  name: c.name,
                  state: c.state,
                  cpu: c.cpuPercent,
                  mem: c.memoryBytes,
                })),
              ),
            );
          }
          return found as Container[];
        },
        { timeoutMs: Math.max(5000, 30_000 - (Date.now() - started)), what: 'the 3 containers with stats' },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n--- agent log:\n${agent.process?.tail(30)}`);
      });

      for (const c of mine) {
        assert.equal(c.engineKind, 'podman');
        assert.match(c.status, /^Up (Less than a second|1 second|\d+ seconds|About a minute|\d+ minutes)$/);
        assert.ok((c.memoryBytes ?? 0) > 0, `${c.name} memoryBytes ${c.memoryBytes}`);
        assert.equal(typeof c.cpuPercent, 'number');
      }
      const busy = mine[2];
      assert.ok(busy && (busy.cpuPercent ?? 0) > 0, `busy loop shows CPU: ${busy?.cpuPercent}`);

      const [listed] = (await stack.api.hosts()).filter((h) => h.id === host.id);
      assert.ok(listed && listed.containersRunning >= 3, `containersRunning ${listed?.containersRunning}`);
    });

    test('the busy loop held to 0.2 CPU by its cgroup shows a plausible CPU % (about 20, not above 60)', async () => {
      const engine = stack.engine;
      assert.ok(engine && hostId, 'previous test found the host');
      const name = engine.fullName('busy');
      // Two successive readings, so one odd sample right after start does not decide.
      const readings: number[] = [];
      for (let i = 0; i < 2; i++) {
        const c = (await stack.api.containers(hostId)).find((x) => stripSlash(x.name) === name);
        readings.push(c?.cpuPercent ?? Number.NaN);
        await sleep(2500);
      }
      assert.ok(
        readings.every((r) => r > 5 && r < 60),
        `busy loop CPU readings ${readings.join(', ')}% (podman stats shows about 20%)`,
      );
    });

    test("the series behind the charts have points: host metrics and the busy container's stats", async () => {
      const engine = stack.engine;
      assert.ok(engine && hostId, 'previous test found the host');
      const busyName = engine.fullName('busy');
      const busy = (await stack.api.containers(hostId)).find((c) => stripSlash(c.name) === busyName);
      assert.ok(busy, 'busy container listed');
      const hostSeries = await waitFor(
        async () => {
          const s = await stack.api.hostSeries(hostId);
          if (s.points.length < 2) throw new NotYet(`${s.points.length} host points`);
          return s;
        },
        { timeoutMs: 20_000, what: '2 host metric points' },
      );
      const lastHost = hostSeries.points.at(-1);
      assert.ok(lastHost && lastHost.memoryUsedBytes > 0, `host memory ${lastHost?.memoryUsedBytes}`);
      const stats = await waitFor(
        async () => {
          const s = await stack.api.containerSeries(busy.id);
          if (!s.points.some((p) => p.cpuPercent > 0)) throw new NotYet(JSON.stringify(s.points.slice(-3)));
          return s;
        },
        { timeoutMs: 20_000, what: 'busy container stats points with CPU > 0' },
      );
      assert.ok(stats.points.every((p) => p.memoryBytes > 0));
    });

    test('stopping a container shows it exited within 30 s', async () => {
      const engine = stack.engine;
      assert.ok(engine && hostId, 'previous test found the host');
      await engine.stop('sleep-b');
      const name = engine.fullName('sleep-b');
      const stopped = await waitFor(
        async () => {
          const c = (await stack.api.containers(hostId)).find((x) => stripSlash(x.name) === name);
          if (c?.state !== 'exited') throw new NotYet(`state ${c?.state}`);
          return c;
        },
        { timeoutMs: 30_000, what: `${name} state exited` },
      );
      assert.equal(stopped.state, 'exited');
      // The status line is the hub's, as of each read (hub/src/containers/status-text.ts): it
      // ages between reads although the agent sends its listing only when something changes.
      const exitedFor = async (): Promise<number> => {
        const c = (await stack.api.containers(hostId)).find((x) => stripSlash(x.name) === name);
        const m = /^Exited \(\d+\) (Less than a second|1 second|(\d+) seconds) ago$/.exec(c?.status ?? '');
        if (!m) throw new NotYet(`status ${JSON.stringify(c?.status)}`);
        return m[2] ? Number(m[2]) : m[1] === '1 second' ? 1 : 0;
      };
      const first = await waitFor(exitedFor, {
        timeoutMs: 10_000,
        what: `${name} status "Exited (…) N seconds ago"`,
      });
      await sleep(2_500);
      const later = await exitedFor();
      assert.ok(later >= first + 2, `exited ${first} s ago, then ${later} s ago 2.5 s later`);
      const others = (await stack.api.containers(hostId)).filter((c) =>
        [engine.fullName('sleep-a'), engine.fullName('busy')].includes(stripSlash(c.name)),
      );
      assert.deepEqual(
        others.map((c) => c.state),
        ['running', 'running'],
      );
    });
  });
}

e2eSuite('pglite');
e2eSuite('postgres');
