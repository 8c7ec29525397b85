/**
 * `npm run bench`: the figures of issue 2's closing note. Not timed tests: they print a table
 * and write JSON to test-results/bench-*.json. `--smoke` is the short version CI runs (about
 * two minutes, each part's time printed after it) so the benchmark code itself cannot rot; it
 * skips the clone-to-UI measurement.
 *
 *   npm run bench                 full: hub idle 30 s, agent 20 containers at 10 s for 2 min, clone to UI
 *   npm run bench -- --smoke      smoke
 *   npm run bench -- --only=clone one part: runtime, ingest, logs, notify, alerts, alert-notify,
 *                                      sessions, probes, signin, status, k8s or clone
 *
 * The ingest benchmark (issue 4, ingest/ingest.ts) runs only with `--only=ingest` in full mode
 * (several minutes: 1000 agents, then step-up to the breaking point); `--smoke` includes its
 * 10-agent, 8-second version, which fails the run if a batch was lost or duplicated. The
 * notification outbox benchmark (issue 6, notify.ts) runs in both modes.
 *
 * The log follow benchmark (logs-follow.ts) measures container → WebSocket client lines/s and
 * lag; `--smoke` runs 3 s at 20,000 lines/s and fails if a line was lost or reordered.
 *
 * The alert evaluation benchmark (issue 5, alert-eval.ts) runs with `--only=alerts` (full: 60
 * ticks of 10,000 instances) and in `--smoke` (10 ticks, a few seconds). With it, and alone with
 * `--only=alert-notify`, the end-to-end latency from a condition becoming true to the webhook
 * delivered (alert-notify.ts; full: 40 containers, smoke: 5, each about 2.5 s).
 *
 * The session check benchmark (issue 8, sessions.ts) measures µs per request of the session
 * check with the PostgreSQL (PGlite and server) and Redis stores; `--only=sessions`, and in
 * `--smoke` (500 checks each).
 *
 * The probes benchmark (issue 7, probes.ts) runs one bundled agent with 1,000 HTTP probes at
 * 20 s against a local server (`--only=probes`); `--smoke` runs 50 probes at 10 s.
 *
 * The sign-in benchmark (issue 8, sign-in.ts) runs in both modes (`--only=signin`): waves of 20
 * concurrent argon2id sign-ins, p99 latency, and the per-request cost of the identity check.
 *
 * The status page benchmark (issue 7, status-page.ts) runs in both modes (`--only=status`): a
 * public status page of 10 probes with 90 days of results, its JSON and a probe badge, each read
 * by 200 concurrent viewers; p50/p99 latency and requests/s. Smoke: 3 s per target.
 *
 * The Kubernetes benchmark (issue 10, k8s.ts) runs in both modes (`--only=k8s`): the agent bundle
 * watching 5,000 pods on the loopback API server (RSS ≤ 150 MB) and pod phase change → hub API
 * latency (p99 < 2 s). Smoke: 200 pods, 5 changes.
 * @module
 */
import { parseArgs } from 'node:util';
import { FULL as ALERTS_FULL, SMOKE as ALERTS_SMOKE, alertEvalBench } from './alert-eval.js';
import { FULL as ALERT_NOTIFY_FULL, SMOKE as ALERT_NOTIFY_SMOKE, alertNotifyBench } from './alert-notify.js';
import { cloneToUiBench } from './clone-to-ui.js';
import { FULL as INGEST_FULL, SMOKE as INGEST_SMOKE, ingestBench } from './ingest/ingest.js';
import { FULL as K8S_FULL, SMOKE as K8S_SMOKE, k8sBench } from './k8s.js';
import { FULL as LOGS_FULL, SMOKE as LOGS_SMOKE, logsFollowBench } from './logs-follow.js';
import { FULL as NOTIFY_FULL, SMOKE as NOTIFY_SMOKE, notifyBench } from './notify.js';
import { FULL as PROBES_FULL, SMOKE as PROBES_SMOKE, probesBench } from './probes.js';
import { FULL, runtimeBench, SMOKE } from './runtime.js';
import { FULL as SESSIONS_FULL, SMOKE as SESSIONS_SMOKE, sessionsBench } from './sessions.js';
import { FULL as SIGNIN_FULL, SMOKE as SIGNIN_SMOKE, signInBench } from './sign-in.js';
import { FULL as STATUS_FULL, SMOKE as STATUS_SMOKE, statusPageBench } from './status-page.js';

const { values } = parseArgs({
  options: { smoke: { type: 'boolean', default: false }, only: { type: 'string' } },
  strict: true,
});
const smoke = values.smoke === true;
const only = values.only;
const mode = smoke ? 'smoke' : 'full';
const t0 = performance.now();

/** Runs one benchmark when selected and says how long it took, so a slow smoke is easy to trim. */
async function part(name: string, selected: boolean, run: () => Promise<unknown>): Promise<void> {
  if (!selected) return;
  const started = performance.now();
  await run();
  console.log(`  (${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

try {
  // Two chains. In the smoke (every part, seconds each) they run side by side: the first chain
  // mostly waits (probe intervals, container samples, alert timers) while the second works the
  // CPU, and CI is short of wall time, not of correctness checks. A full run (or --only) is one
  // chain after the other, so no figure is measured beside another benchmark.
  const waiting = async () => {
    await part('runtime', !only || only === 'runtime', () => runtimeBench(smoke ? SMOKE : FULL, mode));
    await part('alert-notify', only === 'alerts' || only === 'alert-notify' || (smoke && !only), () =>
      alertNotifyBench(smoke ? ALERT_NOTIFY_SMOKE : ALERT_NOTIFY_FULL, mode),
    );
    await part('probes', !only || only === 'probes', () =>
      probesBench(smoke ? PROBES_SMOKE : PROBES_FULL, mode),
    );
    await part('k8s', !only || only === 'k8s', () => k8sBench(smoke ? K8S_SMOKE : K8S_FULL, mode));
  };
  const working = async () => {
    await part('ingest', only === 'ingest' || (smoke && !only), () =>
      ingestBench(smoke ? INGEST_SMOKE : INGEST_FULL, mode),
    );
    await part('logs', !only || only === 'logs', () => logsFollowBench(smoke ? LOGS_SMOKE : LOGS_FULL, mode));
    await part('notify', !only || only === 'notify', () =>
      notifyBench(smoke ? NOTIFY_SMOKE : NOTIFY_FULL, mode),
    );
    await part('alerts', only === 'alerts' || (smoke && !only), () =>
      alertEvalBench(smoke ? ALERTS_SMOKE : ALERTS_FULL, mode),
    );
    await part('sessions', !only || only === 'sessions', () =>
      sessionsBench(smoke ? SESSIONS_SMOKE : SESSIONS_FULL, mode),
    );
    await part('signin', !only || only === 'signin', () =>
      signInBench(smoke ? SIGNIN_SMOKE : SIGNIN_FULL, mode),
    );
    await part('status', !only || only === 'status', () =>
      statusPageBench(smoke ? STATUS_SMOKE : STATUS_FULL, mode),
    );
  };
  if (smoke && !only) await Promise.all([waiting(), working()]);
  else {
    await waiting();
    await working();
  }
  if (!only || only === 'clone') {
    if (smoke && only !== 'clone')
      console.log('\nClone to UI: skipped in smoke mode (run `npm run bench` for it)');
    else await part('clone', true, () => cloneToUiBench());
  }
  console.log(`\nbench ${mode}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`\nbench ${mode} failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
