/**
 * The outbox worker: claims due deliveries, sends each through its channel, and records the
 * outcome: delivered; retrying after exponential backoff with full jitter (or exactly what a
 * 429/503 Retry-After asked); failed on a permanent error or once the next try would fall past
 * the delivery's deadline (`UNITY_NOTIFY_MAX_AGE` after it was queued).
 *
 * Time comes from an injected clock and timers, so tests drive retries without waiting; several
 * workers (hub replicas) can share one database, see outbox.ts for how claims keep them apart.
 * @module
 */
import { EventEmitter } from 'node:events';
import { backoffDelay, type Notification } from '@unity/shared';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { LoadedChannel } from './channel-store.js';
import { networkReason } from './channels/http.js';
import { send } from './channels/index.js';
import type { ChartImage, SenderRegistry, SendResult, ThreadStore } from './channels/types.js';
import { type ClaimedRow, claimDue, type Outcome, recordDelivered, recordOutcome } from './outbox.js';
import { applyTemplates } from './templates/apply.js';
import { ChannelThrottle } from './throttle.js';

export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type WorkerOptions = {
  db: Db;
  log: Logger;
  senders: SenderRegistry;
  loadChannel(id: string): Promise<LoadedChannel | undefined>;
  publicUrl: string;
  appriseCommand: string;
  /** How long a delivery is retried, from when it was queued, ms. */
  maxAgeMs: number;
  clock?: () => number;
  timers?: Timers;
  random?: () => number;
  fetch?: typeof fetch;
  /** Idle poll interval (other replicas' rows, retries coming due), ms. */
  pollMs?: number;
  batchSize?: number;
  concurrency?: number;
  /** How long a claim holds a row before another worker may take it, ms. */
  leaseMs?: number;
  sendTimeoutMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** How long a group commit of deliveries waits for more to join it, ms. */
  commitLingerMs?: number;
  /** Draws the chart of an alert's metric (email attaches it). */
  chart?: (n: Notification) => Promise<ChartImage | undefined>;
  /** Thread ids of threaded channels (Slack with a bot token). */
  threads?: ThreadStore;
};

export type Settled = { rowId: string; channelId: string; outcome: Outcome };

export class OutboxWorker {
  /** `settled` (Settled) after each recorded outcome. */
  readonly events = new EventEmitter();
  readonly throttle = new ChannelThrottle();
  readonly #o: Required<Omit<WorkerOptions, 'fetch' | 'chart' | 'threads'>> &
    Pick<WorkerOptions, 'chart' | 'threads'> & { fetch: typeof fetch };
  #running = false;
  #timer: unknown;
  #tick: Promise<void> | undefined;
  #again = false;
  /** Deliveries waiting for the group commit, and the commit running now. */
  #delivered: { row: ClaimedRow; done: (stored: boolean) => void }[] = [];
  #committing: Promise<void> | undefined;

  constructor(options: WorkerOptions) {
    this.#o = {
      clock: Date.now,
      timers: realTimers,
      random: Math.random,
      pollMs: 1000,
      batchSize: 50,
      concurrency: 16,
      leaseMs: 120_000,
      sendTimeoutMs: 15_000,
      commitLingerMs: 10,
      backoff: { baseMs: 5_000, maxMs: 10 * 60_000 },
      ...options,
      fetch: options.fetch ?? fetch,
    };
    this.events.setMaxListeners(0);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops polling and waits for the sends in flight (each bounded by its timeout). */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#tick;
  }

  /** Something was queued: look now rather than at the next poll. */
  wake(): void {
    if (!this.#running) return;
    if (this.#tick) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    this.#timer = this.#o.timers.setTimeout(() => {
      this.#timer = undefined;
      this.#tick = this.#loop();
    }, ms);
  }

  async #loop(): Promise<void> {
    let claimed = 0;
    try {
      claimed = await this.runOnce();
    } catch (error) {
      this.#o.log.warn({ err: error }, 'outbox pass failed');
    }
    // The pass ends, and the next one is planned, in one synchronous step: a wake() before it
    // sets #again, one after it replaces the planned timer. (Clearing #tick in a later
    // `finally` left a gap where a wake() was counted for a pass already planned a poll away:
    // a delivery then waited up to pollMs.)
    this.#tick = undefined;
    if (!this.#running) return;
    const busy = claimed >= this.#o.batchSize || this.#again;
    this.#again = false;
    this.#schedule(busy ? 0 : this.#o.pollMs);
  }

  /** One pass: claims a batch of due rows and delivers them; returns how many it claimed. */
  async runOnce(): Promise<number> {
    const o = this.#o;
    const now = o.clock();
    const rows = await claimDue(o.db, {
      now,
      limit: o.batchSize,
      leaseMs: o.leaseMs,
      skipChannels: this.throttle.blocked(now),
    });
    if (rows.length === 0) return 0;
    const channels = new Map<string, Promise<LoadedChannel | undefined>>();
    const channelOf = (id: string) => {
      let p = channels.get(id);
      if (!p) {
        p = o.loadChannel(id);
        channels.set(id, p);
      }
      return p;
    };
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const row = rows[next++] as ClaimedRow;
        await this.#deliver(row, channelOf);
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, rows.length) }, lane));
    return rows.length;
  }

  async #deliver(
    row: ClaimedRow,
    channelOf: (id: string) => Promise<LoadedChannel | undefined>,
  ): Promise<void> {
    const o = this.#o;
    const log = o.log.child({ delivery: row.id, channel: row.channelId, notification: row.notification.id });
    let channel: LoadedChannel | undefined;
    try {
      channel = await channelOf(row.channelId);
    } catch (error) {
      await this.#record(row, { kind: 'failed', error: (error as Error).message }, log);
      return;
    }
    if (!channel) return this.#record(row, { kind: 'failed', error: 'the channel no longer exists' }, log);
    if (!channel.enabled && !row.notification.test) {
      return this.#record(row, { kind: 'failed', error: 'the channel is disabled' }, log);
    }
    const wait = this.throttle.take(channel.id, channel.rateLimitPerMinute, o.clock());
    if (wait > 0) return this.#record(row, { kind: 'deferred', at: o.clock() + wait }, log);

    let result: SendResult;
    try {
      const templated = applyTemplates(row.notification, channel.templates, {
        receiver: channel.name,
        publicUrl: o.publicUrl,
      });
      result = await send(o.senders, channel.settings, {
        notification: templated.notification,
        channelId: channel.id,
        templates: channel.templates,
        customBody: templated.customBody,
        ...(o.chart ? { chart: o.chart } : {}),
        ...(o.threads ? { threads: o.threads } : {}),
        channelName: channel.name,
        idempotencyKey: `${row.notification.id}/${row.channelId}`,
        signal: AbortSignal.timeout(o.sendTimeoutMs),
        fetch: o.fetch,
        publicUrl: o.publicUrl,
        appriseCommand: o.appriseCommand,
        timeoutMs: o.sendTimeoutMs,
      });
    } catch (error) {
      result = { ok: false, permanent: false, error: `the sender failed: ${networkReason(error)}` };
    }
    const after = o.clock();
    if (!result.ok && result.retryAfterMs !== undefined)
      this.throttle.pause(channel.id, after + result.retryAfterMs);
    await this.#record(row, this.#decide(row, result, after, channel.secretValues), log);
  }

  #decide(row: ClaimedRow, result: SendResult, now: number, secrets: string[]): Outcome {
    if (result.ok) return { kind: 'delivered' };
    const error = scrub(result.error, secrets);
    if (result.permanent) return { kind: 'failed', error };
    const attempts = row.attempts + 1;
    if (row.notification.test) return { kind: 'failed', error: `${error} (a test is not retried)` };
    const delay =
      result.retryAfterMs ?? backoffDelay(attempts - 1, { ...this.#o.backoff, random: this.#o.random });
    const at = now + Math.max(0, delay);
    if (at > row.createdAt + this.#o.maxAgeMs) {
      return {
        kind: 'failed',
        error: `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error}`,
      };
    }
    return { kind: 'retry', at, error };
  }

  /**
   * Successes are written together: each commit waits a few ms, then takes every delivery that
   * finished meanwhile, so under load one UPDATE records many. On PGlite every statement runs on
   * the event loop's thread, and one write per delivery halved the throughput.
   */
  #commitDelivered(row: ClaimedRow): Promise<boolean> {
    return new Promise((done) => {
      this.#delivered.push({ row, done });
      this.#startCommit();
    });
  }

  #startCommit(): void {
    this.#committing ??= (async () => {
      // A short linger gathers the sends finishing together into one write.
      // (A real timer here is not unref'd: sends are waiting on it.)
      const { timers, commitLingerMs } = this.#o;
      await new Promise<void>((r) =>
        timers === realTimers ? setTimeout(r, commitLingerMs) : timers.setTimeout(r, commitLingerMs),
      );
      while (this.#delivered.length > 0) {
        const batch = this.#delivered.splice(0);
        let stored = new Set<string>();
        try {
          stored = await recordDelivered(
            this.#o.db,
            batch.map((b) => b.row),
            this.#o.clock(),
          );
        } catch (error) {
          // The rows stay `sending` and are sent again once their claim lapses.
          this.#o.log.error({ err: error, rows: batch.length }, 'could not record deliveries');
        }
        for (const b of batch) b.done(stored.has(b.row.id));
      }
    })().finally(() => {
      this.#committing = undefined;
      // A delivery pushed between the loop's last check and now would wait for nobody.
      if (this.#delivered.length > 0) this.#startCommit();
    });
  }

  async #record(row: ClaimedRow, outcome: Outcome, log: Logger): Promise<void> {
    const stored =
      outcome.kind === 'delivered'
        ? await this.#commitDelivered(row)
        : await recordOutcome(this.#o.db, row, outcome, this.#o.clock());
    if (!stored) {
      log.warn('delivery claim lapsed before its outcome was recorded; another worker owns it now');
      return;
    }
    if (outcome.kind === 'delivered') log.info({ attempts: row.attempts + 1 }, 'notification delivered');
    else if (outcome.kind === 'retry')
      log.warn(
        { attempts: row.attempts + 1, error: outcome.error, retryAt: new Date(outcome.at).toISOString() },
        'delivery failed; will retry',
      );
    else if (outcome.kind === 'failed')
      log.warn({ attempts: row.attempts + 1, error: outcome.error }, 'delivery failed for good');
    this.events.emit('settled', { rowId: row.id, channelId: row.channelId, outcome } satisfies Settled);
  }
}

/** Replaces every secret value (and its URL-encoded form) in a message. */
export function scrub(message: string, secrets: string[]): string {
  let out = message;
  for (const s of secrets) {
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('********');
  }
  return out;
}
