/**
 * `/metrics`: the hub's own health in the Prometheus text exposition format (version 0.0.4):
 * samples and batches stored, agents connected, database round-trip latency, process memory.
 * On the main port it is off unless `UNITY_METRICS_TOKEN` is set; then a scraper sends
 * `Authorization: Bearer <token>`. With `UNITY_METRICS_PORT` it is also served open on a listener
 * of its own (openMetricsApp), for scrapers that cannot send a token on a port only they reach.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { HubDeps } from '../types.js';
import type { HubStats } from './hub-stats.js';

type Metric = { name: string; help: string; type: 'counter' | 'gauge'; value: number };

/** The exposition text; pure. */
export function exposition(metrics: Metric[]): string {
  return metrics
    .map((m) => `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} ${m.type}\n${m.name} ${m.value}\n`)
    .join('');
}

const tokenMatches = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

type MetricsDeps = Pick<HubDeps, 'db' | 'agents' | 'config' | 'ingest'> & { stats: HubStats };

export function metricsRoutes(deps: MetricsDeps) {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const token = deps.config.metricsToken;
    if (!token) return c.text('not found\n', 404);
    const auth = c.req.header('authorization') ?? '';
    if (!tokenMatches(auth.replace(/^Bearer\s+/i, ''), token)) {
      return c.text('unauthorized\n', 401, { 'www-authenticate': 'Bearer' });
    }
    return c.text(await render(deps), 200, { 'content-type': CONTENT_TYPE });
  });
  return app;
}

/** The separate metrics listener: `/metrics` without a token, nothing else. */
export function openMetricsApp(deps: MetricsDeps) {
  const app = new Hono();
  app.get('/metrics', async (c) => c.text(await render(deps), 200, { 'content-type': CONTENT_TYPE }));
  app.notFound((c) => c.text('not found\n', 404));
  return app;
}

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

async function render(deps: MetricsDeps): Promise<string> {
  const started = performance.now();
  let up = 1;
  try {
    await deps.db.execute(sql`select 1`);
  } catch {
    up = 0;
  }
  const dbSeconds = (performance.now() - started) / 1000;
  const s = deps.stats;
  return exposition([
    {
      name: 'unity_db_up',
      help: 'Whether the database answered the scrape query.',
      type: 'gauge',
      value: up,
    },
    { name: 'unity_db_latency_seconds', help: 'Round trip of select 1.', type: 'gauge', value: dbSeconds },
    {
      name: 'unity_agents_connected',
      help: 'Agent WebSockets open.',
      type: 'gauge',
      value: deps.agents.connected,
    },
    {
      name: 'unity_ingest_batches_total',
      help: 'Agent batches stored.',
      type: 'counter',
      value: s.batchesStored,
    },
    {
      name: 'unity_ingest_duplicate_batches_total',
      help: 'Batches acknowledged again without storing (seq already stored).',
      type: 'counter',
      value: s.batchesDuplicate,
    },
    {
      name: 'unity_ingest_host_samples_total',
      help: 'Host samples stored.',
      type: 'counter',
      value: s.hostSamples,
    },
    {
      name: 'unity_ingest_container_samples_total',
      help: 'Container samples stored.',
      type: 'counter',
      value: s.containerSamples,
    },
    {
      name: 'unity_ingest_store_seconds_total',
      help: 'Time from a batch reaching the writer to its commit, group-commit wait included (divide by batches for the mean).',
      type: 'counter',
      value: s.storeSecondsSum,
    },
    {
      name: 'unity_ingest_queue_batches',
      help: 'Agent batches received and waiting: in agent sockets behind an earlier frame, or for a transaction.',
      type: 'gauge',
      value: s.framesWaiting,
    },
    {
      name: 'unity_ingest_commit_waiting_batches',
      help: 'Batches waiting for a group-commit transaction (part of unity_ingest_queue_batches).',
      type: 'gauge',
      value: deps.ingest.waiting,
    },
    {
      name: 'unity_ingest_commit_inflight_batches',
      help: 'Batches in group-commit transactions not yet committed.',
      type: 'gauge',
      value: deps.ingest.inFlight,
    },
    {
      name: 'unity_ingest_commits_total',
      help: 'Group-commit transactions committed (batches_total / commits_total = mean group size).',
      type: 'counter',
      value: deps.ingest.groups,
    },
    {
      name: 'unity_process_resident_memory_bytes',
      help: 'Resident set size of the hub process.',
      type: 'gauge',
      value: process.memoryUsage.rss(),
    },
    {
      name: 'unity_process_start_time_seconds',
      help: 'Start time of the hub, seconds since the epoch.',
      type: 'gauge',
      value: Math.floor(s.startedAt / 1000),
    },
  ]);
}
