/**
 * The notification service: the `NotificationSink` alerting hands notifications to, the outbox
 * worker that delivers them, and "send test". `enqueue` resolves once one outbox row per
 * enabled channel of the contact point is committed; a notification enqueued again (same id) adds
 * nothing, so a retrying caller cannot cause a second delivery.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  type Delivery,
  describeIssues,
  type Notification,
  NotificationSchema,
  type NotificationSink,
} from '@unity/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { channels, contactPointChannels } from '../db/schema.js';
import { badRequest, HubError, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import { type LoadedChannel, loadChannel } from './channel-store.js';
import { SENDERS } from './channels/index.js';
import type { ChartImage, SenderRegistry } from './channels/types.js';
import { renderChart } from './chart/png.js';
import { chartSeries } from './chart/series.js';
import { findDelivery, insertDeliveries } from './outbox.js';
import type { SecretBox } from './secrets.js';
import { DbThreadStore } from './threads.js';
import { OutboxWorker, type Timers } from './worker.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type NotifyOptions = {
  db: Db;
  log: Logger;
  box: SecretBox;
  publicUrl: string;
  appriseCommand: string;
  maxAgeMs: number;
  clock?: () => number;
  timers?: Timers;
  random?: () => number;
  fetch?: typeof fetch;
  senders?: SenderRegistry;
  pollMs?: number;
  batchSize?: number;
  concurrency?: number;
  leaseMs?: number;
  sendTimeoutMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Draws the chart an email attaches; from the metrics store by default. */
  chart?: (n: Notification) => Promise<ChartImage | undefined>;
};

/** Channel types that have an acknowledge action of their own. */
const ACKNOWLEDGING_TYPES: readonly string[] = ['pagerduty', 'opsgenie'];

export class NotifyService implements NotificationSink {
  readonly worker: OutboxWorker;
  /** Seals and opens channel secrets (the channel API stores through it). */
  readonly box: SecretBox;
  readonly #db: Db;
  readonly #clock: () => number;
  readonly #publicUrl: string;

  constructor(o: NotifyOptions) {
    this.#db = o.db;
    this.box = o.box;
    this.#clock = o.clock ?? Date.now;
    this.#publicUrl = o.publicUrl;
    const clock = this.#clock;
    this.worker = new OutboxWorker({
      ...o,
      chart:
        o.chart ??
        (async (n) => {
          const series = await chartSeries(o.db, n, clock());
          return series && renderChart(series);
        }),
      threads: new DbThreadStore(o.db),
      senders: o.senders ?? SENDERS,
      log: o.log,
      loadChannel: (id) => this.loadChannel(id),
    });
  }

  loadChannel(id: string): Promise<LoadedChannel | undefined> {
    return loadChannel(this.#db, this.box, id);
  }

  start(): void {
    this.worker.start();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  async enqueue(contactPointId: string, notification: Notification): Promise<void> {
    await this.#enqueue(contactPointId, notification, () => true);
  }

  /** An acknowledged group: queued only for the contact point's channels that can say so. */
  async acknowledge(contactPointId: string, notification: Notification): Promise<void> {
    await this.#enqueue(contactPointId, notification, (type) => ACKNOWLEDGING_TYPES.includes(type));
  }

  async #enqueue(
    contactPointId: string,
    notification: Notification,
    takes: (type: string) => boolean,
  ): Promise<void> {
    const parsed = NotificationSchema.safeParse(notification);
    if (!parsed.success) throw badRequest(`invalid notification: ${describeIssues(parsed.error)}`);
    // A contact point always names at least one channel (a referenced channel cannot be
    // deleted), so no member row means no contact point.
    const members = UUID.test(contactPointId)
      ? await this.#db
          .select({
            channelId: contactPointChannels.channelId,
            enabled: channels.enabled,
            type: channels.type,
          })
          .from(contactPointChannels)
          .innerJoin(channels, eq(channels.id, contactPointChannels.channelId))
          .where(eq(contactPointChannels.contactPointId, contactPointId))
      : [];
    if (members.length === 0) throw notFound(`contact point ${contactPointId} does not exist`);
    // A disabled channel takes nothing new (and the worker fails what it still holds).
    const rows = members
      .filter((m) => m.enabled && takes(m.type))
      .map((m) => ({ notification: parsed.data, channelId: m.channelId, contactPointId }));
    if ((await insertDeliveries(this.#db, rows, this.#clock())) > 0) this.worker.wake();
  }

  /** Queues a notification for one channel directly (send test; tests). */
  async enqueueToChannel(channelId: string, notification: Notification): Promise<void> {
    if (
      (await insertDeliveries(this.#db, [{ notification, channelId, contactPointId: null }], this.#clock())) >
      0
    ) {
      this.worker.wake();
    }
  }

  /**
   * Sends a test notification to one channel through the outbox and waits (up to `timeoutMs`)
   * for its first attempt; a test is not retried, so the answer says whether the channel works.
   */
  async sendTest(channel: { id: string; name: string }, by: string, timeoutMs = 20_000): Promise<Delivery> {
    const now = new Date(this.#clock()).toISOString();
    const notification: Notification = {
      id: `test-${randomUUID()}`,
      groupKey: `unity-test/${channel.id}`,
      status: 'firing',
      severity: 'info',
      title: 'Test notification from Unity',
      body: `This is a test of the channel "${channel.name}", sent by ${by}. If you can read it, the channel works.`,
      groupLabels: {},
      commonLabels: { alertname: 'UnityTest' },
      commonAnnotations: { summary: 'Test notification from Unity' },
      alerts: [
        {
          fingerprint: 'unity-test',
          status: 'firing',
          ruleId: 'unity-test',
          ruleName: 'Test notification',
          severity: 'info',
          labels: { alertname: 'UnityTest' },
          annotations: { summary: 'Test notification from Unity' },
          value: null,
          startsAt: now,
          endsAt: null,
          url: this.#publicUrl,
        },
      ],
      url: this.#publicUrl,
      test: true,
    };
    await this.enqueueToChannel(channel.id, notification);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const delivery = await findDelivery(this.#db, notification.id, channel.id);
      if (!delivery) throw new HubError('internal', 'the test notification was not stored');
      const settled = delivery.status === 'delivered' || delivery.status === 'failed';
      const left = deadline - Date.now();
      if (settled || left <= 0) return delivery;
      // Woken by this replica's worker; polled in case another replica took the row.
      const ac = new AbortController();
      await Promise.race([
        once(this.worker.events, 'settled', { signal: ac.signal }).catch(() => undefined),
        new Promise((r) => setTimeout(r, Math.min(250, left))),
      ]);
      ac.abort();
    }
  }
}
