/**
 * Alert scenarios in the manner of promtool's rule tests: input series per object, one value per
 * evaluation interval, run through the core in simulated time; the result lists what the router
 * would be told (new firing alerts and resolves) and every state change, with their times.
 *
 * Series notation, one token per interval starting at t = 0: a number; `_` no sample; `!` the
 * query failed; `VxN` the value V for N intervals (`0x3 95x6 _`).
 *
 * @example
 * runScenario({
 *   rules: [{ name: 'cpu', selector: { object: 'container' }, for: 30,
 *     condition: { kind: 'threshold', metric: 'cpu_percent', aggregation: 'last', windowSec: 60, op: '>', threshold: 90 } }],
 *   objects: { web: { cpu_percent: '0 95x6 0' } },
 * }).notices // ['30 web firing', '70 web resolved']
 * @module
 */
import { type AlertRuleSpecInput, AlertRuleSpecSchema, type NotifiedAlert } from '@unity/shared';
import { evaluate } from './evaluate.js';
import { type MemoryObject, memoryRuleData, type Point } from './memory-source.js';
import type { EvalRule, InstanceState, Transition } from './types.js';

/** Scenario time 0 (epoch ms): 2025-01-01T00:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1);

export type Scenario = {
  rules: (AlertRuleSpecInput & { id?: string })[];
  /** Seconds between evaluations (and between series tokens); 10 by default. */
  interval?: number;
  /** Containers (or hosts, with `hosts`) by name: series name → tokens (`value` for any). */
  objects: Record<string, Record<string, string>>;
  /** Objects that are hosts rather than containers. */
  hosts?: string[];
  /** Evaluations to run; by default as many as the longest series. */
  steps?: number;
  /** Times (s) before whose evaluation the hub "restarts": states go through JSON and back. */
  restartsAt?: number[];
  /** Firing episodes per fingerprint before the scenario (history in the message). */
  firedCounts?: (fingerprint: string) => number;
};

export type ScenarioResult = {
  /**
   * `<t> <object> firing|resolved` for each alert the router has not heard of yet, `[flapping]`
   * marked; `<t> <rule>/<object> …` when the scenario has several rules.
   */
  notices: string[];
  /** `<t> <object> <from>→<to>` for each state change. */
  changes: string[];
  /** Every evaluation's output, by time in seconds. */
  ticks: { t: number; alerts: NotifiedAlert[]; transitions: Transition[]; states: InstanceState[] }[];
};

/** Expands the series notation to one token per interval. */
export function expandSeries(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .flatMap((token) => {
      const m = /^(.+)x(\d+)$/.exec(token);
      return m?.[1] && m[2] ? Array<string>(Number(m[2])).fill(m[1]) : [token];
    });
}

function toPoints(tokens: string[], intervalMs: number): Point[] {
  const points: Point[] = [];
  tokens.forEach((tok, i) => {
    if (tok === '_') return;
    const v = tok === '!' ? 'error' : Number(tok);
    if (v !== 'error' && Number.isNaN(v)) throw new Error(`bad series token ${tok}`);
    points.push({ t: T0 + i * intervalMs, v });
  });
  return points;
}

const objectOf = (labels: Record<string, string>) => labels.container ?? labels.host ?? 'rule';

export function runScenario(s: Scenario): ScenarioResult {
  const intervalMs = (s.interval ?? 10) * 1000;
  const rules: EvalRule[] = s.rules.map((r, i) => ({
    ...AlertRuleSpecSchema.parse(r),
    id: r.id ?? `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
  }));
  let longest = 0;
  const objects = Object.entries(s.objects).map(([name, series]): MemoryObject => {
    const isHost = s.hosts?.includes(name) ?? false;
    const expanded = Object.entries(series).map(([k, text]) => [k, expandSeries(text)] as const);
    for (const [, tokens] of expanded) longest = Math.max(longest, tokens.length);
    return {
      kind: isHost ? 'host' : 'container',
      key: `${isHost ? 'host' : 'container'}:${name}`,
      labels: isHost ? { host: name } : ({ host: 'h1', container: name } as Record<string, string>),
      url: `http://hub.test/${isHost ? 'hosts' : 'containers'}/${name}`,
      series: Object.fromEntries(expanded.map(([k, tokens]) => [k, toPoints(tokens, intervalMs)])),
    };
  });
  const result: ScenarioResult = { notices: [], changes: [], ticks: [] };
  let states: InstanceState[] = [];
  const told = new Map<string, 'firing' | 'resolved'>();
  const names = new Map(rules.map((r) => [r.id, r.name]));
  const name = (ruleId: string, labels: Record<string, string>) =>
    rules.length > 1 ? `${names.get(ruleId)}/${objectOf(labels)}` : objectOf(labels);
  for (let i = 0; i < (s.steps ?? longest); i++) {
    const t = (i * intervalMs) / 1000;
    if (s.restartsAt?.includes(t)) states = JSON.parse(JSON.stringify(states)) as InstanceState[];
    const now = T0 + i * intervalMs;
    const data = new Map(rules.map((r) => [r.id, memoryRuleData(r, objects, now)]));
    const out = evaluate({
      rules,
      data,
      previous: states,
      now,
      ...(s.firedCounts ? { firedCounts: s.firedCounts } : {}),
    });
    states = out.states;
    result.ticks.push({ t, alerts: out.alerts, transitions: out.transitions, states: out.states });
    for (const a of out.alerts) {
      if (told.get(a.fingerprint) === a.status) continue;
      told.set(a.fingerprint, a.status);
      const flapping = a.labels.flapping === 'true' ? ' [flapping]' : '';
      result.notices.push(`${t} ${name(a.ruleId, a.labels)} ${a.status}${flapping}`);
    }
    for (const tr of out.transitions)
      result.changes.push(`${t} ${name(tr.ruleId, tr.labels)} ${tr.from}→${tr.to}`);
  }
  return result;
}
