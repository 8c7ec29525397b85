import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HubStatusSchema } from '@unity/shared';
import { login, startTestHub, type TestHub } from '../testing/hub.js';
import { exposition } from './metrics-route.js';

const TOKEN = 'metrics-token-0123456789';

describe('/metrics', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ env: { UNITY_METRICS_TOKEN: TOKEN } });
  });
  after(() => hub.close());

  it('formats the Prometheus text exposition', () => {
    assert.equal(
      exposition([{ name: 'a_total', help: 'A.', type: 'counter', value: 3 }]),
      '# HELP a_total A.\n# TYPE a_total counter\na_total 3\n',
    );
  });

  it('answers 401 without the token', async () => {
    assert.equal((await fetch(`${hub.url}/metrics`)).status, 401);
    const wrong = await fetch(`${hub.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
  });

  it('exposes ingest counters, agents connected and database latency with the token', async () => {
    hub.deps.stats.recordBatch(true, 1, 50, 0.01);
    hub.deps.stats.recordBatch(false, 1, 50, 0.01);
    const res = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^unity_db_up 1$/m);
    assert.match(text, /^unity_db_latency_seconds \d/m);
    assert.match(text, /^unity_agents_connected 0$/m);
    assert.match(text, /^unity_ingest_batches_total 1$/m);
    assert.match(text, /^unity_ingest_duplicate_batches_total 1$/m);
    assert.match(text, /^unity_ingest_container_samples_total 50$/m);
    // Nothing is being ingested: every queue is empty.
    assert.match(text, /^unity_ingest_queue_batches 0$/m);
    assert.match(text, /^unity_ingest_commit_waiting_batches 0$/m);
    assert.match(text, /^unity_ingest_commit_inflight_batches 0$/m);
    assert.match(text, /^# TYPE unity_ingest_commits_total counter$/m);
  });

  it('reports batches waiting in agent sockets as the queue depth', async () => {
    hub.deps.stats.framesWaiting += 3;
    try {
      const res = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.match(await res.text(), /^unity_ingest_queue_batches 3$/m);
    } finally {
      hub.deps.stats.framesWaiting -= 3;
    }
  });

  it('serves /metrics without a token on UNITY_METRICS_PORT, and nothing else there', async () => {
    const open = await startTestHub({ env: { UNITY_METRICS_PORT: '0' } });
    try {
      assert.ok(open.metricsUrl && open.metricsUrl !== open.url);
      const res = await fetch(`${open.metricsUrl}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(await res.text(), /^unity_ingest_queue_batches 0$/m);
      for (const path of ['/api/hosts', '/api/auth/me', '/', '/healthz']) {
        assert.equal((await fetch(`${open.metricsUrl}${path}`)).status, 404, path);
      }
      // The main port keeps its rule: no token configured, no /metrics there.
      assert.equal((await fetch(`${open.url}/metrics`)).status, 404);
    } finally {
      await open.close();
    }
    // Closing the hub closes its metrics listener too.
    await assert.rejects(fetch(`${open.metricsUrl}/metrics`));
  });

  it('is off (404) when no token is configured', async () => {
    const plain = await startTestHub();
    try {
      assert.equal((await fetch(`${plain.url}/metrics`)).status, 404);
    } finally {
      await plain.close();
    }
  });

  it('answers /api/status to signed-in users: the database and no warning at this load', async () => {
    assert.equal((await fetch(`${hub.url}/api/status`)).status, 401);
    const cookie = await login(hub);
    const res = await fetch(`${hub.url}/api/status`, { headers: { cookie } });
    assert.deepEqual(HubStatusSchema.parse(await res.json()), { database: 'pglite', warnings: [] });
  });
});
