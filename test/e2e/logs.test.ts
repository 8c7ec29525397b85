/**
 * Container logs end to end with a real Podman engine, agent and hub (PGlite and PostgreSQL):
 * the tail through the API, a follow over the WebSocket that must deliver every line of a
 * container printing 5,000 lines/s in order, shipping of a labelled container whose lines become
 * searchable and survive an agent restart without gaps or repeats, and the follow's refusal
 * without a session.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Container, ContainerLogsSchema, type LogLine, LogSearchResultSchema } from '@unity/shared';
import { LogFollowClient } from '../lib/log-follow.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, sleep, waitFor } from '../lib/wait.js';

const stripSlash = (name: string) => name.replace(/^\//, '');

/** busybox sh: `count` lines `<prefix> n=<i>` in bursts of 500 every 100 ms (about 5,000 lines/s). */
const counterScript = (prefix: string, count: number, delay = 2) =>
  `sleep ${delay}; i=0; while [ $i -lt ${count} ]; do j=0; while [ $j -lt 500 ]; do echo "${prefix} n=$i"; i=$((i+1)); j=$((j+1)); done; usleep 100000; done; echo "${prefix} done"; sleep 3600`;

/** The counters of `lines` carrying `prefix`, in order. */
const counters = (lines: readonly LogLine[], prefix: string): number[] =>
  lines.flatMap((l) => {
    const m = new RegExp(`^${prefix} n=(\\d+)$`).exec(l.line);
    return m ? [Number(m[1])] : [];
  });

/** Asserts 0..count-1 exactly once each, in order. */
function assertComplete(seen: number[], count: number, what: string): void {
  const firstBad = seen.findIndex((n, i) => n !== i);
  assert.equal(firstBad, -1, `${what}: line ${firstBad} is n=${seen[firstBad]} (gap or repeat)`);
  assert.equal(seen.length, count, `${what}: ${seen.length} of ${count} lines`);
}

function logsSuite(storage: 'pglite' | 'postgres') {
  describe(`container logs on ${storage} with a real Podman engine`, () => {
    let stack: Stack;
    let db: TestDatabase | undefined;
    const marker = `ship${randomBytes(4).toString('hex')}`;
    const byName = new Map<string, Container>();

    before(async () => {
      if (storage === 'postgres') db = await createTestDatabase();
      stack = await startStack({
        name: `logs-${storage}`,
        withPodman: true,
        ...(db ? { databaseUrl: db.url } : {}),
      });
      const engine = stack.engine;
      assert.ok(engine);
      await engine.run({
        name: 'mixed',
        command: [
          'sh',
          '-c',
          'echo "INFO starting"; echo "ERROR boom" >&2; echo \'{"level":"warn","msg":"careful"}\'; i=0; while [ $i -lt 50 ]; do echo "line $i"; i=$((i+1)); done; sleep 3600',
        ],
      });
      await engine.run({
        name: 'tty',
        tty: true,
        command: ['sh', '-c', 'echo "[WARN] from a terminal"; sleep 3600'],
      });
      await engine.run({
        name: 'shipped',
        labels: { 'unity.logs': 'ship' },
        command: ['sh', '-c', `i=0; while :; do echo "${marker} n=$i"; i=$((i+1)); usleep 50000; done`],
      });
      const agent = await stack.startAgent();
      const host = await waitForHostOnline(stack.api, agent, 30_000);
      await waitFor(
        async () => {
          const list = await stack.api.containers(host.id);
          for (const n of ['mixed', 'tty', 'shipped']) {
            const c = list.find((x) => stripSlash(x.name) === engine.fullName(n));
            if (!c) throw new NotYet(`${n} not listed yet`);
            byName.set(n, c);
          }
          return true;
        },
        { timeoutMs: 30_000, what: 'the test containers listed' },
      );
    });

    after(async () => {
      await stack?.cleanup();
      await db?.drop();
    });

    const logs = async (name: string, query: string) => {
      const c = byName.get(name);
      assert.ok(c, `${name} listed`);
      return ContainerLogsSchema.parse(await stack.api.json(`/api/containers/${c.id}/logs?${query}`));
    };

    test('the tail gives the last N lines live, with their stream and level', async () => {
      const last = await waitFor(
        async () => {
          // Per stream: an engine with second-precision times may not interleave the two exactly.
          const r = await logs('mixed', 'tail=5&stream=stdout');
          if (r.items.at(-1)?.line !== 'line 49') throw new NotYet(JSON.stringify(r.items));
          return r;
        },
        { timeoutMs: 15_000, what: 'the last lines of mixed' },
      );
      assert.equal(last.source, 'live');
      assert.deepEqual(
        last.items.map((l) => [l.line, l.stream]),
        [45, 46, 47, 48, 49].map((n) => [`line ${n}`, 'stdout']),
      );
      for (let i = 1; i < last.items.length; i++)
        assert.ok((last.items[i]?.time ?? '') >= (last.items[i - 1]?.time ?? ''), 'times in order');

      const errors = await logs('mixed', 'tail=100&level=error');
      assert.deepEqual(
        errors.items.map((l) => [l.line, l.stream, l.level]),
        [['ERROR boom', 'stderr', 'error']],
      );
      const head = await logs('mixed', 'tail=200&stream=stdout');
      assert.deepEqual(
        head.items.slice(0, 2).map((l) => [l.line, l.level]),
        [
          ['INFO starting', 'info'],
          ['{"level":"warn","msg":"careful"}', 'warn'],
        ],
      );
      assert.ok(!head.items.some((l) => l.stream === 'stderr'), 'stream=stdout leaves stderr out');
      const text = await logs('mixed', 'tail=100&q=LINE%204');
      assert.deepEqual(
        text.items.map((l) => l.line),
        ['line 4', ...Array.from({ length: 10 }, (_, i) => `line ${40 + i}`)],
      );
    });

    test('a TTY container (raw, not multiplexed) is read too', async () => {
      const r = await waitFor(
        async () => {
          const r = await logs('tty', 'tail=10');
          if (r.items.length === 0) throw new NotYet('no lines yet');
          return r;
        },
        { timeoutMs: 10_000, what: 'tty lines' },
      );
      assert.deepEqual(
        r.items.map((l) => [l.line, l.stream, l.level]),
        [['[WARN] from a terminal', 'stdout', 'warn']],
      );
    });

    test('following a container printing 5,000 lines/s delivers every line, in order', async () => {
      const engine = stack.engine;
      assert.ok(engine);
      const count = 20_000;
      const from = Date.now() - 1000;
      await engine.run({ name: 'fast', command: ['sh', '-c', counterScript('fast', count)] });
      const fast = await waitFor(
        async () => {
          const c = (await stack.api.containers(byName.get('mixed')?.hostId ?? '')).find(
            (x) => stripSlash(x.name) === engine.fullName('fast'),
          );
          if (!c) throw new NotYet('fast not listed');
          return c;
        },
        { timeoutMs: 20_000, what: 'fast listed' },
      );
      // Open the follow only once the container is writing: lines from `since` up to the moment
      // the follow reaches the engine must come too (as they do when a busy agent lists late).
      await waitFor(
        async () => {
          const { items } = ContainerLogsSchema.parse(
            await stack.api.json(`/api/containers/${fast.id}/logs?tail=1`),
          );
          if (!items.some((l) => l.line.startsWith('fast n='))) throw new NotYet('fast not writing yet');
          return true;
        },
        { timeoutMs: 20_000, intervalMs: 100, what: 'fast writing' },
      );
      const client = await LogFollowClient.open(
        stack.hub.url,
        fast.id,
        { since: String(from), tail: '0' },
        stack.api.sessionCookie,
      );
      assert.ok(client instanceof LogFollowClient, `follow refused: ${JSON.stringify(client)}`);
      try {
        await waitFor(
          async () => {
            if (client.closed) throw new Error(`follow closed: ${client.ended}`);
            if (!client.lines.some((l) => l.line === 'fast done'))
              throw new NotYet(`${client.lines.length} lines so far`);
            return true;
          },
          { timeoutMs: 60_000, what: 'every line of fast' },
        );
        // A gap could also be a line that arrived malformed (split or joined): show those.
        const odd = client.lines.filter(
          (l) => l.line.startsWith('fast') && !/^fast (n=\d+|done)$/.test(l.line),
        );
        assert.deepEqual(odd, [], 'lines that are neither a counter nor the end');
        assertComplete(counters(client.lines, 'fast'), count, 'follow');
        const span = (client.receivedAt.at(-1) ?? 0) - (client.receivedAt[0] ?? 0);
        assert.ok(span > 1000, `lines arrived over ${span} ms, as they were written, not at the end`);
      } finally {
        client.close();
      }
    });

    test("a shipped container's lines become searchable and survive an agent restart without gaps or repeats", async () => {
      const shipped = byName.get('shipped');
      assert.ok(shipped && stack.agent);
      const search = async () =>
        LogSearchResultSchema.parse(
          await stack.api.json(`/api/logs/search?q=${marker}&container=${shipped.id}&limit=1000`),
        ).items;
      await waitFor(
        async () => {
          const hits = await search();
          if (hits.length < 20) throw new NotYet(`${hits.length} hits`);
          return hits;
        },
        { timeoutMs: 30_000, what: 'shipped lines searchable' },
      );
      await stack.agent.stop();
      await sleep(2000);
      stack.agent.spawn();
      await waitForHostOnline(stack.api, stack.agent, 30_000);
      const before = (await search()).length;
      await waitFor(
        async () => {
          const hits = await search();
          if (hits.length < before + 40) throw new NotYet(`${hits.length} hits (had ${before})`);
          return hits;
        },
        { timeoutMs: 30_000, what: 'shipping resumed' },
      );
      const stored = await logs('shipped', 'tail=1000&source=stored');
      assert.equal(stored.source, 'stored');
      const seen = counters(stored.items, marker);
      assert.ok(seen.length > 60, `${seen.length} stored`);
      // The stored tail starts wherever 1000 lines back is: check continuity from its first line.
      const first = seen[0] ?? 0;
      assertComplete(
        seen.map((n) => n - first),
        seen.length,
        'stored across the restart',
      );
      const hit = (await search())[0];
      assert.equal(hit?.containerName, shipped.name);
      assert.equal(hit?.stream, 'stdout');
    });

    test('a container chosen in the UI (PUT …/logs/ship) is shipped too', async () => {
      const mixed = byName.get('mixed');
      assert.ok(mixed);
      const res = await stack.api.request(`/api/containers/${mixed.id}/logs/ship`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ship: true }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(await res.json(), { ship: true, label: false });
      const hits = await waitFor(
        async () => {
          const found = LogSearchResultSchema.parse(
            await stack.api.json(`/api/logs/search?q=${encodeURIComponent('line 49')}&container=${mixed.id}`),
          ).items;
          if (found.length === 0) throw new NotYet('not shipped yet');
          return found;
        },
        { timeoutMs: 30_000, what: "mixed's lines shipped after the switch" },
      );
      assert.deepEqual(
        hits.map((h) => h.line),
        ['line 49'],
      );
    });

    test('the follow WebSocket refuses a client without a session', async () => {
      const c = byName.get('mixed');
      assert.ok(c);
      const refused = await LogFollowClient.open(stack.hub.url, c.id, {}, undefined);
      assert.ok(!(refused instanceof LogFollowClient), 'no session, no follow');
      assert.equal(refused.status, 401);
      assert.match(refused.body, /"code":"unauthorized"/);
      const res = await fetch(`${stack.hub.url}/api/containers/${c.id}/logs?tail=5`);
      assert.equal(res.status, 401);
    });
  });
}

logsSuite('pglite');
logsSuite('postgres');
