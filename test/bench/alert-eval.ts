/**
 * Alert evaluation cost (issue 5's figure: 10,000 alert instances per tick in < 100 ms on one
 * core). The pure core (hub/src/alerts/eval) runs tick after tick over 10,000 instances: five
 * rules (threshold with hysteresis and `for`, status, absence, rate of change, composite) over
 * 2,000 containers each, values drifting so that a share fires, resolves and goes pending every
 * tick. Observations are built before each timed tick (that is the data source's work, measured
 * by its own queries); the timed part is evaluate(): states, transitions and notifications.
 * A second figure adds rendering the annotations of every notification, which the router only
 * does for the ones it sends. A second row is the worst case, an alert storm: one rule whose
 * 10,000 instances all fire on every tick (every instance tracked, stored and reported).
 *
 * Full: 60 ticks after 5 warm-up ticks. Smoke: 10 ticks after 3.
 * @module
 */
import type { AlertRuleSpecInput } from '@unity/shared';
import { AlertRuleSpecSchema } from '@unity/shared';
import { evaluate } from '../../hub/src/alerts/eval/evaluate.js';
import type { EvalRule, InstanceState, Observation, RuleData } from '../../hub/src/alerts/eval/types.js';
import { printTable, writeJson } from './report.js';

export type AlertBenchParams = { objects: number; warmup: number; ticks: number };
export const FULL: AlertBenchParams = { objects: 2000, warmup: 5, ticks: 60 };
export const SMOKE: AlertBenchParams = { objects: 2000, warmup: 3, ticks: 10 };

const TARGET_MS = 100;

const specs: AlertRuleSpecInput[] = [
  {
    name: 'cpu',
    selector: { object: 'container' },
    condition: { kind: 'threshold', metric: 'cpu_percent', op: '>', threshold: 80, clearThreshold: 70 },
    for: 30,
    flapping: { changes: 6, windowSec: 600 },
  },
  { name: 'down', selector: { object: 'container' }, condition: { kind: 'status', status: 'stopped' } },
  {
    name: 'quiet',
    selector: { object: 'container' },
    condition: { kind: 'absence', afterSec: 60 },
    keepFiringFor: 60,
  },
  {
    name: 'growth',
    selector: { object: 'container' },
    condition: { kind: 'rate_of_change', metric: 'memory_bytes', op: '>', percent: 20 },
    labels: { team: 'ops' },
  },
  {
    name: 'busy and unhealthy',
    selector: { object: 'container' },
    condition: {
      kind: 'composite',
      op: 'and',
      conditions: [
        { kind: 'threshold', metric: 'cpu_percent', op: '>', threshold: 60 },
        { kind: 'status', status: 'unhealthy' },
      ],
    },
  },
];

/** A small deterministic PRNG so runs are comparable. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function observations(objects: number, tick: number, cpu: Float64Array, random: () => number) {
  const base = (i: number) => ({
    key: `container:${i.toString(16).padStart(16, '0')}`,
    labels: { host: `host-${i % 50}`, container: `app-${i}`, compose_project: `stack-${i % 200}` },
    url: `http://hub.test/containers/${i}`,
  });
  const value = (i: number, v: number | null): Observation => ({
    ...base(i),
    outcome: { type: 'value', value: v },
  });
  const leaf = (f: (i: number) => Observation) => Array.from({ length: objects }, (_, i) => f(i));
  for (let i = 0; i < objects; i++)
    cpu[i] = Math.min(100, Math.max(0, (cpu[i] ?? 50) + (random() - 0.5) * 30));
  const cpuLeaf = leaf((i) => value(i, cpu[i] ?? 0));
  const leaves: Observation[][][] = [
    [cpuLeaf],
    [leaf((i) => value(i, (i + tick) % 97 === 0 ? 1 : 0))],
    [leaf((i) => value(i, i % 50 === 0 ? 120 : 10))],
    [leaf((i) => value(i, random() < 0.1 ? 30 : 2))],
    [cpuLeaf, leaf((i) => value(i, i % 3 === 0 ? 1 : 0))],
  ];
  return leaves.map((l): RuleData => ({ objects: l[0] ?? [], leaves: l }));
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
};
const round = (v: number) => Math.round(v * 10) / 10;

type Scenario = {
  label: string;
  specs: AlertRuleSpecInput[];
  objects: number;
  data: (tick: number) => RuleData[];
};

function mixed(p: AlertBenchParams): Scenario {
  const random = prng(42);
  const cpu = new Float64Array(p.objects);
  return {
    label: `mixed, ${specs.length} rules × ${p.objects}`,
    specs,
    objects: p.objects,
    data: (tick) => observations(p.objects, tick, cpu, random),
  };
}

function storm(): Scenario {
  const n = 10_000;
  const random = prng(7);
  return {
    label: `storm, 1 rule × ${n}, all firing`,
    specs: [specs[0] as AlertRuleSpecInput],
    objects: n,
    data: () => {
      const leaf = Array.from(
        { length: n },
        (_, i): Observation => ({
          key: `container:${i.toString(16).padStart(16, '0')}`,
          labels: { host: `host-${i % 50}`, container: `app-${i}`, compose_project: `stack-${i % 200}` },
          url: `http://hub.test/containers/${i}`,
          outcome: { type: 'value', value: 90 + random() * 10 },
        }),
      );
      return [{ objects: leaf, leaves: [leaf] }];
    },
  };
}

export async function alertEvalBench(p: AlertBenchParams, mode: string): Promise<void> {
  const rows = [run(mixed(p), p), run(storm(), p)];
  printTable(
    `Alert evaluation (${mode})`,
    rows.map((r) => r.row),
  );
  writeJson('alerts', { mode, params: p, targetMs: TARGET_MS, runs: rows });
}

function run(sc: Scenario, p: AlertBenchParams) {
  const rules: EvalRule[] = sc.specs.map((s, i) => ({
    ...AlertRuleSpecSchema.parse(s),
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
  }));
  let states: InstanceState[] = [];
  const wall: number[] = [];
  const cpuMs: number[] = [];
  const withText: number[] = [];
  let instances = 0;
  let alerts = 0;
  let transitions = 0;
  const t0 = Date.UTC(2025, 0, 1);
  for (let tick = 0; tick < p.warmup + p.ticks; tick++) {
    const perRule = sc.data(tick);
    const data = new Map(rules.map((r, i) => [r.id, perRule[i] as RuleData]));
    const now = t0 + tick * 10_000;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const out = evaluate({ rules, data, previous: states, now, firedCounts: () => 2 });
    const w1 = performance.now();
    const c1 = process.cpuUsage(c0);
    for (const a of out.alerts) void a.annotations.summary;
    const w2 = performance.now();
    states = out.states;
    if (tick < p.warmup) continue;
    wall.push(w1 - w0);
    cpuMs.push((c1.user + c1.system) / 1000);
    withText.push(w2 - w0);
    instances = sc.objects * rules.length;
    alerts += out.alerts.length;
    transitions += out.transitions.length;
  }
  const median = percentile(wall, 0.5);
  const row = {
    measure: `${instances.toLocaleString('en')} instances (${sc.label})`,
    ticks: p.ticks,
    'median ms': round(median),
    'p95 ms': round(percentile(wall, 0.95)),
    'max ms': round(Math.max(...wall)),
    'CPU median ms': round(percentile(cpuMs, 0.5)),
    'with all texts ms': round(percentile(withText, 0.5)),
    'alerts/tick': Math.round(alerts / p.ticks),
    'transitions/tick': Math.round(transitions / p.ticks),
    [`< ${TARGET_MS} ms`]: median < TARGET_MS ? 'yes' : 'no',
  };
  return { row, wallMs: wall, cpuMs, withTextMs: withText };
}
