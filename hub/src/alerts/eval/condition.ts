/**
 * Whether a condition holds for one object, given what the source observed: the comparison of
 * each kind (with hysteresis for thresholds), and the three-valued logic of composites, where
 * no data and errors propagate unless the result is decided without them.
 * @module
 */
import type {
  AlertCondition,
  CompareOp,
  CompositeCondition,
  LeafCondition,
  RuleRefCondition,
} from '@unity/shared';
import type { ObservedObject, Outcome } from './types.js';

export type Verdict =
  | { kind: 'holds'; holds: boolean; value: number | null }
  | { kind: 'nodata' }
  | { kind: 'error'; message: string };

const NODATA: Verdict = { kind: 'nodata' };

/** The inline conditions the source must observe: the rule's condition, or a composite's parts. */
export function leafConditions(c: AlertCondition): LeafCondition[] {
  if (c.kind !== 'composite') return [c];
  return c.conditions.filter((p): p is LeafCondition => p.kind !== 'rule');
}

export function compare(op: CompareOp, value: number, limit: number): boolean {
  switch (op) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    default:
      return op satisfies never;
  }
}

/** One leaf condition against its outcome; `raised` = it held at the previous evaluation. */
export function leafVerdict(c: LeafCondition, outcome: Outcome | undefined, raised: boolean): Verdict {
  if (!outcome || outcome.type === 'nodata') return NODATA;
  if (outcome.type === 'error') return { kind: 'error', message: outcome.message };
  const v = outcome.value;
  let h: boolean;
  switch (c.kind) {
    case 'absence':
      h = v === null || v >= c.afterSec;
      break;
    case 'status':
      if (v === null) return NODATA;
      h = v >= (c.status === 'restarting' ? c.restarts : 1);
      break;
    case 'threshold':
      if (v === null) return NODATA;
      h = compare(c.op, v, raised && c.clearThreshold !== undefined ? c.clearThreshold : c.threshold);
      break;
    case 'rate_of_change':
      if (v === null) return NODATA;
      h = compare(c.op, v, c.percent);
      break;
    case 'anomaly': {
      const s = outcome.scores;
      if (!s) return NODATA;
      const up = s.short >= c.sensitivity && s.last >= c.sensitivity;
      const down = s.short <= -c.sensitivity && s.last <= -c.sensitivity;
      h = c.direction === 'up' ? up : c.direction === 'down' ? down : up || down;
      break;
    }
    case 'log_pattern':
      if (v === null) return NODATA;
      h = v >= c.threshold;
      break;
    default:
      return c satisfies never;
  }
  return { kind: 'holds', holds: h, value: v };
}

/** Answers a rule reference for an object: held (true/false) or an error (unknown rule, cycle). */
export type RefResolver = (ref: RuleRefCondition, object: ObservedObject) => Verdict;

/**
 * A whole condition for one object. `outcomes` are aligned with `leafConditions(condition)`.
 * and: false wins, then error, then no data; or: true wins, then error, then no data; not
 * inverts a decided value. The value reported is the first part's value.
 */
export function conditionVerdict(
  c: AlertCondition,
  outcomes: (Outcome | undefined)[],
  raised: boolean,
  object: ObservedObject,
  resolveRef: RefResolver,
): Verdict {
  if (c.kind !== 'composite') return leafVerdict(c, outcomes[0], raised);
  return compositeVerdict(c, outcomes, raised, object, resolveRef);
}

function compositeVerdict(
  c: CompositeCondition,
  outcomes: (Outcome | undefined)[],
  raised: boolean,
  object: ObservedObject,
  resolveRef: RefResolver,
): Verdict {
  let leaf = 0;
  const parts = c.conditions.map((p) =>
    p.kind === 'rule' ? resolveRef(p, object) : leafVerdict(p, outcomes[leaf++], raised),
  );
  const first = parts.find((p) => p.kind === 'holds' && p.value !== null);
  const value = first?.kind === 'holds' ? first.value : null;
  const undecided = (): Verdict =>
    parts.find((p) => p.kind === 'error') ?? parts.find((p) => p.kind === 'nodata') ?? { kind: 'nodata' };
  switch (c.op) {
    case 'not': {
      const [only] = parts;
      return only?.kind === 'holds' ? { kind: 'holds', holds: !only.holds, value: only.value } : undecided();
    }
    case 'and':
      if (parts.some((p) => p.kind === 'holds' && !p.holds)) return { kind: 'holds', holds: false, value };
      if (parts.every((p) => p.kind === 'holds')) return { kind: 'holds', holds: true, value };
      return undecided();
    case 'or':
      if (parts.some((p) => p.kind === 'holds' && p.holds)) return { kind: 'holds', holds: true, value };
      if (parts.every((p) => p.kind === 'holds')) return { kind: 'holds', holds: false, value };
      return undecided();
    default:
      return c.op satisfies never;
  }
}
