/**
 * The evaluation core's inputs and outputs. The core is pure: a data source turns the database
 * (or a test's series, or a backtest's history) into observations, the core turns observations,
 * the previous instance states and `now` into new states, transitions and notifications.
 * @module
 */
import type { AlertInstanceState, AlertRuleSpec, AlertSeverity } from '@unity/shared';

export type Labels = Record<string, string>;

/** A rule as the core sees it: the validated spec with its id. */
export type EvalRule = AlertRuleSpec & { id: string };

/** What one condition saw for one object. */
export type Outcome =
  /**
   * `value` null: nothing to measure (absence: never sampled). `scores`: anomaly z-like scores.
   * `vars`: template variables of this observation (an anomaly's baseline).
   */
  | {
      type: 'value';
      value: number | null;
      scores?: { short: number; last: number };
      vars?: Record<string, string>;
    }
  | { type: 'nodata' }
  | { type: 'error'; message: string };

/** A host, container or disk mount the rule's selector matched. */
export type ObservedObject = {
  /** Stable object id: `host:<uuid>`, `container:<id>`, `host:<uuid>:<mount>`. */
  key: string;
  /** Object labels: host, container, compose_project, compose_service, image, mount. */
  labels: Labels;
  /** Absolute link to the object's page in the UI. */
  url: string;
  /** Extra template variables (exit_code, last_seen, …). */
  vars?: Record<string, string>;
};

export type Observation = ObservedObject & { outcome: Outcome };

/**
 * A source's answer for one rule: the matched objects and, per leaf condition (inline parts of
 * a composite, in order; one for other kinds), what each object showed. `error` when the query
 * failed as a whole.
 */
export type RuleData = { objects: ObservedObject[]; leaves: Observation[][] } | { error: string };

/** One instance's persisted state: enough to resume after a restart without paging again. */
export type InstanceState = {
  fingerprint: string;
  ruleId: string;
  /** The rule's name and severity at the last evaluation (for a notice after the rule is gone). */
  ruleName: string;
  severity: AlertSeverity;
  objectKey: string;
  /** Identity labels: the object's labels and the rule's own (what the fingerprint hashes). */
  labels: Labels;
  url: string;
  state: Exclude<AlertInstanceState, 'resolved'>;
  /** Epoch ms the condition started holding (start of pending); null when inactive. */
  activeSince: number | null;
  /** Epoch ms the instance started firing (or nodata / error); null when not. */
  firingSince: number | null;
  /** Epoch ms until which a firing instance keeps firing with its condition cleared. */
  keepFiringUntil: number | null;
  value: number | null;
  /** Template variables of the last observation, for a resolved notice after the object is gone. */
  vars: Record<string, string>;
  lastEvalAt: number;
  /** The condition held at the last evaluation (hysteresis then uses the clear threshold). */
  raised: boolean;
  /** Epoch ms of firing/resolved changes within the rule's flapping window. */
  flapTimes: number[];
  /** Epoch ms the instance was found flapping; null when it is not. */
  flappingSince: number | null;
};

export type Transition = {
  fingerprint: string;
  ruleId: string;
  ruleName: string;
  labels: Labels;
  from: AlertInstanceState;
  to: AlertInstanceState;
  value: number | null;
  at: number;
};

export const ACTIVE_STATES: ReadonlySet<string> = new Set(['firing', 'nodata', 'error']);
export const isActive = (state: string): boolean => ACTIVE_STATES.has(state);
