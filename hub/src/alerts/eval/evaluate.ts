/**
 * One evaluation of every rule: observations and previous states in; new states, transitions
 * and the notifications for the router out. Pure (no database, no timers), so scenarios,
 * backtests and benchmarks run it in simulated time.
 *
 * The notifications are every instance currently firing plus every instance that resolved in
 * this evaluation. A flapping instance is reported as a separate alert with `flapping="true"` in
 * its labels (hence its own fingerprint): when it starts flapping, the plain alert resolves if it
 * was firing and the flapping one fires; it stays firing, whatever the condition does, until no
 * change happened for the flapping window; then it resolves and the plain alert fires again if
 * the condition still holds.
 * @module
 */
import type { NotifiedAlert, RuleRefCondition } from '@unity/shared';
import { annotate } from '../templates/annotate.js';
import { conditionVerdict, leafConditions, type Verdict } from './condition.js';
import { fingerprint } from './fingerprint.js';
import { drive, freshInstance, type Step, step } from './state-machine.js';
import {
  type EvalRule,
  type InstanceState,
  isActive,
  type Labels,
  type ObservedObject,
  type Outcome,
  type RuleData,
  type Transition,
} from './types.js';

export type EvalInput = {
  /** The enabled rules; instances of any other rule resolve and are removed. */
  rules: readonly EvalRule[];
  /** The source's answer per rule id; a rule without one is evaluated as an error. */
  data: ReadonlyMap<string, RuleData>;
  previous: readonly InstanceState[];
  now: number;
  /** Firing episodes per fingerprint in the 7 days before this evaluation (for the message). */
  firedCounts?: (fingerprint: string) => number;
};

export type EvalOutput = {
  /** Instances to keep (everything not inactive, and inactive ones with flapping history). */
  states: InstanceState[];
  /** Fingerprints of previous instances that are gone now. */
  removed: string[];
  transitions: Transition[];
  alerts: NotifiedAlert[];
};

/** Rules in an order where a referenced rule comes before the composites that use it. */
export function evaluationOrder(rules: readonly EvalRule[]): { order: EvalRule[]; cyclic: Set<string> } {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const refsOf = (r: EvalRule) =>
    r.condition.kind === 'composite'
      ? r.condition.conditions.filter((p): p is RuleRefCondition => p.kind === 'rule').map((p) => p.ruleId)
      : [];
  const order: EvalRule[] = [];
  const mark = new Map<string, 'visiting' | 'done'>();
  const cyclic = new Set<string>();
  const visit = (r: EvalRule, path: string[]) => {
    const m = mark.get(r.id);
    if (m === 'done') return;
    if (m === 'visiting') {
      for (const id of path.slice(path.indexOf(r.id))) cyclic.add(id);
      return;
    }
    mark.set(r.id, 'visiting');
    for (const id of refsOf(r)) {
      const dep = byId.get(id);
      if (dep) visit(dep, [...path, r.id]);
    }
    mark.set(r.id, 'done');
    order.push(r);
  };
  for (const r of rules) visit(r, []);
  return { order, cyclic };
}

const RULE_LEVEL: ObservedObject = { key: 'rule', labels: {}, url: '' };
/** Shared by every instance without template variables (most of them); frozen, never written. */
const NO_VARS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The objects and per-object outcomes of one rule. */
function observe(
  rule: EvalRule,
  data: RuleData | undefined,
  previous: Map<string, InstanceState>,
  cyclic: boolean,
): { object: ObservedObject; outcomes: (Outcome | undefined)[] }[] {
  const error = cyclic
    ? 'rule references form a cycle'
    : !data
      ? 'no data source answer'
      : 'error' in data
        ? data.error
        : undefined;
  if (error !== undefined || !data || 'error' in data) {
    const outcome: Outcome = { type: 'error', message: error ?? 'unknown error' };
    const leaves = leafConditions(rule.condition).length || 1;
    const objects: ObservedObject[] = [...previous.values()].map((p) => ({
      key: p.objectKey,
      labels: objectLabels(rule, p.labels),
      url: p.url,
      vars: p.vars,
    }));
    if (objects.length === 0 && (rule.errorState === 'alerting' || rule.errorState === 'error'))
      objects.push(RULE_LEVEL);
    return objects.map((object) => ({ object, outcomes: Array(leaves).fill(outcome) }));
  }
  if (rule.condition.kind !== 'composite')
    return (data.leaves[0] ?? []).map((o) => ({ object: o, outcomes: [o.outcome] }));
  const byKey = data.leaves.map((leaf) => new Map(leaf.map((o) => [o.key, o.outcome])));
  return data.objects.map((object) => ({ object, outcomes: byKey.map((m) => m.get(object.key)) }));
}

function sameLabels(a: Labels, b: Labels): boolean {
  let n = 0;
  for (const k in b) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in a) n--;
  return n === 0;
}

/** The identity labels minus the rule's own, i.e. the object's labels. */
function objectLabels(rule: EvalRule, labels: Labels): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) if (!(k in rule.labels)) out[k] = v;
  return out;
}

/** Rule-reference lookups over the instances computed so far in this evaluation. */
function refResolver(evaluated: Map<string, InstanceState[]>, cyclic: Set<string>) {
  const sameObject = new Map<string, Set<string>>();
  return (ref: RuleRefCondition, object: ObservedObject): Verdict => {
    if (cyclic.has(ref.ruleId)) return { kind: 'error', message: 'rule references form a cycle' };
    const instances = evaluated.get(ref.ruleId);
    if (!instances) return { kind: 'error', message: `rule ${ref.ruleId} is unknown or disabled` };
    const firing = instances.filter((i) => i.state === 'firing');
    let holds: boolean;
    if (ref.on === undefined) {
      let keys = sameObject.get(ref.ruleId);
      if (!keys) {
        keys = new Set(firing.map((i) => i.objectKey));
        sameObject.set(ref.ruleId, keys);
      }
      holds = keys.has(object.key);
    } else {
      const on = ref.on;
      holds = firing.some((i) => on.every((l) => (i.labels[l] ?? '') === (object.labels[l] ?? '')));
    }
    return { kind: 'holds', holds, value: null };
  };
}

export function evaluate(input: EvalInput): EvalOutput {
  const { now } = input;
  const prevByRule = new Map<string, Map<string, InstanceState>>();
  for (const p of input.previous) {
    const m = prevByRule.get(p.ruleId) ?? new Map<string, InstanceState>();
    prevByRule.set(p.ruleId, m);
    m.set(p.objectKey, p);
  }
  const out: EvalOutput = { states: [], removed: [], transitions: [], alerts: [] };
  const { order, cyclic } = evaluationOrder(input.rules);
  const evaluated = new Map<string, InstanceState[]>();
  const resolveRef = refResolver(evaluated, cyclic);
  const counts = input.firedCounts ?? (() => 0);

  const record = (rule: EvalRule, prev: InstanceState, s: Step) => {
    for (const c of s.changes)
      out.transitions.push({
        fingerprint: prev.fingerprint,
        ruleId: prev.ruleId,
        ruleName: rule.name,
        labels: s.next.labels,
        from: c.from,
        to: c.to,
        value: s.next.value,
        at: now,
      });
    notify(rule, prev, s, now, counts, out.alerts);
    const keep = s.next.state !== 'inactive' || s.next.flapTimes.length > 0 || s.next.flappingSince !== null;
    if (keep) out.states.push(s.next);
    else if (prev.lastEvalAt !== 0) out.removed.push(prev.fingerprint);
    return keep;
  };

  for (const rule of order) {
    const previous = prevByRule.get(rule.id) ?? new Map<string, InstanceState>();
    prevByRule.delete(rule.id);
    const current: InstanceState[] = [];
    const ruleLabels = Object.keys(rule.labels).length > 0;
    for (const { object, outcomes } of observe(
      rule,
      input.data.get(rule.id),
      previous,
      cyclic.has(rule.id),
    )) {
      const labels = ruleLabels ? { ...object.labels, ...rule.labels } : object.labels;
      // The previous instance of this object, unless its labels changed (then that one resolves
      // as gone and a new instance starts): comparing labels is cheaper than hashing them.
      const before = previous.get(object.key);
      const known = before !== undefined && sameLabels(before.labels, labels) ? before : undefined;
      if (known) previous.delete(object.key);
      const verdict = conditionVerdict(rule.condition, outcomes, known?.raised ?? false, object, resolveRef);
      const d = drive(verdict, known, rule);
      // Most objects are fine most of the time: nothing to track for them.
      if (!known && !d.active) continue;
      const prev = known ?? freshInstance(fingerprint(rule.id, labels), rule, object.key, labels, object.url);
      const s = step(prev, d, rule, now);
      s.next.ruleName = rule.name;
      s.next.severity = rule.severity;
      s.next.labels = labels;
      s.next.url = object.url;
      s.next.objectKey = object.key;
      const first = outcomes[0];
      s.next.vars =
        verdict.kind === 'error'
          ? { ...object.vars, error: verdict.message }
          : first?.type === 'value' && first.vars
            ? { ...object.vars, ...first.vars }
            : (object.vars ?? NO_VARS);
      if (record(rule, prev, s)) current.push(s.next);
    }
    // Objects no longer observed (removed containers, deleted hosts, a narrowed selector).
    for (const prev of previous.values()) {
      const s = step(prev, drive('missing', prev, rule), rule, now);
      if (record(rule, prev, s)) current.push(s.next);
    }
    evaluated.set(rule.id, current);
  }

  // Instances of deleted or disabled rules resolve now.
  for (const previous of prevByRule.values())
    for (const prev of previous.values()) {
      if (prev.flappingSince !== null) out.alerts.push(goneAlert(flappingTwin(prev), now));
      else if (isActive(prev.state)) out.alerts.push(goneAlert(prev, now));
      if (prev.state !== 'inactive')
        out.transitions.push({
          fingerprint: prev.fingerprint,
          ruleId: prev.ruleId,
          ruleName: prev.ruleName,
          labels: prev.labels,
          from: prev.state,
          to: isActive(prev.state) ? 'resolved' : 'inactive',
          value: prev.value,
          at: now,
        });
      out.removed.push(prev.fingerprint);
    }
  return out;
}

/** ISO times, memoized: the instances of a rule mostly share their start times. */
const isoCache = new Map<number, string>();
function iso(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    if (isoCache.size >= 4096) isoCache.clear();
    text = new Date(ms).toISOString();
    isoCache.set(ms, text);
  }
  return text;
}

/** The flapping alert's identity: the same labels plus flapping="true". */
function flappingTwin(i: InstanceState): InstanceState {
  const labels = { ...i.labels, flapping: 'true' };
  return { ...i, labels, fingerprint: fingerprint(i.ruleId, labels) };
}

/** A resolved notice for an instance whose rule was deleted or disabled. */
function goneAlert(i: InstanceState, now: number): NotifiedAlert {
  return {
    fingerprint: i.fingerprint,
    status: 'resolved',
    ruleId: i.ruleId,
    ruleName: i.ruleName,
    severity: i.severity,
    labels: { alertname: i.ruleName, severity: i.severity, ...i.labels },
    annotations: { summary: `${i.ruleName}: the rule was deleted or disabled` },
    value: i.value,
    startsAt: iso(i.flappingSince ?? i.firingSince ?? now),
    endsAt: iso(now),
    url: i.url,
  };
}

type Built = { i: InstanceState; status: 'firing' | 'resolved'; flapping: boolean };

/** The notifications one instance's step produces (see the module comment for flapping). */
function notify(
  rule: EvalRule,
  prev: InstanceState,
  s: Step,
  now: number,
  counts: (fp: string) => number,
  alerts: NotifiedAlert[],
): void {
  const next = s.next;
  const firing = isActive(next.state);
  let one: Built | undefined;
  let two: Built | undefined;
  if (s.flapping === true) {
    if (isActive(prev.state) && prev.flappingSince === null)
      one = { i: { ...next, state: prev.state }, status: 'resolved', flapping: false };
    two = { i: flappingTwin(next), status: 'firing', flapping: true };
  } else if (next.flappingSince !== null) {
    one = { i: flappingTwin(next), status: 'firing', flapping: true };
  } else if (s.flapping === false) {
    one = { i: flappingTwin({ ...prev, state: next.state }), status: 'resolved', flapping: true };
    if (firing) two = { i: next, status: 'firing', flapping: false };
  } else if (firing) {
    one = { i: next, status: 'firing', flapping: false };
  } else if (s.changes.length > 0 && s.changes[s.changes.length - 1]?.to === 'resolved') {
    one = { i: { ...next, firingSince: prev.firingSince }, status: 'resolved', flapping: false };
  }
  if (!one) return;
  let started = false;
  for (const c of s.changes)
    if (isActive(c.to) && (c.from === 'pending' || c.from === 'inactive')) started = true;
  const fired7d = counts(next.fingerprint) + (started ? 1 : 0);
  alerts.push(buildAlert(rule, one, prev, next, now, fired7d));
  if (two) alerts.push(buildAlert(rule, two, prev, next, now, fired7d));
}

/**
 * One notification. Its annotations are rendered when first read (an own enumerable getter, so
 * the alert still serializes, spreads and validates as a plain NotifiedAlert): every firing
 * instance is reported on every evaluation, but the router reads the text only of those it sends.
 */
function buildAlert(
  rule: EvalRule,
  b: Built,
  prev: InstanceState,
  next: InstanceState,
  now: number,
  fired7d: number,
): NotifiedAlert {
  const { i, status, flapping } = b;
  const since = flapping ? i.flappingSince : (next.firingSince ?? prev.firingSince);
  const labels: Labels = { alertname: rule.name, severity: rule.severity, ...i.labels };
  if (!flapping && status === 'firing' && (i.state === 'nodata' || i.state === 'error'))
    labels.alertstate = i.state;
  const value = next.value;
  let annotations: Record<string, string> | undefined;
  return {
    fingerprint: i.fingerprint,
    status,
    ruleId: rule.id,
    ruleName: rule.name,
    severity: rule.severity,
    labels,
    get annotations(): Record<string, string> {
      annotations ??= annotate({
        rule,
        labels: i.labels,
        url: i.url,
        value,
        state: status === 'resolved' ? 'resolved' : i.state,
        since,
        now,
        fired7d,
        flapping,
        vars: next.vars,
      });
      return annotations;
    },
    set annotations(v: Record<string, string>) {
      annotations = v;
    },
    value,
    startsAt: iso(since ?? now),
    endsAt: status === 'resolved' ? iso(now) : null,
    url: i.url,
  };
}
