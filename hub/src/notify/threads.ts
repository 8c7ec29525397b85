/**
 * The thread store of threaded channels (Slack with a bot token), in the database so threading
 * survives a hub restart: one row per channel and alert group with the `ts` of the group's first
 * message. `serial` keeps two messages of one group in this process from both starting a thread
 * (the worker sends several deliveries at once).
 * @module
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { notifyThreads } from '../db/schema.js';
import type { ThreadRef, ThreadStore } from './channels/types.js';

export class DbThreadStore implements ThreadStore {
  readonly #db: Db;
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(db: Db) {
    this.#db = db;
  }

  async get(channelId: string, groupKey: string): Promise<ThreadRef | undefined> {
    const [row] = await this.#db
      .select({ ts: notifyThreads.threadTs, channel: notifyThreads.conversation })
      .from(notifyThreads)
      .where(and(eq(notifyThreads.channelId, channelId), eq(notifyThreads.groupKey, groupKey)));
    return row;
  }

  async set(channelId: string, groupKey: string, ref: ThreadRef): Promise<void> {
    await this.#db
      .insert(notifyThreads)
      .values({ channelId, groupKey, threadTs: ref.ts, conversation: ref.channel })
      .onConflictDoUpdate({
        target: [notifyThreads.channelId, notifyThreads.groupKey],
        set: { threadTs: ref.ts, conversation: ref.channel, createdAt: new Date() },
      });
  }

  async delete(channelId: string, groupKey: string): Promise<void> {
    await this.#db
      .delete(notifyThreads)
      .where(and(eq(notifyThreads.channelId, channelId), eq(notifyThreads.groupKey, groupKey)));
  }

  serial<T>(channelId: string, groupKey: string, fn: () => Promise<T>): Promise<T> {
    const key = `${channelId}\n${groupKey}`;
    const run = (this.#queues.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#queues.set(key, tail);
    void tail.then(() => {
      if (this.#queues.get(key) === tail) this.#queues.delete(key);
    });
    return run;
  }
}
