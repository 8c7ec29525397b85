/**
 * Status page and badge figures (issue 7): a real hub process on PostgreSQL with a public status
 * page of 10 probes holding 90 days of results, read by 200 concurrent viewers (an undici pool
 * of 200 connections, each connection requesting again as soon as it has its answer, for a
 * fixed time). Reports requests/s and latency p50/p99 of `/status/:slug`, its `status.json` and
 * `/badge/probe/:id/status.svg`, plus the cold render of the page (the first request, before the
 * few-second render cache holds it). Every answer must be a 200, or the run fails.
 * Each target is also read by one viewer for a second: a request's cost without queueing.
 * Full: a result every minute (1.3 M rows), 20 s per target. Smoke: every 10 minutes, 3 s.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { ApiClient } from '../lib/api.js';
import { type HubProcess, startHub } from '../lib/hub.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import { percentile } from './ingest/prober.js';
import { printTable, type Row, writeJson } from './report.js';

export type StatusPageParams = { probes: number; resultEverySec: number; seconds: number; viewers: number };
export const FULL: StatusPageParams = { probes: 10, resultEverySec: 60, seconds: 20, viewers: 200 };
export const SMOKE: StatusPageParams = { probes: 10, resultEverySec: 1800, seconds: 1, viewers: 200 };

const DAYS = 90;
const JSON_HEADERS = { 'content-type': 'application/json' };

/** 90 days of one result per `everySec` for each probe: about 1 % failures, a bad hour on day 40. */
async function seedResults(db: TestDatabase, probeIds: string[], everySec: number): Promise<number> {
  const agentId = randomUUID();
  let rows = 0;
  for (const id of probeIds) {
    const [inserted] = await db.sql<{ n: string }[]>`
      with ins as (
        insert into probe_results (probe_id, agent_id, time, ok, latency_ms, seq)
        select ${id}::uuid, ${agentId}::uuid, t,
          not (random() < 0.01 or (t > now() - interval '40 days' and t < now() - interval '40 days' + interval '1 hour')),
          20 + random() * 80, 1
        from generate_series(now() - interval '${db.sql.unsafe(String(DAYS))} days', now(),
          make_interval(secs => ${everySec})) as t
        returning 1)
      select count(*) as n from ins`;
    rows += Number(inserted?.n ?? 0);
  }
  await db.sql`analyze probe_results`;
  return rows;
}

type Load = { requests: number; errors: number; rps: number; p50: number | null; p99: number | null };

/** `viewers` loops on a pool of as many connections, each asking for `path` until time is up. */
async function load(baseUrl: string, path: string, p: StatusPageParams): Promise<Load> {
  const pool = new Pool(baseUrl, { connections: p.viewers, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + p.seconds * 1000;
  const viewer = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      try {
        const res = await pool.request({ path, method: 'GET' });
        await res.body.arrayBuffer();
        if (res.statusCode === 200) latencies.push(performance.now() - t);
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: p.viewers }, viewer));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  const ms = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    requests: latencies.length,
    errors,
    rps: Math.round(latencies.length / elapsed),
    p50: ms(percentile(latencies, 50)),
    p99: ms(percentile(latencies, 99)),
  };
}

export async function statusPageBench(p: StatusPageParams, mode: string): Promise<void> {
  const db = await createTestDatabase();
  let hub: HubProcess | undefined;
  try {
    hub = await startHub({ name: 'bench-status-page', databaseUrl: db.url, env: { LOG_LEVEL: 'warn' } });
    const api = await ApiClient.login(hub.url);
    const probeIds: string[] = [];
    for (let i = 0; i < p.probes; i++) {
      const probe = (await api.json('/api/probes', {
        method: 'POST',
        headers: JSON_HEADERS,
        // Paused: no agent runs them, the seeded history is all there is.
        body: JSON.stringify({
          kind: 'http',
          name: `service ${i}`,
          url: `http://127.0.0.1:9/${i}`,
          enabled: false,
        }),
      })) as { id: string };
      probeIds.push(probe.id);
    }
    const seeded = await seedResults(db, probeIds, p.resultEverySec);
    const badgeProbe = probeIds[0] as string;
    await api.json(`/api/probes/${badgeProbe}/public`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify({ public: true }),
    });
    await api.json('/api/status-pages', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        title: 'Bench status',
        slug: 'bench',
        published: true,
        items: probeIds.map((id) => ({ kind: 'probe', id })),
      }),
    });

    const coldStart = performance.now();
    const cold = await fetch(`${hub.url}/status/bench`);
    const page = await cold.text();
    const coldMs = Math.round(performance.now() - coldStart);
    if (cold.status !== 200) throw new Error(`status page answered ${cold.status}`);
    const bars = (page.match(/<li class="u-/g) ?? []).length;
    if (bars !== p.probes * DAYS) throw new Error(`expected ${p.probes * DAYS} day bars, got ${bars}`);

    const targets = [
      ['status page (HTML)', '/status/bench'],
      ['status.json', '/status/bench/status.json'],
      ['badge status.svg', `/badge/probe/${badgeProbe}/status.svg`],
    ] as const;
    const rows: Row[] = [];
    for (const [name, path] of targets) {
      // One second unrecorded first: JIT, connection set-up and the first renders.
      await load(hub.url, path, { ...p, seconds: 1 });
      // One viewer too: a request's cost without queueing, to read the crowd's figures by.
      const alone = await load(hub.url, path, { ...p, viewers: 1, seconds: 1 });
      const crowd = await load(hub.url, path, p);
      for (const [viewers, seconds, m] of [
        [1, 1, alone],
        [p.viewers, p.seconds, crowd],
      ] as const) {
        if (m.errors > 0) throw new Error(`${name}: ${m.errors} requests failed`);
        rows.push({ target: name, viewers, seconds, ...m, 'p50 ms': m.p50, 'p99 ms': m.p99 });
      }
    }
    for (const r of rows) {
      delete r.p50;
      delete r.p99;
    }
    printTable(
      `Status page and badge under ${p.viewers} concurrent viewers (${mode}; ${p.probes} probes, ${seeded} results over ${DAYS} days; cold render ${coldMs} ms)`,
      rows,
    );
    writeJson('status-page', { mode, params: p, seededResults: seeded, coldRenderMs: coldMs, results: rows });
  } finally {
    await hub?.stop();
    await hub?.cleanup();
    await db.drop();
  }
}
