/**
 * The PostgreSQL (and PGlite) session store: the `sessions` table, one row per session.
 * @module
 */
import { and, eq, lt, ne, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sessions } from '../db/schema.js';
import type { SessionStore, StoredSession } from './session-store.js';

type Row = typeof sessions.$inferSelect;

const fromRow = (r: Row): StoredSession => ({
  idHash: r.idHash,
  publicId: r.publicId,
  userId: r.userId,
  createdAt: r.createdAt.getTime(),
  lastSeenAt: r.lastSeenAt.getTime(),
  expiresAt: r.expiresAt.getTime(),
  remember: r.remember,
  ip: r.ip,
  device: r.device,
});

export class PgSessionStore implements SessionStore {
  readonly kind = 'postgres';

  constructor(private readonly db: Db) {}

  async insert(s: StoredSession): Promise<void> {
    await this.db.insert(sessions).values({
      idHash: s.idHash,
      publicId: s.publicId,
      userId: s.userId,
      createdAt: new Date(s.createdAt),
      lastSeenAt: new Date(s.lastSeenAt),
      expiresAt: new Date(s.expiresAt),
      remember: s.remember,
      ip: s.ip,
      device: s.device,
    });
  }

  async get(idHash: string): Promise<StoredSession | undefined> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.idHash, idHash)).limit(1);
    return row ? fromRow(row) : undefined;
  }

  async touch(idHash: string, at: number): Promise<void> {
    await this.db
      .update(sessions)
      .set({ lastSeenAt: new Date(at) })
      .where(eq(sessions.idHash, idHash));
  }

  async remove(idHash: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.idHash, idHash));
  }

  async listOfUser(userId: string): Promise<StoredSession[]> {
    const rows = await this.db.select().from(sessions).where(eq(sessions.userId, userId));
    return rows.map(fromRow);
  }

  async removeOfUser(userId: string, keep?: string): Promise<number> {
    const rows = await this.db
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), keep ? ne(sessions.idHash, keep) : undefined))
      .returning({ idHash: sessions.idHash });
    return rows.length;
  }

  async prune(now: number, idleMs: number): Promise<void> {
    await this.db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, new Date(now)), lt(sessions.lastSeenAt, new Date(now - idleMs))));
  }

  async close(): Promise<void> {}
}
