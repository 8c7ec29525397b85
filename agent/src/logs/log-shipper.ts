/**
 * Continuous shipping of opted-in containers' logs (label `unity.logs=ship`, or chosen by the
 * hub's users and sent with `logs.ship.set`): each running one is followed, and its lines go into
 * the outbox as `log_lines` items about once a second, so they survive hub outages like metrics
 * do. The latest container listing of each engine decides what is followed: a container that
 * stopped ends its follow, one that (re)started begins again after the last shipped line.
 * Listings are kept because the engine set only emits one when it changed (or once a minute),
 * and a change of the hub's list must take effect without waiting for one.
 * @module
 */
import {
  type BatchItem,
  type ContainersItem,
  type LogLine,
  type LogLinesItem,
  SHIP_LABEL,
  SHIP_LABEL_VALUE,
  type ShipTarget,
} from '@unity/shared';
import type { Logger } from 'pino';
import type { EngineClient } from '../engine/engine-client.js';
import { errorMessage } from '../errors.js';
import type { Outbox } from '../link/outbox.js';
import { readLogs } from './log-reader.js';
import { type ShipState, shipKey } from './ship-state.js';

export type LogShipperOptions = {
  outbox: Pick<Outbox, 'append'>;
  state: ShipState;
  engineFor: (engineId: string) => EngineClient | undefined;
  /** Called after lines were put into the outbox, to send them. */
  notify: () => void;
  log: Logger;
  flushMs?: number;
};

/** Lines per item and bytes per item, so one item always fits a frame. */
const MAX_ITEM_LINES = 2000;
const MAX_ITEM_BYTES = 256 * 1024;

type Follower = {
  target: ShipTarget;
  controller: AbortController;
  pending: LogLine[];
  pendingBytes: number;
  done: Promise<void>;
};

export class LogShipper {
  readonly #o: LogShipperOptions;
  readonly #followers = new Map<string, Follower>();
  #hubTargets = new Set<string>();
  /** The last listing seen per engine id. */
  readonly #listings = new Map<string, ContainersItem>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: LogShipperOptions) {
    this.#o = options;
  }

  /** The flush timer runs only while something is followed: an idle agent wakes for nothing. */
  #syncTimer(): void {
    if (this.#followers.size > 0 && !this.#timer && !this.#stopped) {
      this.#timer = setInterval(() => void this.flush(), this.#o.flushMs ?? 1000);
      this.#timer.unref();
    } else if (this.#followers.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  get following(): string[] {
    return [...this.#followers.values()].map((f) => f.target.containerId);
  }

  /** The hub's list (besides labelled containers); applied at once to the listings known. */
  setHubTargets(targets: readonly ShipTarget[]): void {
    this.#hubTargets = new Set(targets.map((t) => shipKey(t.engineId, t.containerId)));
    this.reconcile([]);
  }

  /** Remembers the listings among `items`, then starts and stops follows to match them all. */
  reconcile(items: readonly BatchItem[]): void {
    if (this.#stopped) return;
    for (const item of items) {
      if (item.kind === 'containers') this.#listings.set(item.engine.id, item as ContainersItem);
    }
    const wanted = new Map<string, ShipTarget>();
    for (const item of this.#listings.values()) {
      for (const c of item.containers) {
        const key = shipKey(item.engine.id, c.id);
        const opted = c.labels[SHIP_LABEL] === SHIP_LABEL_VALUE || this.#hubTargets.has(key);
        if (opted && c.state === 'running') wanted.set(key, { engineId: item.engine.id, containerId: c.id });
      }
    }
    for (const [key, follower] of this.#followers) {
      if (!wanted.has(key)) follower.controller.abort();
    }
    for (const [key, target] of wanted) {
      if (!this.#followers.has(key)) this.#start(key, target);
    }
  }

  #start(key: string, target: ShipTarget): void {
    const client = this.#o.engineFor(target.engineId);
    if (!client) return;
    const controller = new AbortController();
    const follower: Follower = { target, controller, pending: [], pendingBytes: 0, done: Promise.resolve() };
    this.#followers.set(key, follower);
    this.#syncTimer();
    const mark = this.#o.state.mark(key);
    const since = mark?.time;
    // Lines before the mark, and the first `n` at its time, were shipped before the restart.
    let skip = mark ? { time: mark.time, left: mark.n } : undefined;
    const log = this.#o.log.child({ container: target.containerId.slice(0, 12) });
    log.info({ since: since ?? 'start' }, 'shipping container logs');
    follower.done = readLogs(
      client,
      {
        engineId: target.engineId,
        containerId: target.containerId,
        tail: 0,
        stdout: true,
        stderr: true,
        ...(since ? { since } : {}),
      },
      {
        follow: true,
        signal: controller.signal,
        tail: 'all',
        onLines: async (lines) => {
          let fresh = lines;
          if (skip) {
            const s = skip;
            fresh = lines.filter((l) => {
              if (l.time < s.time) return false;
              if (l.time === s.time && s.left > 0) {
                s.left--;
                return false;
              }
              return true;
            });
            if (fresh.length > 0) skip = undefined;
          }
          for (const l of fresh) {
            follower.pending.push(l);
            follower.pendingBytes += l.line.length + 64;
          }
          if (follower.pending.length >= MAX_ITEM_LINES * 2) await this.flush();
        },
      },
    )
      .then((result) => {
        if (!result.ok) log.warn({ error: result.error }, 'log shipping stopped');
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) log.warn({ err: errorMessage(error) }, 'log shipping stopped');
      })
      .finally(async () => {
        await this.flush();
        if (this.#followers.get(key) === follower) this.#followers.delete(key);
        this.#syncTimer();
      });
  }

  /** Puts every follower's pending lines into the outbox (one flush at a time). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing
      .then(() => this.#flushOnce())
      .catch((error: unknown) => {
        this.#o.log.error({ err: errorMessage(error) }, 'could not store shipped log lines');
      });
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    let appended = false;
    for (const [key, follower] of this.#followers) {
      while (follower.pending.length > 0) {
        let n = 0;
        let bytes = 0;
        while (n < MAX_ITEM_LINES && n < follower.pending.length && bytes < MAX_ITEM_BYTES) {
          bytes += (follower.pending[n] as LogLine).line.length + 64;
          n++;
        }
        const lines = follower.pending.splice(0, n);
        follower.pendingBytes -= bytes;
        const item: LogLinesItem = {
          kind: 'log_lines',
          ts: Date.now(),
          engineId: follower.target.engineId,
          containerId: follower.target.containerId,
          lines,
        };
        await this.#o.outbox.append([item]);
        await this.#o.state.advance(
          key,
          lines.map((l) => l.time),
        );
        appended = true;
      }
    }
    if (appended) this.#o.notify();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const f of this.#followers.values()) f.controller.abort();
    await Promise.all([...this.#followers.values()].map((f) => f.done));
    await this.flush();
  }
}
