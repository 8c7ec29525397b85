/**
 * Runtime figures: the hub's resident memory when idle on PGlite, then the agent's memory and
 * CPU while it watches N busybox containers on a real Podman engine at a fixed interval.
 * Full: 30 s idle, 100 containers at 10 s for 5 minutes after a minute's warm-up (issue 3's
 * figure: CPU per collected container sample and RSS). Five minutes, because the RSS of a
 * running agent moves with V8's collections of its old generation, minutes apart: a shorter
 * window saw the start and missed a creep. Smoke: 2 s idle, 3 containers, 2 samples at 2 s.
 * @module
 */
import { type AgentProcess, shippedAgent, startAgent } from '../lib/agent.js';
import { ApiClient } from '../lib/api.js';
import { type HubProcess, startHub } from '../lib/hub.js';
import { type PodmanEngine, startPodman } from '../lib/podman.js';
import { waitForHostOnline } from '../lib/stack.js';
import { NotYet, sleep, waitFor } from '../lib/wait.js';
import { rssBytes, sampleUsage, type Usage } from './proc-sampler.js';
import { printTable, writeJson } from './report.js';

export type RuntimeParams = {
  idleSec: number;
  containers: number;
  intervalSec: number;
  samples: number;
  /** Running before the window opens: past start-up's compiles and the first minute's refreshes. */
  warmupSec: number;
};

export const FULL: RuntimeParams = {
  idleSec: Number(process.env.BENCH_RUNTIME_IDLE_SEC ?? 30),
  containers: Number(process.env.BENCH_RUNTIME_CONTAINERS ?? 100),
  intervalSec: 10,
  samples: Number(process.env.BENCH_RUNTIME_SAMPLES ?? 30),
  warmupSec: 60,
};
export const SMOKE: RuntimeParams = { idleSec: 2, containers: 3, intervalSec: 2, samples: 2, warmupSec: 0 };

export async function runtimeBench(p: RuntimeParams, mode: string): Promise<void> {
  let hub: HubProcess | undefined;
  let engine: PodmanEngine | undefined;
  let agent: AgentProcess | undefined;
  try {
    const interval = String(p.intervalSec * 1000);
    const t0 = performance.now();
    hub = await startHub({
      name: 'bench',
      // Ready time and RSS of a first start, as a user's: initdb and every migration included.
      seed: false,
      env: {
        UNITY_HOST_INTERVAL_MS: interval,
        UNITY_CONTAINER_INTERVAL_MS: interval,
        // The hub's default, not the tests' 10 s: it sets how often the hub pings a quiet agent.
        UNITY_AGENT_OFFLINE_AFTER_MS: '30000',
        LOG_LEVEL: 'warn',
      },
    });
    const hubReadySec = (performance.now() - t0) / 1000;
    const rssAtReady = rssBytes(hub.pid) / 2 ** 20;
    const hubIdle = await sampleUsage(hub.pid, p.idleSec * 1000);
    const hubRows = [
      {
        measure: `hub idle on PGlite (${p.idleSec} s after ready)`,
        'ready s': Math.round(hubReadySec * 10) / 10,
        'RSS at ready MiB': Math.round(rssAtReady * 10) / 10,
        'RSS after idle MiB': hubIdle.rssLastMiB,
        'RSS peak MiB': hubIdle.rssPeakMiB,
        'RSS avg MiB': hubIdle.rssAvgMiB,
        'CPU avg %': hubIdle.cpuAvgPercent,
      },
    ];
    printTable(`Hub (${mode})`, hubRows);
    writeJson('hub', { mode, params: p, hubReadySec, rssAtReadyMiB: rssAtReady, idle: hubIdle });

    engine = await startPodman('bench');
    for (let i = 0; i < p.containers; i++) await engine.run({ name: `c${i}` });
    const api = await ApiClient.login(hub.url);
    const token = await api.createEnrollmentToken({ ttlSec: 600 });
    const shipped = shippedAgent();
    const bundled = shipped.entry !== undefined;
    agent = startAgent({
      name: 'bench',
      hubUrl: hub.url,
      token: token.token,
      dockerHost: engine.dockerHost,
      hostInterval: `${p.intervalSec}s`,
      env: { LOG_LEVEL: 'warn' },
      ...shipped,
    });
    const host = await waitForHostOnline(api, agent, 60_000);
    // Measure the steady state: from the first tick that reports every container.
    await waitFor(
      async () => {
        const n = (await api.containers(host.id)).filter((c) => c.memoryBytes !== null).length;
        if (n < p.containers) throw new NotYet(`${n} containers with stats`);
        return true;
      },
      { timeoutMs: 60_000, what: `${p.containers} containers with stats` },
    );
    // The steady state is what the figure is about: a minute in, the agent has compiled what a
    // tick runs and refreshed its listing and inventory once, as it then does every minute.
    await sleep(p.warmupSec * 1000);
    const usage: Usage = await sampleUsage(agent.pid, p.samples * p.intervalSec * 1000);
    const hubLoaded = rssBytes(hub.pid) / 2 ** 20;
    // Every tick samples every container once (inventory + one-shot stats); host metrics ride along.
    const containerSamples = p.containers * (usage.seconds / p.intervalSec);
    // The threads' exact on-CPU time where the kernel keeps it (schedstat, ns); the process's
    // clock ticks (10 ms each, ~10 of them in a window) otherwise.
    const { main, libuv, v8, other } = usage.threads;
    const exact = main + libuv + v8 + other;
    const usPerSample = Math.round(((exact > 0 ? exact : usage.cpuSeconds) * 1e6) / containerSamples);
    // Where that CPU went, per kind of thread, in the same unit.
    const us = (s: number) => Math.round((s * 1e6) / containerSamples);
    const agentRows = [
      {
        measure: `agent, ${p.containers} containers, ${p.intervalSec} s interval`,
        runs: bundled ? 'bundle' : 'tsx (no bundle built)',
        'window s': usage.seconds,
        'RSS peak MiB': usage.rssPeakMiB,
        'RSS avg MiB': usage.rssAvgMiB,
        'RSS at end MiB': usage.rssLastMiB,
        'CPU avg %': usage.cpuAvgPercent,
        'CPU µs / container sample': usPerSample,
        'of which main / threadpool / V8 / other': `${us(usage.threads.main)} / ${us(usage.threads.libuv)} / ${us(usage.threads.v8)} / ${us(usage.threads.other)}`,
      },
    ];
    printTable(`Agent (${mode})`, agentRows);
    // The agent runs on the Node that runs the bench (process.execPath): the machine's own Node 20
    // gives other figures than the Node 24 an install runs (docs/architecture.md, seventh round).
    console.log(`  agent on Node ${process.version}`);
    console.log(`  hub RSS with the agent connected: ${hubLoaded.toFixed(1)} MiB`);
    writeJson('agent', {
      mode,
      params: p,
      agentEntry: bundled ? 'agent/dist/unity-agent.mjs' : 'agent/src/main.ts via tsx',
      nodeVersion: process.version,
      usage,
      cpuMicrosPerContainerSample: usPerSample,
      hubRssWithAgentMiB: hubLoaded,
    });
  } finally {
    await agent?.cleanup();
    await hub?.cleanup();
    await engine?.cleanup();
  }
  await sleep(0);
}
