/**
 * Probe figures (issue 7): one agent (the built bundle) running N HTTP probes at a fixed
 * interval against a local server, with a real hub on PGlite storing the results. Measures the
 * agent's CPU (% of one core) and RSS over whole intervals in the steady state, and the probe
 * runs the server saw against the runs expected. Full: 1,000 probes at 20 s, 3 intervals
 * (targets ≤ 5 % CPU and ≤ 100 MB RSS). Smoke: 50 probes at 10 s, 1 interval.
 * @module
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AGENT_NODE_ARGS, type AgentProcess, startAgent } from '../lib/agent.js';
import { ApiClient } from '../lib/api.js';
import { type HubProcess, startHub } from '../lib/hub.js';
import { REPO_ROOT } from '../lib/paths.js';
import { waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';
import { cpuSeconds, sampleUsage } from './proc-sampler.js';
import { printTable, writeJson } from './report.js';

export type ProbesParams = { probes: number; intervalSec: number; intervals: number };
export const FULL: ProbesParams = { probes: 1000, intervalSec: 20, intervals: 3 };
export const SMOKE: ProbesParams = { probes: 50, intervalSec: 10, intervals: 1 };

const AGENT_DIR = join(REPO_ROOT, 'agent');

export async function probesBench(p: ProbesParams, mode: string): Promise<void> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"UP"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  let hub: HubProcess | undefined;
  let agent: AgentProcess | undefined;
  try {
    // The shipped artifact, with this tree's probe code in it.
    await promisify(execFile)(process.execPath, [join(AGENT_DIR, 'build.mjs')], { cwd: AGENT_DIR });
    hub = await startHub({ name: 'bench-probes', env: { LOG_LEVEL: 'warn' } });
    const api = await ApiClient.login(hub.url);
    for (let i = 0; i < p.probes; i++) {
      await api.json('/api/probes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'http',
          name: `bench ${i}`,
          url: `${url}?probe=${i}`,
          intervalSeconds: p.intervalSec,
          timeoutSeconds: 5,
          conditions: '[STATUS] == 200 && [BODY].status == "UP"',
        }),
      });
    }
    const token = await api.createEnrollmentToken({ ttlSec: 600 });
    agent = startAgent({
      name: 'bench-probes',
      hubUrl: hub.url,
      token: token.token,
      hostInterval: '10s',
      env: { LOG_LEVEL: 'warn' },
      entry: join(AGENT_DIR, 'dist', 'unity-agent.mjs'),
      // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the agent's CPU goes.
      ...(process.env.UNITY_BENCH_AGENT_NODE_ARGS
        ? { nodeArgs: [...AGENT_NODE_ARGS, ...process.env.UNITY_BENCH_AGENT_NODE_ARGS.split(' ')] }
        : {}),
    });
    await waitForHostOnline(api, agent, 60_000);
    // Steady state: after the first interval every probe has run once.
    const firstAt = performance.now();
    await waitFor(
      () => {
        if (requests < p.probes) throw new NotYet(`${requests} of ${p.probes} probes ran`);
        return true;
      },
      { timeoutMs: p.intervalSec * 3000, what: `all ${p.probes} probes run once` },
    );
    const warmupSec = (performance.now() - firstAt) / 1000;
    const before = requests;
    // The hub's CPU over the same window: it stores every result, and should not be what limits
    // the agent (a slow ack only grows the outbox; the figure is the agent's).
    const hubCpu0 = cpuSeconds(hub.pid);
    const usage = await sampleUsage(agent.pid, p.intervals * p.intervalSec * 1000);
    const hubCpuPercent = Math.round(((cpuSeconds(hub.pid) - hubCpu0) / usage.seconds) * 10_000) / 100;
    const runs = requests - before;
    const expected = (p.probes * usage.seconds) / p.intervalSec;
    const last = ((await api.json(`/api/probes`)) as { items: { status: { state: string } }[] }).items;
    const up = last.filter((x) => x.status.state === 'up').length;
    printTable(`Probes (${mode})`, [
      {
        measure: `agent, ${p.probes} HTTP probes at ${p.intervalSec} s`,
        'window s': usage.seconds,
        'runs seen': runs,
        'runs expected': Math.round(expected),
        'probes up': up,
        'RSS peak MiB': usage.rssPeakMiB,
        'RSS avg MiB': usage.rssAvgMiB,
        'CPU avg %': usage.cpuAvgPercent,
        'CPU µs / run': runs > 0 ? Math.round((usage.cpuSeconds * 1e6) / runs) : null,
        'hub CPU %': hubCpuPercent,
      },
    ]);
    writeJson('probes', {
      mode,
      params: p,
      warmupSec,
      usage,
      hubCpuPercent,
      runs,
      expectedRuns: expected,
      probesUp: up,
    });
    if (runs < expected * 0.9)
      throw new Error(`only ${runs} of about ${Math.round(expected)} probe runs were made`);
    if (up < p.probes) throw new Error(`${p.probes - up} probes are not up against a healthy server`);
  } finally {
    await agent?.cleanup();
    await hub?.cleanup();
    server.close();
  }
}
