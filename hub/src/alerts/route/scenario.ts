/**
 * A scenario format for the router in simulated time, in the spirit of promtool's rule tests:
 * alert changes at given offsets in, the notifications expected at given offsets out.
 *
 * The runner steps a simulated clock one second at a time from `start` to `until`. It keeps the
 * set of firing alerts the events describe and hands it to `router.update` as rule evaluation
 * does: every `evaluateEvery` (15 s by default) and at once when an event changed it, with the
 * alerts that just resolved in the next call only. Then it calls `router.tick`. Notifications go
 * to a recording sink; each is reported as `{ at, to, firing, resolved }` with alert names.
 * @module
 */
import type {
  Acknowledgement,
  AlertSeverity,
  Notification,
  NotificationPolicy,
  NotificationSink,
  NotifiedAlert,
} from '@unity/shared';
import { DEFAULT_NOTIFICATION_POLICY, formatDuration, parseDuration } from '@unity/shared';
import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import { Router, type RouterSilence, type RouterState, type RoutingConfig } from './router.js';

/** An alert in a scenario: its name is its fingerprint and, by default, its `container` label. */
export type ScenarioAlert = {
  name: string;
  rule?: string;
  severity?: AlertSeverity;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  value?: number;
};

export type ScenarioEvent = {
  /** Offset from the start: "0s", "4m30s". */
  at: string;
  fire?: ScenarioAlert[];
  /** Names, optionally with the value at resolve time. */
  resolve?: (string | { name: string; value: number })[];
  /** Names that drop out of the updates without a resolve (a deleted rule). */
  vanish?: string[];
  ack?: { alert: string; timeout?: string; by?: string };
  /** Adds a silence; its times are offsets from the start. */
  silence?: Omit<RouterSilence, 'startsAt' | 'endsAt' | 'schedule'> & {
    startsAt: string;
    endsAt: string;
    schedule?: RouterSilence['schedule'];
  };
  config?: Partial<RoutingConfig>;
  /** Builds a new router from the old one's exported state, as a hub restart does. */
  restart?: true;
};

export type Delivered = { at: string; to: string; firing: string[]; resolved: string[] };

export type Scenario = {
  /** ISO time of offset 0. */
  start: string;
  /** The policy defaults to the built-in one with contact point "ops". */
  config?: Partial<RoutingConfig>;
  evaluateEvery?: string;
  events: ScenarioEvent[];
  until: string;
};

export type ScenarioResult = {
  delivered: Delivered[];
  notifications: { at: string; to: string; notification: Notification }[];
  router: Router;
};

export const DEFAULT_SCENARIO_POLICY: NotificationPolicy = {
  ...DEFAULT_NOTIFICATION_POLICY,
  contactPointId: 'ops',
};

const offset = (text: string) => {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`bad offset ${text}`);
  return ms;
};

/** Normalises an offset so "90s" and "1m30s" compare equal. */
export const at = (text: string) => formatDuration(offset(text));

export function scenarioAlert(spec: ScenarioAlert, startsAt: string): NotifiedAlert {
  return {
    fingerprint: spec.name,
    status: 'firing',
    ruleId: `rule-${spec.rule ?? 'Container down'}`,
    ruleName: spec.rule ?? 'Container down',
    severity: spec.severity ?? 'critical',
    labels: spec.labels ?? { container: spec.name, host: 'h1' },
    annotations: spec.annotations ?? { summary: `${spec.name} is down` },
    value: spec.value ?? 1,
    startsAt,
    endsAt: null,
    url: `http://hub.test/alerts/${spec.name}`,
  };
}

export class RecordingSink implements NotificationSink {
  readonly received: { contactPointId: string; notification: Notification }[] = [];
  async enqueue(contactPointId: string, notification: Notification): Promise<void> {
    this.received.push({ contactPointId, notification });
  }
}

export async function runScenario(scenario: Scenario, log: Logger = silentLogger()): Promise<ScenarioResult> {
  const t0 = Date.parse(scenario.start);
  const until = offset(scenario.until);
  const every = offset(scenario.evaluateEvery ?? '15s');
  let config: RoutingConfig = {
    policy: DEFAULT_SCENARIO_POLICY,
    timeIntervals: [],
    silences: [],
    inhibitionRules: [],
    escalationChains: [],
    ...scenario.config,
  };
  const sink = new RecordingSink();
  let now = t0;
  const notifications: ScenarioResult['notifications'] = [];
  const recorded = new Set<object>();
  const record = () => {
    for (const r of sink.received) {
      if (recorded.has(r)) continue;
      recorded.add(r);
      notifications.push({
        at: formatDuration(now - t0),
        to: r.contactPointId,
        notification: r.notification,
      });
    }
  };
  const make = (state?: RouterState) =>
    new Router({ sink, log, alertsUrl: 'http://hub.test/alerts', config, ...(state ? { state } : {}) });
  let router = make();

  const byTime = new Map<number, ScenarioEvent[]>();
  for (const e of scenario.events) {
    const k = offset(e.at);
    byTime.set(k, [...(byTime.get(k) ?? []), e]);
  }
  const firing = new Map<string, NotifiedAlert>();
  let justResolved: NotifiedAlert[] = [];

  for (let s = 0; s <= until; s += 1000) {
    now = t0 + s;
    const iso = new Date(now).toISOString();
    let changed = false;
    for (const e of byTime.get(s) ?? []) {
      if (e.restart) router = make(router.exportState());
      if (e.config) {
        config = { ...config, ...e.config };
        router.setConfig(e.config, new Date(now));
      }
      if (e.silence) {
        const silence: RouterSilence = {
          id: e.silence.id,
          matchers: e.silence.matchers,
          startsAt: new Date(t0 + offset(e.silence.startsAt)).toISOString(),
          endsAt: new Date(t0 + offset(e.silence.endsAt)).toISOString(),
          schedule: e.silence.schedule ?? null,
        };
        config = { ...config, silences: [...config.silences.filter((x) => x.id !== silence.id), silence] };
        router.setConfig({ silences: config.silences }, new Date(now));
      }
      for (const spec of e.fire ?? []) {
        const prev = firing.get(spec.name);
        firing.set(spec.name, scenarioAlert(spec, prev?.startsAt ?? iso));
        changed = true;
      }
      for (const r of e.resolve ?? []) {
        const name = typeof r === 'string' ? r : r.name;
        const prev = firing.get(name);
        if (!prev) continue;
        firing.delete(name);
        justResolved.push({
          ...prev,
          status: 'resolved',
          endsAt: iso,
          value: typeof r === 'string' ? prev.value : r.value,
        });
        changed = true;
      }
      for (const name of e.vanish ?? []) changed = firing.delete(name) || changed;
      if (e.ack) {
        const alert = firing.get(e.ack.alert);
        if (!alert) throw new Error(`ack of ${e.ack.alert}, which does not fire`);
        const timeout = e.ack.timeout ? offset(e.ack.timeout) : null;
        const ack: Acknowledgement = {
          fingerprint: alert.fingerprint,
          alertStartsAt: alert.startsAt,
          acknowledgedBy: e.ack.by ?? 'tester',
          acknowledgedAt: iso,
          comment: null,
          expiresAt: timeout === null ? null : new Date(now + timeout).toISOString(),
        };
        if (!router.acknowledge(ack, new Date(now)))
          throw new Error(`router refused the ack of ${e.ack.alert}`);
      }
      if (e.restart) changed = true;
    }
    if (changed || s % every === 0) {
      await router.update([...firing.values(), ...justResolved], new Date(now));
      justResolved = [];
      record();
    }
    await router.tick(new Date(now));
    record();
  }
  const delivered = normalise(
    notifications.map(({ at, to, notification }) => ({
      at,
      to,
      firing: notification.alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint),
      resolved: notification.alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint),
    })),
  );
  return { delivered, notifications, router };
}

/** Names sorted, rows by time, contact point and names: what a scenario compares. */
function normalise(rows: Delivered[]): Delivered[] {
  const key = (d: Delivered) => `${d.to}\u0000${d.firing.join(',')}\u0000${d.resolved.join(',')}`;
  return rows
    .map((d) => ({ ...d, firing: [...d.firing].sort(), resolved: [...d.resolved].sort() }))
    .sort((a, b) => offset(a.at) - offset(b.at) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Expected deliveries, written compactly: `['30s', 'ops', ['web', 'db']]`, resolved ones as a
 * fourth element. Order within a row or among rows at the same time does not matter.
 */
export function expected(rows: [string, string, string[], string[]?][]): Delivered[] {
  return normalise(
    rows.map(([when, to, firing, resolved]) => ({ at: at(when), to, firing, resolved: resolved ?? [] })),
  );
}
