/**
 * The router: takes the alert instances rule evaluation produces and decides which notification
 * goes to which contact point when. Pure logic with an injected sink and no timers of its own:
 * time moves only through `update(alerts, now)` and `tick(now)`, so tests drive a simulated clock.
 *
 * Dispatch is Alertmanager's, per route and group (the route's `groupBy` labels):
 * - a new group waits `groupWait` and sends what it has gathered (batching);
 * - then it is looked at every `groupInterval`: an alert that joined since the last message is
 *   sent then (so a late alert waits for the next interval), an unchanged group is not sent again
 *   before `repeatInterval` has passed since its last message (dedup);
 * - silences, inhibition, mute timings and active times are applied when a message is due; an
 *   alert they hid is forgotten as notified, so when they end and it still fires it is announced
 *   at the group's next interval.
 * Beyond Alertmanager:
 * - a resolved alert that had been announced is told at once, with its value at resolve time;
 * - an acknowledged group (every firing alert acked) gets no repeats and no escalation; when an
 *   ack times out the group is notified again at once;
 * - a route may name an escalation chain: step 1's contact point first, then after each step's
 *   wait, still unacknowledged, the next one, the whole chain `repeat` more times; later messages
 *   of the group go to every contact point reached so far;
 * - a route may have a rate limit: firing messages beyond it are dropped, counted and logged.
 *
 * `update` takes the complete picture each time: every instance firing now, plus those that just
 * resolved. An alert that was firing and is simply missing is taken as resolved at that time.
 *
 * Per-group dispatch state (what was announced, when, the sequence, the escalation step, the
 * ack flag) is exported for persistence; a router built from it after a restart does not page
 * again for what it had already announced.
 * @module
 */
import { createHash } from 'node:crypto';
import {
  type Acknowledgement,
  type AlertGroup,
  BUILTIN_INHIBITION_RULES,
  type EscalationChain,
  type InhibitionRule,
  type Notification,
  type NotificationPolicy,
  type NotificationSink,
  type NotifiedAlert,
  parseDuration,
  type Silence,
  type TimeInterval,
} from '@unity/shared';
import type { Logger } from '../../log.js';
import { compileMatchers, type LabelPredicate, type Labels } from './matchers.js';
import { buildNotification, routingLabels } from './message.js';
import {
  type CompiledRoute,
  compilePolicy,
  flattenRoutes,
  groupKeyOf,
  groupLabelsOf,
  matchRoutes,
} from './policy.js';
import { compileTimeIntervals, type TimeCheck } from './time-intervals.js';

export type RouterSilence = Pick<Silence, 'id' | 'matchers' | 'startsAt' | 'endsAt' | 'schedule'>;
export type RouterInhibitionRule = Pick<InhibitionRule, 'id' | 'sourceMatchers' | 'targetMatchers' | 'equal'>;

export type RoutingConfig = {
  policy: NotificationPolicy;
  timeIntervals: readonly TimeInterval[];
  silences: readonly RouterSilence[];
  /** The user's rules; the built-in ones are added unless `builtinInhibitions` is false. */
  inhibitionRules: readonly RouterInhibitionRule[];
  escalationChains: readonly EscalationChain[];
};

export type EscalationState = {
  chainId: string;
  /** 0 for the first pass over the steps. */
  round: number;
  /** Index of the step notified last. */
  step: number;
  /** When the next step is due (epoch ms); null once the chain is done. */
  nextAt: number | null;
  reached: string[];
};

/** What is persisted per aggregation group (times in epoch ms). */
export type GroupState = {
  groupKey: string;
  routeId: string;
  groupLabels: Labels;
  createdAt: number;
  nextFlushAt: number;
  lastSentAt: number | null;
  /** Fingerprints announced as firing by the last message, sorted. */
  notifiedFiring: string[];
  /** sha256 of `notifiedFiring`, for a quick look at whether two states say the same. */
  notifiedHash: string;
  seq: number;
  acked: boolean;
  escalation: EscalationState | null;
};

export type RouterState = { groups: GroupState[]; acks: Acknowledgement[] };

export type RouterChanges = {
  /** Groups created or changed since the last call. */
  groups: GroupState[];
  deletedGroups: string[];
  /** Fingerprints whose acknowledgement ended (alert resolved, ack expired or stale). */
  deletedAcks: string[];
};

export type RouterOptions = {
  sink: NotificationSink;
  log: Logger;
  /** Link to the alert list in the UI, carried by every notification. */
  alertsUrl: string;
  config: RoutingConfig;
  /** Persisted dispatch state and acks, from before a restart. */
  state?: RouterState;
  /** How long restored groups and acks wait for their alerts to come back; 15 minutes. */
  restoreGraceMs?: number;
  builtinInhibitions?: boolean;
};

type Entry = { alert: NotifiedAlert; labels: Labels; groupKeys: string[] };

type Group = {
  key: string;
  route: CompiledRoute;
  labels: Labels;
  /** Fingerprints of the firing alerts in the group. */
  members: Set<string>;
  createdAt: number;
  nextFlushAt: number;
  lastSentAt: number | null;
  notifiedFiring: Set<string>;
  seq: number;
  acked: boolean;
  escalation: EscalationState | null;
  /** Set by an ack timing out, read by the next ack check. */
  ackExpired: boolean;
};

type CompiledSilence = {
  id: string;
  startsAt: number;
  endsAt: number;
  schedule: TimeCheck | null;
  matches: LabelPredicate;
};
type CompiledInhibition = {
  id: string;
  source: LabelPredicate;
  target: LabelPredicate;
  equal: string[];
};
type Ack = Acknowledgement & { startsAtMs: number; expiresAtMs: number | null };

const hashSet = (fingerprints: readonly string[]) =>
  createHash('sha256').update(fingerprints.join('\n')).digest('hex');

/** The first time on the grid `base + k·interval` that is after `t`. */
function nextOnGrid(base: number, interval: number, t: number): number {
  if (base > t) return base;
  return base + (Math.floor((t - base) / interval) + 1) * interval;
}

const MAX_ESCALATIONS_PER_TICK = 200;

export class Router {
  private readonly sink: NotificationSink;
  private readonly log: Logger;
  private readonly alertsUrl: string;
  private readonly builtinInhibitions: boolean;
  private readonly restoreGraceMs: number;

  private root!: CompiledRoute;
  private routesById = new Map<string, CompiledRoute>();
  private intervals = new Map<string, TimeCheck>();
  private silences: CompiledSilence[] = [];
  private inhibitions: CompiledInhibition[] = [];
  private chains = new Map<string, EscalationChain>();

  private readonly alerts = new Map<string, Entry>();
  private groups = new Map<string, Group>();
  /** Persisted groups whose alerts have not come back yet. */
  private readonly restored = new Map<string, GroupState>();
  private readonly acks = new Map<string, Ack>();
  /** Per inhibition rule: equal-label key → fingerprints of firing sources. Rebuilt when alerts change. */
  private inhibitIndex: Map<string, Map<string, Set<string>>> | null = null;
  private restoreUntil: number | null = null;

  private readonly sentAt = new Map<string, number[]>();
  private readonly dropped = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private readonly deletedGroups = new Set<string>();
  private readonly deletedAcks = new Set<string>();
  private inflight: Promise<void>[] = [];

  constructor(options: RouterOptions) {
    this.sink = options.sink;
    this.log = options.log;
    this.alertsUrl = options.alertsUrl;
    this.builtinInhibitions = options.builtinInhibitions ?? true;
    this.restoreGraceMs = options.restoreGraceMs ?? 15 * 60_000;
    this.configure(options.config);
    for (const g of options.state?.groups ?? []) this.restored.set(g.groupKey, g);
    for (const a of options.state?.acks ?? []) this.acks.set(a.fingerprint, toAck(a));
  }

  // ---- configuration ----

  private configure(config: Partial<RoutingConfig>): void {
    if (config.policy) {
      this.root = compilePolicy(config.policy);
      this.routesById = new Map(flattenRoutes(this.root).map((r) => [r.id, r]));
    }
    if (config.timeIntervals) {
      this.intervals = new Map(
        config.timeIntervals.map((ti) => [ti.name, compileTimeIntervals(ti.timeIntervals)]),
      );
    }
    if (config.silences) {
      this.silences = config.silences.map((s) => ({
        id: s.id,
        startsAt: Date.parse(s.startsAt),
        endsAt: Date.parse(s.endsAt),
        schedule: s.schedule ? compileTimeIntervals(s.schedule) : null,
        matches: compileMatchers(s.matchers),
      }));
    }
    if (config.inhibitionRules) {
      const rules = [...(this.builtinInhibitions ? BUILTIN_INHIBITION_RULES : []), ...config.inhibitionRules];
      this.inhibitions = rules.map((r) => ({
        id: r.id,
        source: compileMatchers(r.sourceMatchers),
        target: compileMatchers(r.targetMatchers),
        equal: [...r.equal],
      }));
      this.inhibitIndex = null;
    }
    if (config.escalationChains) this.chains = new Map(config.escalationChains.map((c) => [c.id, c]));
  }

  /**
   * Replaces parts of the configuration. A new policy tree regroups every alert: groups whose key
   * survives keep their state, the others start afresh (and are announced after their group wait).
   */
  setConfig(config: Partial<RoutingConfig>, now: Date): void {
    this.configure(config);
    if (config.policy) this.regroup(now.getTime());
  }

  private regroup(t: number): void {
    const old = this.groups;
    this.groups = new Map();
    for (const g of old.values()) g.members.clear();
    for (const [fp, entry] of this.alerts) {
      entry.groupKeys = [];
      for (const route of matchRoutes(this.root, entry.labels)) {
        const labels = groupLabelsOf(route, entry.labels);
        const key = groupKeyOf(route, labels);
        let g = this.groups.get(key);
        if (!g) {
          const kept = old.get(key);
          if (kept) {
            kept.route = route;
            this.groups.set(key, kept);
            this.dirty.add(key);
            g = kept;
          } else {
            g = this.createGroup(key, route, labels, t);
          }
        }
        g.members.add(fp);
        entry.groupKeys.push(key);
      }
    }
    for (const key of old.keys()) if (!this.groups.has(key)) this.forgetGroup(key);
  }

  // ---- input ----

  /** Every instance firing now plus those that just resolved; sends resolved notices at once. */
  update(alerts: readonly NotifiedAlert[], now: Date): Promise<void> {
    const t = now.getTime();
    this.restoreUntil ??= t + this.restoreGraceMs;
    const seen = new Set<string>();
    const created: Group[] = [];
    for (const a of alerts) {
      seen.add(a.fingerprint);
      if (a.status === 'firing') this.upsertFiring(a, t, created);
    }
    const resolved = new Map<Group, NotifiedAlert[]>();
    const touched = new Set<Group>();
    for (const a of alerts) if (a.status === 'resolved') this.resolve(a, t, resolved, touched);
    const missing = [...this.alerts.values()].filter((e) => !seen.has(e.alert.fingerprint));
    for (const e of missing) {
      this.log.debug(
        { fingerprint: e.alert.fingerprint },
        'alert missing from the update: taken as resolved',
      );
      this.resolve({ ...e.alert, status: 'resolved', endsAt: now.toISOString() }, t, resolved, touched);
    }
    for (const g of touched) {
      const announced = resolved.get(g) ?? [];
      for (const a of announced) g.notifiedFiring.delete(a.fingerprint);
      if (announced.length > 0) this.dirty.add(g.key);
      const visible = announced.filter((a) => !this.suppressed(a.fingerprint, routingLabels(a), t));
      if (visible.length > 0 && !this.isMuted(g.route, t)) {
        this.send(g, t, this.notifiableFiring(g, t), visible, 'resolved');
      }
      if (g.members.size === 0) {
        this.groups.delete(g.key);
        this.forgetGroup(g.key);
      }
    }
    // A new group already due (group_wait 0) is sent now, not at the next tick up to a second
    // later, as Alertmanager does. Groups restored after a restart keep waiting for the tick.
    for (const g of created)
      if (g.lastSentAt === null && g.nextFlushAt <= t && this.groups.get(g.key) === g) this.flush(g, t);
    return this.drain();
  }

  private upsertFiring(a: NotifiedAlert, t: number, created: Group[]): void {
    const existing = this.alerts.get(a.fingerprint);
    const labels = routingLabels(a);
    if (existing) {
      if (sameLabels(existing.labels, labels)) {
        existing.alert = a;
        const ack = this.acks.get(a.fingerprint);
        if (ack && ack.startsAtMs !== Date.parse(a.startsAt)) this.dropAck(a.fingerprint);
        return;
      }
      // Same fingerprint, other labels (a renamed rule): leave the old groups quietly, join anew.
      for (const key of existing.groupKeys) {
        const g = this.groups.get(key);
        if (!g) continue;
        g.members.delete(a.fingerprint);
        g.notifiedFiring.delete(a.fingerprint);
        if (g.members.size === 0) {
          this.groups.delete(key);
          this.forgetGroup(key);
        }
      }
    }
    const groupKeys: string[] = [];
    for (const route of matchRoutes(this.root, labels)) {
      const groupLabels = groupLabelsOf(route, labels);
      const key = groupKeyOf(route, groupLabels);
      let g = this.groups.get(key);
      if (!g) {
        g = this.createGroup(key, route, groupLabels, t);
        created.push(g);
      }
      g.members.add(a.fingerprint);
      groupKeys.push(key);
    }
    this.alerts.set(a.fingerprint, { alert: a, labels, groupKeys });
    this.inhibitIndex = null;
    const ack = this.acks.get(a.fingerprint);
    if (ack && ack.startsAtMs !== Date.parse(a.startsAt)) this.dropAck(a.fingerprint);
  }

  private resolve(
    a: NotifiedAlert,
    t: number,
    resolved: Map<Group, NotifiedAlert[]>,
    touched: Set<Group>,
  ): void {
    const entry = this.alerts.get(a.fingerprint);
    let keys: { key: string; route: CompiledRoute; labels: Labels }[];
    if (entry) {
      keys = entry.groupKeys.flatMap((key) => {
        const g = this.groups.get(key);
        return g ? [{ key, route: g.route, labels: g.labels }] : [];
      });
    } else {
      // Unknown here, e.g. it resolved while the hub was down: only restored groups care.
      const labels = routingLabels(a);
      keys = matchRoutes(this.root, labels).map((route) => {
        const groupLabels = groupLabelsOf(route, labels);
        return { key: groupKeyOf(route, groupLabels), route, labels: groupLabels };
      });
    }
    this.alerts.delete(a.fingerprint);
    this.inhibitIndex = null;
    if (this.acks.has(a.fingerprint)) this.dropAck(a.fingerprint);
    for (const { key, route, labels } of keys) {
      let g = this.groups.get(key);
      if (!g && !entry && this.restored.has(key)) g = this.createGroup(key, route, labels, t);
      if (!g) continue;
      g.members.delete(a.fingerprint);
      touched.add(g);
      if (g.notifiedFiring.has(a.fingerprint)) {
        const list = resolved.get(g) ?? [];
        list.push({ ...a, status: 'resolved', endsAt: a.endsAt ?? new Date(t).toISOString() });
        resolved.set(g, list);
      }
    }
  }

  /** Records an acknowledgement; false when no such alert fires. Takes effect at once. */
  acknowledge(ack: Acknowledgement, now: Date): boolean {
    const entry = this.alerts.get(ack.fingerprint);
    if (!entry) return false;
    this.acks.set(ack.fingerprint, toAck(ack));
    this.deletedAcks.delete(ack.fingerprint);
    const t = now.getTime();
    for (const key of entry.groupKeys) {
      const g = this.groups.get(key);
      if (g) this.updateAck(g, t);
    }
    return true;
  }

  /** The firing alert with this fingerprint, if any. */
  alert(fingerprint: string): NotifiedAlert | undefined {
    return this.alerts.get(fingerprint)?.alert;
  }

  // ---- time ----

  /** Advances time: due group messages, ack timeouts, escalation steps. */
  tick(now: Date): Promise<void> {
    const t = now.getTime();
    this.expireAcks(t);
    if (this.restoreUntil !== null && t >= this.restoreUntil) this.forgetRestored();
    for (const g of this.groups.values()) {
      this.updateAck(g, t);
      if (g.nextFlushAt <= t) this.flush(g, t);
      for (let i = 0; i < MAX_ESCALATIONS_PER_TICK && this.escalate(g, t); i++);
    }
    return this.drain();
  }

  private flush(g: Group, t: number): void {
    g.nextFlushAt = nextOnGrid(g.nextFlushAt, g.route.groupIntervalMs, t);
    if (this.isMuted(g.route, t)) return;
    const firing = this.notifiableFiring(g, t);
    const hasNew = firing.some((e) => !g.notifiedFiring.has(e.alert.fingerprint));
    const repeatDue =
      firing.length > 0 &&
      !g.acked &&
      (g.lastSentAt === null || t >= g.lastSentAt + g.route.repeatIntervalMs);
    if (hasNew || repeatDue) {
      this.send(g, t, firing, [], hasNew ? 'group' : 'repeat');
      return;
    }
    // Alerts hidden since (silenced, inhibited) count as not announced: when they come back
    // still firing, they are announced again.
    const shown = new Set(firing.map((e) => e.alert.fingerprint));
    let pruned = false;
    for (const fp of g.notifiedFiring) {
      if (!shown.has(fp)) {
        g.notifiedFiring.delete(fp);
        pruned = true;
      }
    }
    if (pruned) this.dirty.add(g.key);
  }

  private updateAck(g: Group, t: number): void {
    const acked = this.groupAcked(g, t);
    const expired = g.ackExpired;
    g.ackExpired = false;
    if (acked === g.acked) return;
    g.acked = acked;
    this.dirty.add(g.key);
    if (acked) {
      this.announceAck(g, t);
      return;
    }
    const e = g.escalation;
    if (e && e.nextAt !== null) e.nextAt = t + this.stepWait(e);
    if (expired && !this.isMuted(g.route, t)) {
      const firing = this.notifiableFiring(g, t);
      if (firing.length > 0) this.send(g, t, firing, [], 'ack expired');
    }
  }

  /**
   * Tells the contact points the group reached that it was acknowledged, for channels with an
   * acknowledge action of their own (PagerDuty); only a group already announced has anything
   * to acknowledge there.
   */
  private announceAck(g: Group, t: number): void {
    const sink = this.sink;
    if (!sink.acknowledge || g.lastSentAt === null) return;
    const targets = g.escalation
      ? [...g.escalation.reached]
      : g.route.contactPointId
        ? [g.route.contactPointId]
        : [];
    const entries = [...g.members].flatMap((fp) => this.alerts.get(fp) ?? []);
    const last = entries
      .map((e) => this.acks.get(e.alert.fingerprint))
      .reduce<Ack | undefined>(
        (a, b) => (b && (!a || b.acknowledgedAt > a.acknowledgedAt) ? b : a),
        undefined,
      );
    const n = buildNotification({
      groupKey: g.key,
      seq: g.seq,
      groupLabels: g.labels,
      firing: entries.map((e) => e.alert),
      resolved: [],
      url: this.alertsUrl,
    });
    n.id = `${n.id}-ack`;
    n.acknowledged = { by: last?.acknowledgedBy ?? 'unknown', at: new Date(t).toISOString() };
    for (const contactPointId of targets) {
      this.inflight.push(
        sink.acknowledge(contactPointId, n).catch((error: unknown) => {
          this.log.error(
            { err: error, contactPointId, notification: n.id },
            'acknowledgement could not be enqueued',
          );
        }),
      );
    }
  }

  private expireAcks(t: number): void {
    for (const [fp, ack] of this.acks) {
      if (ack.expiresAtMs === null || ack.expiresAtMs > t) continue;
      this.dropAck(fp);
      for (const key of this.alerts.get(fp)?.groupKeys ?? []) {
        const g = this.groups.get(key);
        if (g) g.ackExpired = true;
      }
    }
  }

  /** One escalation step if due; true when it sent one (the caller loops for zero waits). */
  private escalate(g: Group, t: number): boolean {
    const e = g.escalation;
    if (!e || e.nextAt === null || e.nextAt > t || g.acked) return false;
    const chain = this.chains.get(e.chainId);
    if (!chain || g.route.escalationChainId !== e.chainId) {
      e.nextAt = null;
      this.dirty.add(g.key);
      return false;
    }
    if (this.isMuted(g.route, t)) return false;
    const firing = this.notifiableFiring(g, t);
    if (firing.length === 0) return false;
    let step = e.step + 1;
    let round = e.round;
    if (step >= chain.steps.length) {
      if (round >= chain.repeat) {
        e.nextAt = null;
        this.dirty.add(g.key);
        return false;
      }
      round++;
      step = 0;
    }
    const s = chain.steps[step];
    if (!s) return false;
    e.step = step;
    e.round = round;
    e.nextAt = t + (parseDuration(s.wait) ?? 0);
    if (!e.reached.includes(s.contactPointId)) e.reached.push(s.contactPointId);
    const n = this.message(g, t, firing, []);
    this.deliver(g.route, [s.contactPointId], n, t, `escalation step ${step + 1}, round ${round + 1}`);
    return true;
  }

  private stepWait(e: EscalationState): number {
    const s = this.chains.get(e.chainId)?.steps[e.step];
    return s ? (parseDuration(s.wait) ?? 0) : 0;
  }

  // ---- sending ----

  private send(g: Group, t: number, firing: Entry[], resolved: NotifiedAlert[], reason: string): void {
    const targets = this.targets(g, t, firing.length > 0);
    const n = this.message(g, t, firing, resolved);
    this.deliver(g.route, targets, n, t, reason);
  }

  /** Builds the group's next message and records it as sent. */
  private message(g: Group, t: number, firing: Entry[], resolved: NotifiedAlert[]): Notification {
    g.seq++;
    g.notifiedFiring = new Set(firing.map((e) => e.alert.fingerprint));
    g.lastSentAt = t;
    this.dirty.add(g.key);
    return buildNotification({
      groupKey: g.key,
      seq: g.seq,
      groupLabels: g.labels,
      firing: firing.map((e) => e.alert),
      resolved,
      url: this.alertsUrl,
    });
  }

  /** The contact points a group message goes to; starts the escalation chain on the first one. */
  private targets(g: Group, t: number, firing: boolean): string[] {
    const chainId = g.route.escalationChainId;
    if (!chainId) {
      if (g.escalation) {
        g.escalation = null;
        this.dirty.add(g.key);
      }
      return g.route.contactPointId ? [g.route.contactPointId] : [];
    }
    if (!g.escalation || g.escalation.chainId !== chainId) {
      const first = this.chains.get(chainId)?.steps[0];
      if (!first || !firing) return g.escalation?.reached ?? [];
      g.escalation = {
        chainId,
        round: 0,
        step: 0,
        nextAt: t + (parseDuration(first.wait) ?? 0),
        reached: [first.contactPointId],
      };
    }
    return [...g.escalation.reached];
  }

  private deliver(route: CompiledRoute, targets: string[], n: Notification, t: number, reason: string): void {
    if (targets.length === 0) {
      this.log.debug(
        { route: route.id, notification: n.id, reason },
        'no contact point on the route: not sent',
      );
      return;
    }
    for (const contactPointId of targets) {
      if (route.rateLimit && n.status === 'firing' && !this.allow(route, t)) {
        const dropped = (this.dropped.get(route.id) ?? 0) + 1;
        this.dropped.set(route.id, dropped);
        this.log.warn(
          { route: route.id, contactPointId, notification: n.id, dropped },
          'rate limit of the route reached: notification dropped',
        );
        continue;
      }
      this.log.debug(
        { route: route.id, contactPointId, notification: n.id, reason },
        'notification enqueued',
      );
      this.inflight.push(
        this.sink.enqueue(contactPointId, n).catch((error: unknown) => {
          this.log.error(
            { err: error, contactPointId, notification: n.id },
            'notification could not be enqueued',
          );
        }),
      );
    }
  }

  private allow(route: CompiledRoute, t: number): boolean {
    const limit = route.rateLimit;
    if (!limit) return true;
    const times = (this.sentAt.get(route.id) ?? []).filter((x) => x > t - limit.periodMs);
    const ok = times.length < limit.count;
    if (ok) times.push(t);
    this.sentAt.set(route.id, times);
    return ok;
  }

  private async drain(): Promise<void> {
    const pending = this.inflight;
    this.inflight = [];
    await Promise.all(pending);
  }

  // ---- suppression ----

  private silencedBy(labels: Labels, t: number): string[] {
    const out: string[] = [];
    for (const s of this.silences) {
      if (t >= s.startsAt && t < s.endsAt && (!s.schedule || s.schedule(t)) && s.matches(labels))
        out.push(s.id);
    }
    return out;
  }

  private inhibitedBy(fingerprint: string, labels: Labels): string[] {
    if (this.inhibitions.length === 0) return [];
    const index = this.buildInhibitIndex();
    const out: string[] = [];
    for (const rule of this.inhibitions) {
      if (!rule.target(labels)) continue;
      const sources = index.get(rule.id)?.get(equalKey(rule.equal, labels));
      // An alert that is a source itself is muted only by another source.
      if (sources && (sources.size > 1 || !sources.has(fingerprint))) out.push(rule.id);
    }
    return out;
  }

  private buildInhibitIndex(): Map<string, Map<string, Set<string>>> {
    if (this.inhibitIndex) return this.inhibitIndex;
    const index = new Map<string, Map<string, Set<string>>>();
    for (const rule of this.inhibitions) {
      const byKey = new Map<string, Set<string>>();
      for (const [fp, entry] of this.alerts) {
        if (!rule.source(entry.labels)) continue;
        const key = equalKey(rule.equal, entry.labels);
        const set = byKey.get(key) ?? new Set<string>();
        set.add(fp);
        byKey.set(key, set);
      }
      index.set(rule.id, byKey);
    }
    this.inhibitIndex = index;
    return index;
  }

  private suppressed(fingerprint: string, labels: Labels, t: number): boolean {
    return this.silencedBy(labels, t).length > 0 || this.inhibitedBy(fingerprint, labels).length > 0;
  }

  private isMuted(route: CompiledRoute, t: number): boolean {
    if (route.muteTimeIntervals.some((name) => this.intervals.get(name)?.(t))) return true;
    return (
      route.activeTimeIntervals.length > 0 &&
      !route.activeTimeIntervals.some((name) => this.intervals.get(name)?.(t))
    );
  }

  private notifiableFiring(g: Group, t: number): Entry[] {
    const out: Entry[] = [];
    for (const fp of g.members) {
      const e = this.alerts.get(fp);
      if (e && !this.suppressed(fp, e.labels, t)) out.push(e);
    }
    return out.sort(
      (a, b) =>
        Date.parse(a.alert.startsAt) - Date.parse(b.alert.startsAt) ||
        (a.alert.fingerprint < b.alert.fingerprint ? -1 : 1),
    );
  }

  // ---- acks ----

  private isAcked(fp: string, t: number): boolean {
    const ack = this.acks.get(fp);
    const entry = this.alerts.get(fp);
    return (
      !!ack &&
      !!entry &&
      ack.startsAtMs === Date.parse(entry.alert.startsAt) &&
      (ack.expiresAtMs === null || ack.expiresAtMs > t)
    );
  }

  private groupAcked(g: Group, t: number): boolean {
    if (this.acks.size === 0 || g.members.size === 0) return false;
    for (const fp of g.members) if (!this.isAcked(fp, t)) return false;
    return true;
  }

  private dropAck(fp: string): void {
    this.acks.delete(fp);
    this.deletedAcks.add(fp);
  }

  // ---- groups and their state ----

  private createGroup(key: string, route: CompiledRoute, labels: Labels, t: number): Group {
    const saved = this.restored.get(key);
    this.restored.delete(key);
    const g: Group = saved
      ? {
          key,
          route,
          labels,
          members: new Set(),
          createdAt: saved.createdAt,
          nextFlushAt: saved.nextFlushAt,
          lastSentAt: saved.lastSentAt,
          notifiedFiring: new Set(saved.notifiedFiring),
          seq: saved.seq,
          acked: saved.acked,
          escalation: saved.escalation
            ? { ...saved.escalation, reached: [...saved.escalation.reached] }
            : null,
          ackExpired: false,
        }
      : {
          key,
          route,
          labels,
          members: new Set(),
          createdAt: t,
          nextFlushAt: t + route.groupWaitMs,
          lastSentAt: null,
          notifiedFiring: new Set(),
          seq: 0,
          acked: false,
          escalation: null,
          ackExpired: false,
        };
    this.groups.set(key, g);
    this.dirty.add(key);
    this.deletedGroups.delete(key);
    return g;
  }

  private forgetGroup(key: string): void {
    this.dirty.delete(key);
    this.deletedGroups.add(key);
  }

  /** The restore grace is over: what has not come back is gone. */
  private forgetRestored(): void {
    this.restoreUntil = null;
    for (const key of this.restored.keys()) this.deletedGroups.add(key);
    this.restored.clear();
    for (const fp of this.acks.keys()) if (!this.alerts.has(fp)) this.dropAck(fp);
  }

  private stateOf(g: Group): GroupState {
    const notifiedFiring = [...g.notifiedFiring].sort();
    return {
      groupKey: g.key,
      routeId: g.route.id,
      groupLabels: { ...g.labels },
      createdAt: g.createdAt,
      nextFlushAt: g.nextFlushAt,
      lastSentAt: g.lastSentAt,
      notifiedFiring,
      notifiedHash: hashSet(notifiedFiring),
      seq: g.seq,
      acked: g.acked,
      escalation: g.escalation ? { ...g.escalation, reached: [...g.escalation.reached] } : null,
    };
  }

  /** What changed since the last call, for the store. */
  takeChanges(): RouterChanges {
    const groups: GroupState[] = [];
    for (const key of this.dirty) {
      const g = this.groups.get(key);
      if (g) groups.push(this.stateOf(g));
    }
    const changes = { groups, deletedGroups: [...this.deletedGroups], deletedAcks: [...this.deletedAcks] };
    this.dirty.clear();
    this.deletedGroups.clear();
    this.deletedAcks.clear();
    return changes;
  }

  /** Everything a new router needs to carry on where this one is. */
  exportState(): RouterState {
    return {
      groups: [...[...this.groups.values()].map((g) => this.stateOf(g)), ...this.restored.values()],
      acks: [...this.acks.values()].map(fromAck),
    };
  }

  /** Notifications dropped by rate limits, per route id. */
  droppedByRoute(): Record<string, number> {
    return Object.fromEntries(this.dropped);
  }

  // ---- view ----

  /** The current groups with their alerts, suppression, acks and the next notification time. */
  view(now: Date): AlertGroup[] {
    const t = now.getTime();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const out: AlertGroup[] = [];
    for (const g of this.groups.values()) {
      const alerts = [...g.members].flatMap((fp) => {
        const e = this.alerts.get(fp);
        if (!e) return [];
        const ack = this.isAcked(fp, t) ? this.acks.get(fp) : undefined;
        return [
          {
            ...e.alert,
            silencedBy: this.silencedBy(e.labels, t),
            inhibitedBy: this.inhibitedBy(fp, e.labels),
            acknowledgement: ack ? fromAck(ack) : null,
          },
        ];
      });
      const e = g.escalation;
      out.push({
        groupKey: g.key,
        routeId: g.route.id,
        groupLabels: { ...g.labels },
        contactPointIds: g.route.escalationChainId
          ? [...(e?.reached ?? [])]
          : g.route.contactPointId
            ? [g.route.contactPointId]
            : [],
        escalationChainId: g.route.escalationChainId,
        alerts,
        muted: this.isMuted(g.route, t),
        acknowledged: g.acked,
        lastNotifiedAt: iso(g.lastSentAt),
        nextNotificationAt: iso(this.nextNotification(g, t)),
        escalation: e ? { round: e.round, step: e.step, nextStepAt: iso(e.nextAt) } : null,
      });
    }
    return out.sort((a, b) => (a.groupKey < b.groupKey ? -1 : 1));
  }

  private nextNotification(g: Group, t: number): number | null {
    const firing = this.notifiableFiring(g, t);
    if (firing.length === 0) return null;
    const candidates: number[] = [];
    if (firing.some((e) => !g.notifiedFiring.has(e.alert.fingerprint))) candidates.push(g.nextFlushAt);
    else if (!g.acked && g.lastSentAt !== null) {
      const due = g.lastSentAt + g.route.repeatIntervalMs;
      candidates.push(nextOnGrid(g.nextFlushAt, g.route.groupIntervalMs, due - 1));
    }
    const e = g.escalation;
    if (e && e.nextAt !== null && !g.acked) candidates.push(Math.max(e.nextAt, t));
    return candidates.length > 0 ? Math.min(...candidates) : null;
  }

  /** Route ids of the compiled tree (for tests and the API). */
  routeIds(): string[] {
    return [...this.routesById.keys()];
  }
}

function toAck(a: Acknowledgement): Ack {
  return {
    ...a,
    startsAtMs: Date.parse(a.alertStartsAt),
    expiresAtMs: a.expiresAt === null ? null : Date.parse(a.expiresAt),
  };
}

function fromAck(a: Ack): Acknowledgement {
  return {
    fingerprint: a.fingerprint,
    alertStartsAt: a.alertStartsAt,
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAt: a.acknowledgedAt,
    comment: a.comment,
    expiresAt: a.expiresAt,
  };
}

function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

const equalKey = (names: readonly string[], labels: Labels) =>
  names.length === 0 ? '' : JSON.stringify(names.map((n) => labels[n] ?? ''));
