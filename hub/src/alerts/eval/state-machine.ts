/**
 * One instance's step: inactive → pending → firing → resolved (→ inactive), with nodata and
 * error as active states like firing, `for` (pending until the condition held that long; a
 * pending instance whose condition stops holding is dropped without a word), `keepFiringFor`
 * (a firing instance stays firing that long after its condition cleared) and flapping (too many
 * firing/resolved changes within a window: one notice, then quiet until stable for the window).
 * @module
 */
import type { AlertInstanceState, AlertRuleSpec } from '@unity/shared';
import type { Verdict } from './condition.js';
import { type InstanceState, isActive } from './types.js';

/** What the verdict means for the state machine once the rule's no-data and error settings apply. */
export type Drive = {
  active: boolean;
  target: 'firing' | 'nodata' | 'error';
  raised: boolean;
  value: number | null;
};

type Settings = Pick<AlertRuleSpec, 'for' | 'keepFiringFor' | 'noDataState' | 'errorState' | 'flapping'>;

/** keep_last: the previous evaluation's result stands. */
function keepLast(prev: InstanceState | undefined): Drive {
  return {
    active: prev?.raised ?? false,
    target: prev && isActive(prev.state) ? (prev.state as Drive['target']) : 'firing',
    raised: prev?.raised ?? false,
    value: prev?.value ?? null,
  };
}

/** Applies noDataState / errorState; `missing` (the object is gone) never holds. */
export function drive(verdict: Verdict | 'missing', prev: InstanceState | undefined, rule: Settings): Drive {
  if (verdict === 'missing')
    return { active: false, target: 'firing', raised: false, value: prev?.value ?? null };
  switch (verdict.kind) {
    case 'holds':
      return { active: verdict.holds, target: 'firing', raised: verdict.holds, value: verdict.value };
    case 'nodata':
      switch (rule.noDataState) {
        case 'alerting':
          return { active: true, target: 'firing', raised: false, value: null };
        case 'nodata':
          return { active: true, target: 'nodata', raised: false, value: null };
        case 'ok':
          return { active: false, target: 'firing', raised: false, value: null };
        case 'keep_last':
          return keepLast(prev);
        default:
          return rule.noDataState satisfies never;
      }
    case 'error':
      switch (rule.errorState) {
        case 'alerting':
          return { active: true, target: 'firing', raised: false, value: null };
        case 'error':
          return { active: true, target: 'error', raised: false, value: null };
        case 'ok':
          return { active: false, target: 'firing', raised: false, value: null };
        case 'keep_last':
          return keepLast(prev);
        default:
          return rule.errorState satisfies never;
      }
    default:
      return verdict satisfies never;
  }
}

const NO_CHANGES: Step['changes'] = Object.freeze([]) as unknown as Step['changes'];

export type Step = {
  next: InstanceState;
  /** State changes in order (at most two: e.g. error → firing is one, inactive → firing one). */
  changes: { from: AlertInstanceState; to: AlertInstanceState }[];
  /** Entered (true) or left (false) flapping in this step; undefined when unchanged. */
  flapping?: boolean;
};

/** Advances `prev` (a fresh inactive instance for a new object) by one evaluation at `now`. */
export function step(prev: InstanceState, d: Drive, rule: Settings, now: number): Step {
  const next: InstanceState = { ...prev, value: d.value, lastEvalAt: now, raised: d.raised };
  const changes: Step['changes'] = prev.state === 'inactive' && !d.active ? NO_CHANGES : [];
  const cur = prev.state;
  if (d.active) {
    next.keepFiringUntil = null;
    if (cur === 'inactive') {
      next.activeSince = now;
      if (rule.for === 0) {
        next.state = d.target;
        next.firingSince = now;
      } else next.state = 'pending';
      changes.push({ from: 'inactive', to: next.state });
    } else if (cur === 'pending') {
      if (now - (prev.activeSince ?? now) >= rule.for * 1000) {
        next.state = d.target;
        next.firingSince = now;
        changes.push({ from: 'pending', to: d.target });
      }
    } else if (cur !== d.target) {
      next.state = d.target;
      changes.push({ from: cur, to: d.target });
    }
  } else if (cur === 'pending') {
    next.state = 'inactive';
    next.activeSince = null;
    changes.push({ from: 'pending', to: 'inactive' });
  } else if (isActive(cur)) {
    const until = prev.keepFiringUntil ?? now + rule.keepFiringFor * 1000;
    if (rule.keepFiringFor > 0 && now < until) next.keepFiringUntil = until;
    else {
      next.state = 'inactive';
      next.activeSince = null;
      next.firingSince = null;
      next.keepFiringUntil = null;
      changes.push({ from: cur, to: 'resolved' });
    }
  }
  const flapping = flap(prev, next, changes, rule, now);
  return flapping === undefined ? { next, changes } : { next, changes, flapping };
}

/** Flap bookkeeping: a flap is a start of firing or a resolve. */
function flap(
  prev: InstanceState,
  next: InstanceState,
  changes: Step['changes'],
  rule: Settings,
  now: number,
): boolean | undefined {
  if (!rule.flapping) {
    if (prev.flapTimes.length > 0) next.flapTimes = [];
    next.flappingSince = null;
    return prev.flappingSince === null ? undefined : false;
  }
  const windowMs = rule.flapping.windowSec * 1000;
  let flapped = false;
  for (const c of changes)
    if (c.to === 'resolved' || (isActive(c.to) && (c.from === 'pending' || c.from === 'inactive')))
      flapped = true;
  // Most steps change nothing here: keep the previous array (never mutated) instead of copying
  // it for every firing instance on every evaluation.
  const cutoff = now - windowMs;
  const stale = prev.flapTimes.length > 0 && (prev.flapTimes[0] as number) <= cutoff;
  if (stale) next.flapTimes = prev.flapTimes.filter((t) => t > cutoff);
  if (flapped) next.flapTimes = [...next.flapTimes, now];
  if (prev.flappingSince === null) {
    if (next.flapTimes.length < rule.flapping.changes) return undefined;
    next.flappingSince = now;
    return true;
  }
  if (next.flapTimes.length > 0) return undefined;
  next.flappingSince = null;
  return false;
}

/** A new object's starting point. */
export function freshInstance(
  fp: string,
  rule: { id: string; name: string; severity: InstanceState['severity'] },
  objectKey: string,
  labels: Record<string, string>,
  url: string,
): InstanceState {
  return {
    fingerprint: fp,
    ruleId: rule.id,
    ruleName: rule.name,
    severity: rule.severity,
    objectKey,
    labels,
    url,
    state: 'inactive',
    activeSince: null,
    firingSince: null,
    keepFiringUntil: null,
    value: null,
    vars: {},
    lastEvalAt: 0,
    raised: false,
    flapTimes: [],
    flappingSince: null,
  };
}
