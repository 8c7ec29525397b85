/**
 * `npm run bench`: the figures of issue 2's closing note. Not timed tests: they print a table
 * and write JSON to test-results/bench-*.json. `--smoke` is the short version CI runs (about
 * 20 s) so the benchmark code itself cannot rot; it skips the clone-to-UI measurement.
 *
 *   npm run bench                 full: hub idle 30 s, agent 20 containers at 10 s for 2 min, clone to UI
 *   npm run bench -- --smoke      smoke
 *   npm run bench -- --only=clone one part: runtime, ingest, logs, notify, alerts or clone
 *
 * The ingest benchmark (issue 4, ingest/ingest.ts) runs only with `--only=ingest` in full mode
 * (several minutes: 1000 agents, then step-up to the breaking point); `--smoke` includes its
 * 10-agent, 20-second version, which fails the run if a batch was lost or duplicated. The
 * notification outbox benchmark (issue 6, notify.ts) runs in both modes.
 *
 * The log follow benchmark (logs-follow.ts) measures container → WebSocket client lines/s and
 * lag; `--smoke` runs 4 s at 20,000 lines/s and fails if a line was lost or reordered.
 *
 * The alert evaluation benchmark (issue 5, alert-eval.ts) runs with `--only=alerts` (full: 60
 * ticks of 10,000 instances) and in `--smoke` (10 ticks, a few seconds).
 * @module
 */
import { parseArgs } from 'node:util';
import { FULL as ALERTS_FULL, SMOKE as ALERTS_SMOKE, alertEvalBench } from './alert-eval.js';
import { cloneToUiBench } from './clone-to-ui.js';
import { FULL as INGEST_FULL, SMOKE as INGEST_SMOKE, ingestBench } from './ingest/ingest.js';
import { FULL as LOGS_FULL, SMOKE as LOGS_SMOKE, logsFollowBench } from './logs-follow.js';
import { FULL as NOTIFY_FULL, SMOKE as NOTIFY_SMOKE, notifyBench } from './notify.js';
import { FULL, runtimeBench, SMOKE } from './runtime.js';

const { values } = parseArgs({
  options: { smoke: { type: 'boolean', default: false }, only: { type: 'string' } },
  strict: true,
});
const smoke = values.smoke === true;
const only = values.only;
const mode = smoke ? 'smoke' : 'full';
const t0 = performance.now();

try {
  if (!only || only === 'runtime') await runtimeBench(smoke ? SMOKE : FULL, mode);
  if (only === 'ingest' || (smoke && !only)) await ingestBench(smoke ? INGEST_SMOKE : INGEST_FULL, mode);
  if (!only || only === 'logs') await logsFollowBench(smoke ? LOGS_SMOKE : LOGS_FULL, mode);
  if (!only || only === 'notify') await notifyBench(smoke ? NOTIFY_SMOKE : NOTIFY_FULL, mode);
  if (only === 'alerts' || (smoke && !only)) await alertEvalBench(smoke ? ALERTS_SMOKE : ALERTS_FULL, mode);
  if (!only || only === 'clone') {
    if (smoke && only !== 'clone')
      console.log('\nClone to UI: skipped in smoke mode (run `npm run bench` for it)');
    else await cloneToUiBench();
  }
  console.log(`\nbench ${mode}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`\nbench ${mode} failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
