/**
 * The alert engine: `evaluate(now)` loads the enabled rules, asks the source for their data,
 * runs the pure core, writes the changed instance states and the transitions in one
 * transaction, then hands the notifications to `onEvaluated` (the router's intake). `start`
 * runs it every interval, never two evaluations at once.
 *
 * Instance states are read from the database once, then kept in memory (this process is the
 * only writer); a failed write drops that copy so the next evaluation starts from what is stored.
 * A failed evaluation is not handed on: the next one produces the same transitions again.
 * @module
 */
import type { NotifiedAlert } from '@unity/shared';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { type EvalOutput, evaluate } from './eval/evaluate.js';
import type { EvalRule, InstanceState } from './eval/types.js';
import type { AlertSource } from './source/db-source.js';
import { firedCounts, listRules, loadInstances, saveEvaluation, startsEpisode } from './store.js';

export type AlertEngineOptions = {
  db: Db;
  source: AlertSource;
  log: Logger;
  /** Receives every firing instance and every instance resolved in this evaluation. */
  onEvaluated: (alerts: NotifiedAlert[], now: Date) => void | Promise<void>;
  /** The clock for the runtime loop; Date.now by default. */
  clock?: () => number;
};

const WEEK_MS = 7 * 86_400_000;
/** How often the 7-day firing counts (for "fired 4 times in the last 7 days") are re-read. */
const COUNTS_REFRESH_MS = 5 * 60_000;

export class AlertEngine {
  #instances: Map<string, InstanceState> | undefined;
  #counts: { at: number; map: Map<string, number> } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;
  readonly #clock: () => number;

  constructor(private readonly o: AlertEngineOptions) {
    this.#clock = o.clock ?? Date.now;
  }

  #queue: Promise<unknown> = Promise.resolve();

  /**
   * One evaluation at `now`; resolves once it is stored and handed on. Calls run one after
   * another (the loop and a manual call never interleave their reads and writes).
   */
  evaluate(now?: Date): Promise<EvalOutput> {
    const run = this.#queue.then(() => this.#evaluate(now ?? new Date(this.#clock())));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #evaluate(now: Date): Promise<EvalOutput> {
    const t = now.getTime();
    const { rules, invalid } = await listRules(this.o.db);
    if (invalid.length > 0)
      this.o.log.warn({ rules: invalid }, 'stored alert rules that no longer validate are skipped');
    const enabled: EvalRule[] = rules.filter((r) => r.enabled);
    this.#instances ??= new Map((await loadInstances(this.o.db)).map((i) => [i.fingerprint, i]));
    const previous = this.#instances;
    const counts = await this.#firedCounts(t);
    const data = await this.o.source.collect(enabled, t);
    for (const [ruleId, d] of data)
      if ('error' in d) this.o.log.warn({ ruleId, error: d.error }, 'alert rule could not be evaluated');
    const out = evaluate({
      rules: enabled,
      data,
      previous: [...previous.values()],
      now: t,
      firedCounts: (fp) => counts.get(fp) ?? 0,
    });
    try {
      await saveEvaluation(this.o.db, out, previous);
    } catch (error) {
      this.#instances = undefined;
      throw error;
    }
    this.#instances = new Map(out.states.map((s) => [s.fingerprint, s]));
    for (const tr of out.transitions)
      if (startsEpisode(tr)) counts.set(tr.fingerprint, (counts.get(tr.fingerprint) ?? 0) + 1);
    if (out.transitions.length > 0)
      this.o.log.debug(
        { transitions: out.transitions.length, alerts: out.alerts.length },
        'alerts evaluated',
      );
    await this.o.onEvaluated(out.alerts, now);
    return out;
  }

  async #firedCounts(now: number): Promise<Map<string, number>> {
    if (!this.#counts || now - this.#counts.at > COUNTS_REFRESH_MS || now < this.#counts.at)
      this.#counts = { at: now, map: await firedCounts(this.o.db, now - WEEK_MS) };
    return this.#counts.map;
  }

  /** Evaluates every `intervalMs` (the first one right away) until stop(). */
  start(intervalMs: number): void {
    this.#stopped = false;
    const tick = () => {
      this.#running = this.evaluate()
        .catch((error: unknown) => this.o.log.error({ err: error }, 'alert evaluation failed'))
        .finally(() => {
          if (!this.#stopped) {
            this.#timer = setTimeout(tick, intervalMs);
            this.#timer.unref();
          }
        });
    };
    tick();
  }

  /** Stops the loop and waits for an evaluation in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
