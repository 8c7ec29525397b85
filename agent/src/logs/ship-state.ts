/**
 * Where shipping stopped, per container: the time of the last line put into the outbox, kept in
 * `<state>/logs-ship.json` so a restarted agent (or a restarted container) resumes after it
 * instead of shipping the whole log again or skipping what was written while it was down.
 * Written after the outbox batch it describes: a crash between the two re-ships those lines at
 * most, never loses them.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write.js';
import { Serial } from '../util/serial.js';

const StateSchema = z.record(z.string(), z.string());

export const shipKey = (engineId: string, containerId: string): string => `${engineId}\n${containerId}`;

export class ShipState {
  readonly #path: string;
  readonly #serial = new Serial();
  #times: Record<string, string> = {};

  private constructor(stateDir: string) {
    this.#path = join(stateDir, 'logs-ship.json');
  }

  static async open(stateDir: string): Promise<ShipState> {
    const state = new ShipState(stateDir);
    try {
      const parsed = StateSchema.safeParse(JSON.parse(await readFile(state.#path, 'utf8')));
      if (parsed.success) state.#times = parsed.data;
    } catch {
      // No file yet (or a torn one from an old crash): start from the container's first line.
    }
    return state;
  }

  lastTime(key: string): string | undefined {
    return this.#times[key];
  }

  /** Records the last shipped line's time and persists it. */
  set(key: string, time: string): Promise<void> {
    this.#times[key] = time;
    return this.#serial.run(() => writeFileAtomic(this.#path, JSON.stringify(this.#times)));
  }
}
