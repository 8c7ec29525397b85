/**
 * Log follow throughput, container → WebSocket client: a busybox container writes numbered lines
 * at a target rate (bursts every 50 ms), a real agent follows it through a real Podman engine,
 * and a WebSocket client of the hub's follow endpoint receives them. Reported: lines/s written
 * and received, every line present in order, and the lag from write to receipt. The container
 * stamps each burst with the host's /proc/uptime (shared across namespaces, 10 ms resolution;
 * busybox `date` has no sub-second format), which this process reads too.
 *
 * Runs: a 20,000 lines/s target (the bar: ≥ 20,000 lines/s with < 1 s lag), and in full
 * mode also an unthrottled flood to find the ceiling.
 * @module
 */
import { readFileSync } from 'node:fs';
import { shippedAgent } from '../lib/agent.js';
import { LogFollowClient } from '../lib/log-follow.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';
import { printTable, type Row, writeJson } from './report.js';

export type LogsBenchOptions = { runs: { label: string; linesPerSec: number | 'flood'; seconds: number }[] };

export const SMOKE: LogsBenchOptions = { runs: [{ label: '20k/s target', linesPerSec: 20_000, seconds: 3 }] };
export const FULL: LogsBenchOptions = {
  runs: [
    { label: '20k/s target', linesPerSec: 20_000, seconds: 15 },
    { label: 'flood', linesPerSec: 'flood', seconds: 10 },
  ],
};

const uptimeMs = (): number => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;

/**
 * busybox sh writing `total` lines `b n=<i> up=<uptime>` in bursts of rate/20 paced by the
 * host's uptime (centiseconds): a burst is due every 5 cs; a writer that falls behind does not
 * sleep. `flood` writes as fast as the shell can.
 */
function script(rate: number | 'flood', seconds: number, delay: number): { sh: string; total: number } {
  const burst = rate === 'flood' ? 5000 : Math.max(1, Math.round(rate / 20));
  const total = rate === 'flood' ? 400_000 : rate * seconds;
  // Shell parameter expansions, not template placeholders.
  const pace =
    rate === 'flood'
      ? ''
      : // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
        'next=$((next+5)); while :; do read u _ < /proc/uptime; now=${u%.*}${u#*.}; [ $now -ge $next ] && break; usleep 5000; done;';
  return {
    total,
    sh: `sleep ${delay}; read u _ < /proc/uptime; next=\${u%.*}\${u#*.}; i=0; while [ $i -lt ${total} ]; do read up _ < /proc/uptime; j=0; while [ $j -lt ${burst} ] && [ $i -lt ${total} ]; do echo "b n=$i up=$up"; i=$((i+1)); j=$((j+1)); done; ${pace} done; echo "b done"; sleep 3600`,
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);

async function runOne(stack: Stack, hostId: string, run: LogsBenchOptions['runs'][number]): Promise<Row> {
  const engine = stack.engine;
  if (!engine) throw new Error('no engine');
  const name = `flow-${run.label.replace(/\W+/g, '')}`;
  const { sh, total } = script(run.linesPerSec, run.seconds, 4);
  const since = Date.now() - 1000;
  await engine.run({ name, command: ['sh', '-c', sh] });
  const container = await waitFor(
    async () => {
      const c = (await stack.api.containers(hostId)).find(
        (x) => x.name.replace(/^\//, '') === engine.fullName(name),
      );
      if (!c) throw new NotYet('not listed');
      return c;
    },
    { timeoutMs: 20_000, what: `${name} listed` },
  );
  const client = await LogFollowClient.open(
    stack.hub.url,
    container.id,
    { since: String(since), tail: '0' },
    stack.api.sessionCookie,
  );
  if (!(client instanceof LogFollowClient))
    throw new Error(`follow refused: ${client.status} ${client.body}`);
  // Date.now() → host uptime, to compare with the containers' stamps.
  const offset = uptimeMs() - Date.now();
  try {
    await waitFor(
      async () => {
        if (client.closed) throw new Error(`follow closed: ${client.ended}`);
        if (client.lines.at(-1)?.line !== 'b done') throw new NotYet(`${client.lines.length} of ${total}`);
        return true;
      },
      { timeoutMs: (run.seconds + 60) * 1000, what: `all ${total} lines` },
    );
  } finally {
    client.close();
    await engine.remove(name).catch(() => undefined);
  }
  let inOrder = 0;
  let received = 0;
  let firstGap: string | null = null;
  // A line that is not one the container wrote (cut, joined or garbled on the way), kept so a
  // failed run says what arrived instead of only that a number was missing.
  let malformed = 0;
  let firstMalformed: string | null = null;
  let firstWrite = Number.POSITIVE_INFINITY;
  let lastWrite = 0;
  const lags: number[] = [];
  const re = /^b n=(\d+) up=([\d.]+)$/;
  for (let i = 0; i < client.lines.length; i++) {
    const m = re.exec(client.lines[i]?.line ?? '');
    if (!m) {
      if (client.lines[i]?.line === 'b done') continue;
      malformed++;
      firstMalformed ??= JSON.stringify(client.lines[i]?.line ?? null).slice(0, 200);
      continue;
    }
    received++;
    if (Number(m[1]) === inOrder) inOrder++;
    else firstGap ??= `expected n=${inOrder}, got n=${m[1]}`;
    const written = Number(m[2]) * 1000;
    firstWrite = Math.min(firstWrite, written);
    lastWrite = Math.max(lastWrite, written);
    lags.push((client.receivedAt[i] ?? 0) + offset - written);
  }
  const firstRecv = client.receivedAt[0] ?? 0;
  const lastRecv = client.receivedAt.at(-1) ?? 0;
  lags.sort((a, b) => a - b);
  // Bursts are stamped at their start; 10 ms resolution; so lags under ~60 ms are noise.
  return {
    run: run.label,
    lines: total,
    complete: inOrder === total,
    received,
    firstGap,
    malformed,
    firstMalformed,
    writtenPerSec: Math.round(total / Math.max(0.001, (lastWrite - firstWrite) / 1000)),
    receivedPerSec: Math.round(total / Math.max(0.001, (lastRecv - firstRecv) / 1000)),
    lagP50Ms: Math.round(percentile(lags, 0.5)),
    lagP99Ms: Math.round(percentile(lags, 0.99)),
    lagMaxMs: Math.round(lags.at(-1) ?? 0),
  };
}

export async function logsFollowBench(options: LogsBenchOptions, mode: string): Promise<Row[]> {
  const stack = await startStack({ name: 'bench-logs', withPodman: true });
  try {
    const agent = await stack.startAgent(shippedAgent());
    const host = await waitForHostOnline(stack.api, agent, 30_000);
    const rows: Row[] = [];
    for (const run of options.runs) rows.push(await runOne(stack, host.id, run));
    printTable(`Log follow, container → WebSocket client (${mode})`, rows);
    console.log(`  results: ${writeJson('logs-follow', { mode, rows })}`);
    for (const r of rows) if (!r.complete) throw new Error(`${r.run}: lines were lost or reordered`);
    return rows;
  } finally {
    await stack.cleanup();
  }
}
