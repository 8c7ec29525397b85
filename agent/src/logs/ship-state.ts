/**
 * Where shipping stopped, per container: the time of the last line put into the outbox, kept in
 * `<state>/logs-ship.json` so a restarted agent (or a restarted container) resumes after it
 * instead of shipping the whole log again or skipping what was written while it was down.
 * Written after the outbox batch it describes: a crash between the two re-ships those lines at
 * most, never loses them.
 * @module
 */

import { join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readFile } from '../util/fs-async.js';
import { Serial } from '../util/serial.js';

/**
 * Per container: the last shipped line's time and how many shipped lines carry exactly that
 * time. Some engines (Podman 4) give whole seconds only, so on resume the first `n` lines of that
 * second are the ones already shipped.
 */
const MarkSchema = z.object({ time: z.string(), n: z.int().check(z.nonnegative()) });
const StateSchema = z.record(z.string(), MarkSchema);

export type ShipMark = z.infer<typeof MarkSchema>;

export const shipKey = (engineId: string, containerId: string): string => `${engineId}\n${containerId}`;

export class ShipState {
  readonly #path: string;
  readonly #serial = new Serial();
  #marks: Record<string, ShipMark> = {};

  private constructor(stateDir: string) {
    this.#path = join(stateDir, 'logs-ship.json');
  }

  static async open(stateDir: string): Promise<ShipState> {
    const state = new ShipState(stateDir);
    try {
      const parsed = StateSchema.safeParse(JSON.parse(await readFile(state.#path, 'utf8')));
      if (parsed.success) state.#marks = parsed.data;
    } catch {
      // No file yet (or a torn one from an old crash): start from the container's first line.
    }
    return state;
  }

  mark(key: string): ShipMark | undefined {
    return this.#marks[key];
  }

  /** Records that `times` (in order) were shipped after everything before; persists the mark. */
  advance(key: string, times: readonly string[]): Promise<void> {
    const last = times[times.length - 1];
    if (last === undefined) return Promise.resolve();
    let n = 0;
    for (let i = times.length - 1; i >= 0 && times[i] === last; i--) n++;
    const previous = this.#marks[key];
    if (previous?.time === last && n === times.length) n += previous.n;
    this.#marks[key] = { time: last, n };
    return this.#serial.run(() => writeFileAtomic(this.#path, JSON.stringify(this.#marks)));
  }
}
