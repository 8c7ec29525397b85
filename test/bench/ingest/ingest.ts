/**
 * Ingest benchmark (issue 4): N simulated agents — the real agent link code (identity,
 * enrollment, connect token, outbox, scheduler, WebSocket link with acks) with synthetic
 * collectors, in K worker processes — send a host sample and 50 container samples every
 * interval to a real hub on a fresh PostgreSQL database over loopback.
 *
 * Measured per window: container samples stored per second (row count delta of
 * container_samples), p50/p99 time from sampling to visible in `GET /api/containers/:id/stats`
 * (prober.ts), hub CPU and RSS (procfs), PostgreSQL rows/s (pg_stat_database) and CPU (all
 * `postgres` processes), and the agent workers' CPU (they share the 2 cores). Then a raw COPY of
 * the same number of rows of the same shape into a scratch table of the same database gives the
 * physical limit, and the ratio hub rows/s ÷ COPY rows/s.
 *
 * Full: 1000 agents at 10 s, 60 s steady window, then steps of +1000 agents (30 s windows)
 * until the hub stores < 95 % of what is offered (or the agents' backlog grows); the first load
 * with p99 > 2 s is reported as the latency breaking point. Smoke: 10 agents at 2 s for
 * about 10 s. Both end by stopping the agents, draining their outboxes and checking that every
 * acknowledged (agent, seq) is stored exactly once: one host row and `containers` container
 * rows; exit non-zero if not.
 *
 * Outboxes live on /dev/shm (tmpfs): the agents' fsyncs stay out of the disk the database uses.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import type postgres from 'postgres';
import { ApiClient } from '../../lib/api.js';
import { type HubProcess, startHub } from '../../lib/hub.js';
import { REPO_ROOT, removeDir } from '../../lib/paths.js';
import { createTestDatabase, type TestDatabase } from '../../lib/postgres.js';
import { NotYet, sleep, waitFor } from '../../lib/wait.js';
import { cpuSeconds, sampleUsage } from '../proc-sampler.js';
import { printTable, type Row, writeJson } from '../report.js';
import { historyQueryBench } from './history.js';
import { AgentPool, type StartParams } from './pool.js';
import { Prober, percentile } from './prober.js';
import { verifyDelivery } from './verify.js';

export type IngestParams = {
  agents: number;
  workers: number;
  containers: number;
  intervalMs: number;
  /** The inventory item is sent on the first tick and then every this many ticks. */
  inventoryEvery: number;
  /** Wait after the last agent started before measuring. */
  settleSec: number;
  steadySec: number;
  /** Step-up: agent totals to try after the first window, in order; stops at the first that breaks. */
  steps: number[];
  stepSec: number;
  probes: number;
  probeEveryMs: number;
  drainMs: number;
  /** The 30-day chart query over 1,000 hosts of history. */
  history: boolean;
};

/** `BENCH_INGEST_AGENTS=500 BENCH_INGEST_STEPS=750,1000` start elsewhere than 1000 → 2000 … 5000. */
const envAgents = Number(process.env.BENCH_INGEST_AGENTS) || undefined;
const envSteps = process.env.BENCH_INGEST_STEPS?.split(',')
  .map(Number)
  .filter((n) => n > 0);

export const FULL: IngestParams = {
  agents: envAgents ?? 1000,
  workers: 4,
  containers: 50,
  intervalMs: 10_000,
  inventoryEvery: 6,
  settleSec: 10,
  steadySec: 60,
  steps: envSteps ?? [2000, 3000, 4000, 5000],
  stepSec: 30,
  probes: 20,
  probeEveryMs: 250,
  drainMs: 90_000,
  /** BENCH_INGEST_HISTORY=0 leaves the chart query out. */
  history: process.env.BENCH_INGEST_HISTORY !== '0',
};

export const SMOKE: IngestParams = {
  agents: 10,
  workers: 2,
  containers: 50,
  intervalMs: 2000,
  inventoryEvery: 3,
  settleSec: 2,
  steadySec: 8,
  steps: [],
  stepSec: 0,
  probes: 5,
  probeEveryMs: 100,
  drainMs: 15_000,
  /** BENCH_INGEST_HISTORY=1 adds the chart query to the smoke (over its 10 hosts). */
  history: process.env.BENCH_INGEST_HISTORY === '1',
};

export type WindowResult = {
  agents: number;
  seconds: number;
  offeredPerSec: number;
  containerSamplesPerSec: number;
  hostSamplesPerSec: number;
  pgTupInsertedPerSec: number;
  pgTupUpdatedPerSec: number;
  latencySamples: number;
  /** Prober requests unanswered within 20 s: the p99 is then above 20 s, whatever the answered ones say. */
  probeTimeouts: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  hubCpuPercent: number;
  hubRssPeakMiB: number;
  postgresCpuPercent: number;
  workersCpuPercent: number;
  backlogStart: number;
  backlogEnd: number;
  /** Batches received by the hub and not yet stored, at the end of the window (/metrics). */
  hubQueueEnd: number | null;
  /** Batches per group-commit transaction over the window. */
  batchesPerCommit: number | null;
  /** Stores ≥ 95 % of what is offered and the agents' backlog does not grow. */
  keepsUp: boolean;
  /** Keeps up, and p99 ≤ 2 s with no probe timing out. */
  meetsLatency: boolean;
};

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Summed CPU seconds of every `postgres` process (server, backends, walwriter, …). */
function postgresCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== 'postgres') continue;
      out.set(Number(name), cpuSeconds(Number(name)));
    } catch {
      // gone
    }
  }
  return out;
}

function cpuDelta(a: Map<number, number>, b: Map<number, number>): number {
  let s = 0;
  for (const [pid, v] of b) s += v - (a.get(pid) ?? 0);
  return s;
}

function cpuOf(pids: number[]): number {
  return pids.reduce((s, pid) => {
    try {
      return s + cpuSeconds(pid);
    } catch {
      return s;
    }
  }, 0);
}

const METRICS_TOKEN = 'bench-ingest-metrics-token';

/** The hub's own /metrics, as name → value; null when it does not answer within 5 s. */
async function hubMetrics(url: string): Promise<Map<string, number> | null> {
  try {
    const res = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      signal: AbortSignal.timeout(5000),
    });
    const out = new Map<string, number>();
    for (const line of (await res.text()).split('\n')) {
      const m = /^(\w+) (\S+)$/.exec(line);
      if (m?.[1] && m[2]) out.set(m[1], Number(m[2]));
    }
    return out;
  } catch {
    return null;
  }
}

async function counts(sql: postgres.Sql) {
  const [row] = await sql<{ cs: string; hs: string; ins: string; upd: string }[]>`
    select (select count(*) from container_samples) as cs, (select count(*) from host_samples) as hs,
      (select tup_inserted from pg_stat_database where datname = current_database()) as ins,
      (select tup_updated from pg_stat_database where datname = current_database()) as upd`;
  return { cs: Number(row?.cs), hs: Number(row?.hs), ins: Number(row?.ins), upd: Number(row?.upd) };
}

export async function ingestBench(p: IngestParams, mode: string): Promise<void> {
  const t0 = performance.now();
  let db: TestDatabase | undefined;
  let hub: HubProcess | undefined;
  let pool: AgentPool | undefined;
  let prober: Prober | undefined;
  const stateRoot = mkdtempSync('/dev/shm/unity-bench-ingest-');
  try {
    db = await createTestDatabase();
    const sql = db.sql;
    hub = await startHub({
      name: 'bench-ingest',
      databaseUrl: db.url,
      env: {
        LOG_LEVEL: 'warn',
        UNITY_METRICS_TOKEN: METRICS_TOKEN,
        UNITY_HOST_INTERVAL_MS: String(p.intervalMs),
        UNITY_CONTAINER_INTERVAL_MS: String(p.intervalMs),
        UNITY_AGENT_OFFLINE_AFTER_MS: String(Math.max(30_000, 3 * p.intervalMs)),
        // The chart query's 30 days of generated raw history must survive retention.
        ...(p.history ? { UNITY_RETENTION_RAW: '31d' } : {}),
        // BENCH_HUB_CPU_PROF=dir: a V8 CPU profile of the hub, written there when it exits.
        ...(process.env.BENCH_HUB_CPU_PROF
          ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_HUB_CPU_PROF}` }
          : {}),
      },
    });
    const hubPid = hub.pid;
    const hubUrl = hub.url;
    const api = await ApiClient.login(hub.url);
    const maxAgents = Math.max(p.agents, ...p.steps);
    const token = await api.createEnrollmentToken({ ttlSec: 3600, maxUses: maxAgents });
    const start: StartParams = {
      hubUrl: hub.url,
      token: token.token,
      intervalMs: p.intervalMs,
      containers: p.containers,
      inventoryEvery: p.inventoryEvery,
      staggerMs: p.intervalMs,
    };
    pool = new AgentPool(p.workers, stateRoot);
    const poolRef = pool;

    const measure = async (seconds: number): Promise<WindowResult> => {
      const agents = poolRef.size;
      const rep0 = await poolRef.report();
      const pg0 = postgresCpu();
      const w0 = cpuOf(poolRef.pids);
      const ta = Date.now();
      const c0 = await counts(sql);
      const m0 = await hubMetrics(hubUrl);
      const usage = await sampleUsage(hubPid, seconds * 1000);
      const tb = Date.now();
      const c1 = await counts(sql);
      const m1 = await hubMetrics(hubUrl);
      const pg1 = postgresCpu();
      const w1 = cpuOf(poolRef.pids);
      const rep1 = await poolRef.report();
      const secs = (tb - ta) / 1000;
      const lat = prober?.between(ta, tb) ?? [];
      const timeouts = prober?.timeoutsBetween(ta, tb) ?? 0;
      const offered = (agents * p.containers) / (p.intervalMs / 1000);
      const stored = (c1.cs - c0.cs) / secs;
      const p99 = percentile(lat, 99);
      const diff = (name: string) => (m1?.get(name) ?? Number.NaN) - (m0?.get(name) ?? Number.NaN);
      const perCommit = diff('unity_ingest_batches_total') / diff('unity_ingest_commits_total');
      return {
        agents,
        seconds: round(secs),
        offeredPerSec: round(offered),
        containerSamplesPerSec: round(stored),
        hostSamplesPerSec: round((c1.hs - c0.hs) / secs),
        pgTupInsertedPerSec: round((c1.ins - c0.ins) / secs),
        pgTupUpdatedPerSec: round((c1.upd - c0.upd) / secs),
        latencySamples: lat.length,
        probeTimeouts: timeouts,
        p50Ms: percentile(lat, 50),
        p99Ms: p99,
        maxMs: lat.length ? Math.max(...lat) : null,
        hubCpuPercent: usage.cpuAvgPercent,
        hubRssPeakMiB: usage.rssPeakMiB,
        postgresCpuPercent: round((cpuDelta(pg0, pg1) / secs) * 100),
        workersCpuPercent: round(((w1 - w0) / secs) * 100),
        backlogStart: rep0.pending,
        backlogEnd: rep1.pending,
        hubQueueEnd: m1?.get('unity_ingest_queue_batches') ?? null,
        batchesPerCommit: Number.isFinite(perCommit) ? round(perCommit) : null,
        keepsUp: stored >= 0.95 * offered && rep1.pending - rep0.pending < agents / 2,
        meetsLatency:
          stored >= 0.95 * offered &&
          rep1.pending - rep0.pending < agents / 2 &&
          p99 !== null &&
          p99 <= 2000 &&
          timeouts === 0,
      };
    };

    // Ramp-up: agents start staggered over one interval.
    const tRamp = performance.now();
    await pool.add(p.agents, start);
    const rampSec = (performance.now() - tRamp) / 1000;
    console.log(`  ${p.agents} agents started in ${rampSec.toFixed(1)} s (${p.workers} worker processes)`);
    prober = new Prober(api, p.probeEveryMs);
    const probeIds: string[] = [];
    for (let i = 0; i < p.probes; i++) {
      const agentId = pool.agentIds.get(Math.floor((i * p.agents) / p.probes));
      if (!agentId) continue;
      // Found in the database, not the API: under overload the API answers late, and the
      // prober is there to measure exactly that.
      const id = await waitFor(
        async () => {
          const [row] = await sql<
            { id: string }[]
          >`select id from containers where host_id = ${agentId} limit 1`;
          if (!row) throw new NotYet('no containers yet');
          return row.id;
        },
        { timeoutMs: 60_000, what: `containers of agent ${agentId}` },
      );
      probeIds.push(id);
    }
    prober.add(probeIds);
    await sleep(p.settleSec * 1000);

    const windows: WindowResult[] = [await measure(p.steadySec)];
    console.log(`  window ${JSON.stringify(windows[0])}`);
    // Two breaking points: the first load whose p99 exceeds 2 s (latency), and the first the hub
    // cannot store (throughput); the steps go on past the first until the second.
    let breaking: WindowResult | undefined;
    let latencyBreak: WindowResult | undefined;
    if (windows[0] && !windows[0].meetsLatency) latencyBreak = windows[0];
    if (windows[0] && !windows[0].keepsUp) breaking = windows[0];
    // A step whose agents cannot even enrol and link in time is past the breaking point: the
    // hub is saturated. That ends the steps; the run still drains, verifies and measures COPY.
    let startFailure: { agents: number; error: string } | undefined;
    for (const target of p.steps) {
      if (breaking) break;
      try {
        await pool.add(target - pool.size, start);
      } catch (error) {
        startFailure = { agents: target, error: error instanceof Error ? error.message : String(error) };
        console.log(`  could not start ${target} agents: ${startFailure.error}`);
        break;
      }
      await sleep(p.settleSec * 1000);
      const w = await measure(p.stepSec);
      console.log(`  window ${JSON.stringify(w)}`);
      windows.push(w);
      if (!w.keepsUp) breaking = w;
      if (!w.meetsLatency) latencyBreak ??= w;
    }
    await prober.stop();

    // Stop sampling, drain the outboxes, and check delivery.
    const stopped = await pool.stop(p.drainMs);
    pool = undefined;
    const delivery = await verifyDelivery(sql, stopped.agents, p.containers);
    const undrained = stopped.agents.reduce((s, a) => s + a.pending, 0);

    // The physical limit: COPY as many rows as the first steady window stored, once the hub has
    // finished what it still had queued (no new rows for 2 s, at most 60 s), so the two do not share the machine.
    await waitFor(
      async () => {
        const a = (await counts(sql)).cs;
        await sleep(2000);
        const b = (await counts(sql)).cs;
        if (a !== b) throw new NotYet(`hub still storing (${b - a} rows in 2 s)`);
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 0, what: 'the hub to finish storing' },
    ).catch((error: Error) => console.log(`  COPY while the hub is busy: ${error.message}`));
    const first = windows[0] as WindowResult;
    const copyRows = Math.max(10_000, Math.round(first.containerSamplesPerSec * first.seconds));
    const copy = await copyBench(sql, copyRows);
    const best = windows.filter((w) => w.keepsUp).at(-1) ?? first;
    const maxStored = Math.max(...windows.map((w) => w.containerSamplesPerSec));

    const history = p.history ? await historyQueryBench(sql, api) : undefined;

    const rows: Row[] = windows.map((w) => ({
      agents: w.agents,
      'offered/s': w.offeredPerSec,
      'stored/s': w.containerSamplesPerSec,
      'p50 ms': w.p50Ms,
      'p99 ms': w.p99Ms,
      'n lat': w.latencySamples,
      'probe t/o': w.probeTimeouts,
      'hub CPU %': w.hubCpuPercent,
      'hub RSS MiB': w.hubRssPeakMiB,
      'PG CPU %': w.postgresCpuPercent,
      'agents CPU %': w.workersCpuPercent,
      'PG ins/s': w.pgTupInsertedPerSec,
      'PG upd/s': w.pgTupUpdatedPerSec,
      backlog: `${w.backlogStart}→${w.backlogEnd}`,
      'hub queue': w.hubQueueEnd,
      'batches/commit': w.batchesPerCommit,
      'keeps up': w.keepsUp,
      'p99 ≤ 2 s': w.meetsLatency,
    }));
    printTable(
      `Ingest (${mode}): ${p.containers} containers/agent every ${p.intervalMs / 1000} s, windows of ${p.steadySec}/${p.stepSec} s, latency probe every ${p.probeEveryMs} ms`,
      rows,
    );
    printTable('COPY of the same rows into the same PostgreSQL', [
      {
        rows: copy.rows,
        seconds: copy.seconds,
        'COPY rows/s': copy.rowsPerSec,
        'hub/COPY at first window': round(first.containerSamplesPerSec / copy.rowsPerSec, 3),
        'hub/COPY at max stored': round(maxStored / copy.rowsPerSec, 3),
      },
    ]);
    printTable('Delivery (every acknowledged agent seq stored exactly once)', [
      {
        agents: delivery.agents,
        batches: delivery.batches,
        'host rows': delivery.hostRows,
        'container rows': delivery.containerRows,
        lost: delivery.lost,
        duplicated: delivery.duplicated,
        wrong: delivery.wrong,
        'not drained': undrained,
        'drain s': round(stopped.drainedMs / 1000),
      },
    ]);
    if (history) printTable('Query: 30-day chart of one container, 1,000 hosts of history', [history.row]);
    if (latencyBreak)
      console.log(
        `  latency breaking point (p99 > 2 s): ${latencyBreak.agents} agents (${latencyBreak.offeredPerSec} samples/s offered)`,
      );
    if (breaking)
      console.log(
        `  throughput breaking point (stores < 95 % or backlog grows): ${breaking.agents} agents (${breaking.offeredPerSec} samples/s offered, ${breaking.containerSamplesPerSec} stored)`,
      );
    else if (startFailure)
      console.log(
        `  throughput breaking point: ${startFailure.agents} agents could not all enrol and link (the hub was saturated)`,
      );
    else if (p.steps.length > 0) console.log(`  no throughput breaking point up to ${best.agents} agents`);

    writeJson('ingest', {
      mode,
      tree: treeState(),
      params: p,
      outboxes: 'tmpfs (/dev/shm)',
      rampSec,
      windows,
      breakingPoint: breaking
        ? {
            agents: breaking.agents,
            offeredPerSec: breaking.offeredPerSec,
            storedPerSec: breaking.containerSamplesPerSec,
          }
        : null,
      startFailure: startFailure ?? null,
      latencyBreakingPoint: latencyBreak
        ? {
            agents: latencyBreak.agents,
            offeredPerSec: latencyBreak.offeredPerSec,
            p99Ms: latencyBreak.p99Ms,
          }
        : null,
      maxSustained: { agents: best.agents, containerSamplesPerSec: best.containerSamplesPerSec },
      copy,
      ratioFirstWindow: first.containerSamplesPerSec / copy.rowsPerSec,
      ratioMaxStored: maxStored / copy.rowsPerSec,
      delivery,
      undrained,
      probeErrors: prober.errors,
      probeTimeouts: prober.timeouts,
      probeRequests: prober.requests,
      history: history?.json ?? null,
      seconds: (performance.now() - t0) / 1000,
    });
    const problems = [...delivery.problems];
    if (mode === 'smoke' && undrained > 0)
      problems.push(`${undrained} batches still in the outboxes after draining`);
    if (mode === 'smoke' && first.latencySamples === 0)
      problems.push('the prober saw no new sample in the query API');
    if (problems.length > 0) throw new Error(`ingest: ${problems.slice(0, 10).join('; ')}`);
  } finally {
    await prober?.stop();
    pool?.kill();
    await hub?.cleanup();
    await db?.drop();
    removeDir(stateRoot);
  }
}

/** Which hub code ran: HEAD, and whether hub/ had uncommitted changes (work in progress). */
function treeState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', 'hub'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} + uncommitted changes in hub/` : head;
  } catch {
    return 'unknown';
  }
}

/** COPY `rows` container-sample rows (the same columns) into a scratch table; client-side generation is not timed. */
async function copyBench(sql: postgres.Sql, rows: number) {
  await sql.unsafe('drop table if exists bench_copy');
  await sql.unsafe('create table bench_copy (like container_samples including all)');
  const chunks: string[] = [];
  const base = Date.now() - 3600_000;
  const containers = 50_000;
  for (let i = 0; i < rows; i += 10_000) {
    let s = '';
    for (let j = i; j < Math.min(rows, i + 10_000); j++) {
      const c = j % containers;
      const tick = Math.floor(j / containers);
      const ts = new Date(base + tick * 10_000 + (c % 1000) * 10).toISOString();
      s += `${c.toString(16).padStart(16, '0')}\t${ts}\t${tick + 1}\t${(c % 10) + 0.5}\t${base + tick}\t2147483648\t${100 * (c % 50)}\t${50 * (c % 50)}\t0\t4096\t${tick + 1}\n`;
    }
    chunks.push(s);
  }
  const t0 = performance.now();
  const writable =
    await sql`copy bench_copy (container_id, ts, seq, cpu_percent, memory_bytes, memory_limit_bytes, net_rx_bytes_per_sec, net_tx_bytes_per_sec, block_read_bytes_per_sec, block_write_bytes_per_sec, pids) from stdin`.writable();
  await new Promise<void>((resolve, reject) => {
    writable.on('error', reject);
    writable.on('finish', resolve);
    let i = 0;
    const pump = () => {
      while (i < chunks.length) {
        if (!writable.write(chunks[i++])) return void writable.once('drain', pump);
      }
      writable.end();
    };
    pump();
  });
  const seconds = (performance.now() - t0) / 1000;
  const [n] = await sql<{ n: string }[]>`select count(*) as n from bench_copy`;
  await sql.unsafe('drop table bench_copy');
  if (Number(n?.n) !== rows) throw new Error(`COPY stored ${n?.n} of ${rows} rows`);
  return { rows, seconds: round(seconds, 2), rowsPerSec: round(rows / seconds) };
}
