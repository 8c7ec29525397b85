/**
 * The router in the running hub: configured and restored from the stores, ticked every second,
 * its dispatch state written back after every change (one write at a time, in order). Rule
 * evaluation hands it alerts through `update`; the API reloads it after a configuration change.
 * @module
 */
import type { Acknowledgement, AckRequest, AlertGroup, NotificationSink, NotifiedAlert } from '@unity/shared';
import { parseDuration } from '@unity/shared';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../log.js';
import { Router, type RoutingConfig } from './router.js';
import {
  getPolicy,
  listAcks,
  listEscalationChains,
  listInhibitionRules,
  listTimeIntervals,
  loadActiveSilences,
  loadGroupStates,
  loadRoutingConfig,
  saveAck,
  saveRouterChanges,
} from './store.js';

export type RoutingPart = keyof RoutingConfig;

export type RoutingRuntimeOptions = {
  db: Db;
  log: Logger;
  sink: NotificationSink;
  /** Link to the alert list in the UI, carried by every notification. */
  alertsUrl: string;
  clock?: () => number;
  /** Tick period; 1000 by default, 0 for none (tests tick by hand). */
  tickMs?: number;
};

export class RoutingRuntime {
  private readonly db: Db;
  private readonly log: Logger;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    options: RoutingRuntimeOptions,
    readonly router: Router,
  ) {
    this.db = options.db;
    this.log = options.log;
    this.clock = options.clock ?? Date.now;
  }

  /** Loads configuration and dispatch state, then ticks every second. */
  static async start(options: RoutingRuntimeOptions): Promise<RoutingRuntime> {
    const clock = options.clock ?? Date.now;
    const now = new Date(clock());
    const [config, groups, acks] = await Promise.all([
      loadRoutingConfig(options.db, now),
      loadGroupStates(options.db),
      listAcks(options.db),
    ]);
    const router = new Router({
      sink: options.sink,
      log: options.log,
      alertsUrl: options.alertsUrl,
      config,
      state: { groups, acks },
    });
    const runtime = new RoutingRuntime(options, router);
    const tickMs = options.tickMs ?? 1000;
    if (tickMs > 0) {
      runtime.timer = setInterval(() => {
        runtime.tick().catch((error: unknown) => options.log.error({ err: error }, 'routing tick failed'));
      }, tickMs);
      runtime.timer.unref();
    }
    options.log.info({ groups: groups.length, acks: acks.length }, 'alert routing started');
    return runtime;
  }

  private now(): Date {
    return new Date(this.clock());
  }

  /** Rule evaluation's entry point: every alert firing now plus those that just resolved. */
  async update(alerts: readonly NotifiedAlert[], now: Date = this.now()): Promise<void> {
    if (this.stopped) return;
    const sent = this.router.update(alerts, now);
    const saved = this.persist();
    await Promise.all([sent, saved]);
  }

  async tick(now: Date = this.now()): Promise<void> {
    if (this.stopped) return;
    const sent = this.router.tick(now);
    const saved = this.persist();
    await Promise.all([sent, saved]);
  }

  /** Writes the router's changes after those already queued; a failure is logged, not thrown. */
  private persist(): Promise<void> {
    return this.write(() => saveRouterChanges(this.db, this.router.takeChanges())).catch(() => {});
  }

  /** Runs a write after those already queued, so rows end up as the router's state says. */
  private write(fn: () => Promise<void>): Promise<void> {
    const run = this.writing.then(fn);
    this.writing = run.catch((error: unknown) =>
      this.log.error({ err: error }, 'routing state could not be saved'),
    );
    return run;
  }

  /** Re-reads parts of the configuration after the API changed them. */
  async reload(parts: readonly RoutingPart[]): Promise<void> {
    const now = this.now();
    const config: Partial<RoutingConfig> = {};
    for (const part of new Set(parts)) {
      if (part === 'policy') config.policy = (await getPolicy(this.db)).policy;
      if (part === 'timeIntervals') config.timeIntervals = await listTimeIntervals(this.db);
      if (part === 'silences') config.silences = await loadActiveSilences(this.db, now);
      if (part === 'inhibitionRules') config.inhibitionRules = await listInhibitionRules(this.db);
      if (part === 'escalationChains') config.escalationChains = await listEscalationChains(this.db);
    }
    this.router.setConfig(config, now);
    await this.persist();
  }

  /** Acknowledges a firing alert; undefined when none has this fingerprint. */
  async acknowledge(
    fingerprint: string,
    by: string,
    request: AckRequest,
  ): Promise<Acknowledgement | undefined> {
    const alert = this.router.alert(fingerprint);
    if (!alert) return undefined;
    const now = this.now();
    const timeout = request.timeout ? parseDuration(request.timeout) : undefined;
    const ack: Acknowledgement = {
      fingerprint,
      alertStartsAt: alert.startsAt,
      acknowledgedBy: by,
      acknowledgedAt: now.toISOString(),
      comment: request.comment ?? null,
      expiresAt: timeout ? new Date(now.getTime() + timeout).toISOString() : null,
    };
    if (!this.router.acknowledge(ack, now)) return undefined;
    await this.write(() => saveAck(this.db, ack));
    await this.persist();
    return ack;
  }

  groups(): AlertGroup[] {
    return this.router.view(this.now());
  }

  /** Stops ticking and waits for the last state write. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.writing;
  }
}
