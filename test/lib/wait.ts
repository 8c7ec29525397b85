/**
 * Polling with a deadline. Tests wait for what a user would see ("within 30 s the host is
 * listed") rather than sleeping a fixed time; on timeout the error says what was awaited and
 * what was last seen, which is usually enough to tell the failure from the log alone.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** Thrown by a probe to stop waiting at once (e.g. the process under test exited). */
export class Fatal extends Error {}

/** Thrown by a probe to say what it saw instead of what it waits for; waiting goes on. */
export class NotYet extends Error {}

export type WaitOptions = { timeoutMs: number; intervalMs?: number; what: string };

/**
 * Calls `probe` until it returns a value other than undefined/false, or throws after the
 * deadline with the last value or error it saw.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs, intervalMs = 500, what }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      if (error instanceof Fatal) throw error;
      last = error;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen?.slice(0, 2000)}`,
      );
    }
    await sleep(intervalMs);
  }
}
