/**
 * Speed tests end to end: a real hub (PGlite, then PostgreSQL) and a real agent process. Run now
 * makes the agent measure latency, jitter, download and upload against the hub's endpoints over
 * loopback, signing each request with its own key; the stored result has plausible positive
 * numbers. A viewer may read the history but not start a test; anonymous callers get 401.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SpeedTest, SpeedTestListSchema } from '@unity/shared';
import { ApiClient } from '../lib/api.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

const VIEWER_PASSWORD = 'staple horse battery correct';

// PostgreSQL here; the browser test (test/browser/speed-test-ui.test.ts) runs the same path on a
// PGlite hub, and hub/src/speedtests/speed-tests.test.ts covers the storage on both databases.
for (const backend of ['postgres'] as const) {
  describe(`speed test with a real hub (${backend}) and agent`, { timeout: 180_000 }, () => {
    let stack: Stack;
    let db: TestDatabase | undefined;
    let viewer: ApiClient;
    let hostId = '';

    before(async () => {
      db = backend === 'postgres' ? await createTestDatabase() : undefined;
      stack = await startStack({ name: `speedtest-${backend}`, ...(db ? { databaseUrl: db.url } : {}) });
      const agent = await stack.startAgent();
      hostId = (await waitForHostOnline(stack.api, agent)).id;
      await stack.api.json('/api/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'reader', password: VIEWER_PASSWORD, role: 'viewer' }),
      });
      viewer = await ApiClient.login(stack.hub.url, 'reader', VIEWER_PASSWORD);
    });
    after(async () => {
      await stack?.cleanup();
      await db?.drop();
    });

    test('run now measures the link to the hub and stores the result', async (t) => {
      const path = `/api/hosts/${hostId}/speed-tests`;
      assert.equal((await fetch(`${stack.hub.url}${path}`, { method: 'POST' })).status, 401);
      assert.equal((await viewer.request(path, { method: 'POST' })).status, 403);

      const started = (await stack.api.json(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ durationSeconds: 1, streams: 2 }),
      })) as SpeedTest;
      assert.equal(started.state, 'running');

      const done = await waitFor(
        async () => {
          const { items } = SpeedTestListSchema.parse(await viewer.json(path));
          const test = items.find((t) => t.id === started.id);
          if (!test || test.state === 'running') throw new NotYet(`${test?.phase} ${test?.percent}%`);
          return test;
        },
        { timeoutMs: 60_000, what: 'the speed test result' },
      );
      assert.equal(done.state, 'ok', done.error ?? '');
      t.diagnostic(
        `down ${done.downloadMbps} Mbit/s, up ${done.uploadMbps} Mbit/s, latency ${done.latencyMs} ms, jitter ${done.jitterMs} ms`,
      );
      // Loopback on a shared test machine: well above 10 Mbit/s, and round trips under 100 ms.
      assert.ok((done.downloadMbps ?? 0) > 10, `download ${done.downloadMbps}`);
      assert.ok((done.uploadMbps ?? 0) > 10, `upload ${done.uploadMbps}`);
      assert.ok((done.latencyMs ?? -1) > 0 && (done.latencyMs ?? 1e9) < 100, `latency ${done.latencyMs}`);
      assert.ok((done.jitterMs ?? -1) >= 0 && (done.jitterMs ?? 1e9) < 100, `jitter ${done.jitterMs}`);
      assert.equal(done.streams, 2);
      assert.equal(done.durationMs, 1000);
      const elapsed = Date.parse(done.finishedAt ?? '') - Date.parse(done.time);
      assert.ok(elapsed >= 2000, `both directions ran their 1 s (took ${elapsed} ms)`);
    });
  });
}
