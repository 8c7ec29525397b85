/**
 * Runs speed tests: `start` records a `running` row and asks the host's agent over its link
 * (`speedtest.run`); progress chunks update the row, the agent's answer completes it, and a
 * failure (offline, disconnected, timed out, refused) is stored with its reason. A timer starts
 * scheduled tests when due, fails rows a restarted hub can no longer finish, and drops tests past
 * retention. A replica only starts tests for agents connected to it, so replicas never double up.
 * @module
 */
import {
  type CommandError,
  SPEEDTEST_COMMAND,
  type SpeedTest,
  type SpeedTestArgs,
  SpeedTestMeasurementSchema,
  SpeedTestProgressSchema,
  type SpeedTestTrigger,
} from '@unity/shared';
import type { AgentHub } from '../agents/agent-hub.js';
import type { Db } from '../db/client.js';
import { conflict, HubError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  completeTest,
  deleteOlderThan,
  failAbandoned,
  insertRunning,
  nextRunAt,
  recordProgress,
  schedules,
} from './store.js';

export const SPEEDTEST_DEFAULTS = { durationSeconds: 5, streams: 4, pings: 10 } as const;
/** Kept this long; a test is a dozen numbers, so a year of one every 15 minutes is small. */
export const SPEEDTEST_RETENTION_DAYS = 365;
/** A running row older than this has nobody waiting for it (longest test is under 3 minutes). */
const ABANDONED_AFTER_MS = 5 * 60_000;
const REQUEST_BYTES = 25 * 1024 * 1024;

export type SpeedTestServiceOptions = {
  db: Db;
  agents: Pick<AgentHub, 'isOnline' | 'commands'>;
  log: Logger;
  clock?: () => number;
  /** How often schedules are checked; a minute by default. */
  tickMs?: number;
};

export type StartRequest = {
  trigger: SpeedTestTrigger;
  requestedBy: string | null;
  durationSeconds?: number | undefined;
  streams?: number | undefined;
};

/** What the agent is asked to do for a test of `durationSeconds` per direction. */
export function speedTestArgs(durationSeconds: number, streams: number): SpeedTestArgs {
  const durationMs = durationSeconds * 1000;
  return {
    pings: SPEEDTEST_DEFAULTS.pings,
    durationMs,
    // A fifth of each direction (at most 2 s) lets TCP leave slow start before counting.
    warmupMs: Math.min(2000, Math.round(durationMs / 5)),
    streams,
    requestBytes: REQUEST_BYTES,
  };
}

/** Room for the pings, both directions and the connection set-up. */
export const commandTimeoutMs = (args: SpeedTestArgs) => 30_000 + 2 * args.durationMs + args.pings * 2000;

export class SpeedTests {
  readonly #o: Required<SpeedTestServiceOptions>;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #lastRetention = 0;
  #stopped = false;

  constructor(options: SpeedTestServiceOptions) {
    this.#o = { clock: Date.now, tickMs: 60_000, ...options };
  }

  /** Starts a test now; 503 when the agent is offline, 409 while one runs on this host. */
  async start(hostId: string, request: StartRequest): Promise<SpeedTest> {
    if (!this.#o.agents.isOnline(hostId))
      throw new HubError('agent_offline', 'the agent of this host is not connected');
    const args = speedTestArgs(
      request.durationSeconds ?? SPEEDTEST_DEFAULTS.durationSeconds,
      request.streams ?? SPEEDTEST_DEFAULTS.streams,
    );
    const test = await insertRunning(this.#o.db, {
      hostId,
      trigger: request.trigger,
      requestedBy: request.requestedBy,
      streams: args.streams,
      durationMs: args.durationMs,
      at: new Date(this.#o.clock()),
    });
    if (!test) throw conflict('a speed test is already running on this host');
    void this.#run(test, args);
    return test;
  }

  async #run(test: SpeedTest, args: SpeedTestArgs): Promise<void> {
    const { db, log } = this.#o;
    try {
      const result = await this.#o.agents.commands.run(test.hostId, SPEEDTEST_COMMAND, args, {
        timeoutMs: commandTimeoutMs(args),
        onChunk: async (chunk) => {
          const progress = SpeedTestProgressSchema.safeParse(safeJson(chunk));
          if (progress.success) await recordProgress(db, test.id, progress.data.phase, progress.data.percent);
        },
      });
      const at = new Date(this.#o.clock());
      if (!result.ok) {
        await completeTest(db, test.id, { ok: false, error: failureMessage(result.error) }, at);
        log.info({ hostId: test.hostId, code: result.error.code }, 'speed test failed');
        return;
      }
      const value = SpeedTestMeasurementSchema.safeParse(result.value);
      await completeTest(
        db,
        test.id,
        value.success
          ? { ok: true, value: value.data }
          : { ok: false, error: 'the agent answered an invalid result' },
        at,
      );
      if (value.success)
        log.info({ hostId: test.hostId, ...value.data, rttsMs: undefined }, 'speed test done');
    } catch (error) {
      // The database went away under a closing hub; the next start fails the row as abandoned.
      if (!this.#stopped) log.warn({ err: error, hostId: test.hostId }, 'could not record a speed test');
    }
  }

  /** Starts the schedule timer (one check at once: abandoned rows from before a restart). */
  startTimer(): void {
    this.#timer = setInterval(() => void this.tick(), this.#o.tickMs);
    this.#timer.unref();
    void this.tick();
  }

  /** One pass: abandoned rows, due schedules, hourly retention. Never two passes at once. */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick()
      .catch((error: unknown) => {
        if (!this.#stopped) this.#o.log.warn({ err: error }, 'speed test schedule pass failed');
      })
      .finally(() => {
        this.#ticking = undefined;
      });
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    const { db, clock } = this.#o;
    const now = clock();
    await failAbandoned(db, new Date(now - ABANDONED_AFTER_MS), new Date(now));
    for (const schedule of await schedules(db)) {
      if (this.#stopped) return;
      if (nextRunAt(schedule, now) > now || !this.#o.agents.isOnline(schedule.hostId)) continue;
      await this.start(schedule.hostId, { trigger: 'schedule', requestedBy: null }).catch(
        (error: unknown) => {
          if (!(error instanceof HubError)) throw error;
        },
      );
    }
    if (now - this.#lastRetention >= 3_600_000) {
      this.#lastRetention = now;
      await deleteOlderThan(db, new Date(now - SPEEDTEST_RETENTION_DAYS * 86_400_000));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#ticking;
  }
}

function failureMessage(error: CommandError): string {
  if (error.code === 'unsupported') return 'this agent cannot run speed tests; update it';
  return error.message;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
