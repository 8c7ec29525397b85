/**
 * Sessions: the cookie carries a random 256-bit secret; the store keeps only its sha256. A
 * session ends after the idle timeout without use or at its absolute end (sign-in plus the
 * absolute timeout, or the longer remember-me one), whichever is first; both are checked here
 * with the service's clock, whatever the store. The user is read fresh on every check, so a
 * role change applies to the next request.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Me, SessionInfo } from '@unity/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users } from '../db/schema.js';
import type { SessionStore, StoredSession } from './session-store.js';
import { newSecret, sha256Hex } from './tokens.js';

export const SESSION_COOKIE = 'unity_session';
/** last_seen_at is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 60_000;

export type SessionTimeouts = { idleMs: number; absoluteMs: number; rememberMs: number };
export type SessionMeta = { ip: string | null; device: string | null; remember: boolean };
export type ResolvedSession = { user: Me; session: StoredSession };
export type NewSession = { secret: string; session: StoredSession };

export const sessionHash = (secret: string): string => sha256Hex(secret);

export class Sessions {
  readonly store: SessionStore;
  readonly timeouts: SessionTimeouts;
  readonly #db: Db;
  readonly #clock: () => number;

  constructor(options: { store: SessionStore; db: Db; timeouts: SessionTimeouts; clock?: () => number }) {
    this.store = options.store;
    this.timeouts = options.timeouts;
    this.#db = options.db;
    this.#clock = options.clock ?? Date.now;
  }

  /** How long a record may live from `at` without a touch: to its idle end or its absolute end. */
  #ttl(s: StoredSession, at: number): number {
    return Math.min(this.timeouts.idleMs, s.expiresAt - at);
  }

  /** Starts a session with a fresh secret (≥128 bits: 256). */
  async create(userId: string, meta: SessionMeta): Promise<NewSession> {
    const now = this.#clock();
    const secret = newSecret();
    const session: StoredSession = {
      idHash: sessionHash(secret),
      publicId: randomBytes(16).toString('hex'),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + (meta.remember ? this.timeouts.rememberMs : this.timeouts.absoluteMs),
      remember: meta.remember,
      ip: meta.ip,
      device: meta.device,
    };
    await this.store.insert(session, this.#ttl(session, now));
    return { secret, session };
  }

  /** The session and its user for a cookie value, or undefined when absent, unknown or ended. */
  async resolve(secret: string | undefined): Promise<ResolvedSession | undefined> {
    if (!secret || secret.length > 128) return undefined;
    const now = this.#clock();
    const session = await this.store.get(sessionHash(secret));
    if (!session) return undefined;
    if (session.expiresAt <= now || now - session.lastSeenAt >= this.timeouts.idleMs) {
      await this.store.remove(session.idHash);
      return undefined;
    }
    const [user] = await this.#db
      .select({ id: users.id, username: users.username, role: users.role })
      .from(users)
      .where(eq(users.id, session.userId))
      .limit(1);
    if (!user) {
      await this.store.remove(session.idHash);
      return undefined;
    }
    if (now - session.lastSeenAt > TOUCH_EVERY_MS) {
      await this.store.touch(session.idHash, now, this.#ttl(session, now));
      session.lastSeenAt = now;
    }
    return { user, session };
  }

  async end(secret: string): Promise<void> {
    await this.store.remove(sessionHash(secret));
  }

  /** Ends the session behind `secret` and starts a new one for the same user (fixation defence). */
  async rotate(secret: string, meta: SessionMeta): Promise<NewSession | undefined> {
    const current = await this.resolve(secret);
    if (!current) return undefined;
    await this.store.remove(current.session.idHash);
    return this.create(current.user.id, meta);
  }

  /** My live sessions, newest first; `currentHash` marks the one making the request. */
  async list(userId: string, currentHash?: string): Promise<SessionInfo[]> {
    const now = this.#clock();
    return (await this.store.listOfUser(userId))
      .filter((s) => s.expiresAt > now && now - s.lastSeenAt < this.timeouts.idleMs)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((s) => ({
        id: s.publicId,
        current: s.idHash === currentHash,
        device: s.device,
        ip: s.ip,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        expiresAt: s.expiresAt,
        remember: s.remember,
      }));
  }

  /** Ends one of the user's sessions by its public id; false when the user has no such session. */
  async revoke(userId: string, publicId: string): Promise<boolean> {
    const found = (await this.store.listOfUser(userId)).find((s) => s.publicId === publicId);
    if (!found) return false;
    await this.store.remove(found.idHash);
    return true;
  }

  /** Ends every session of the user except `keepHash`; returns how many ended. */
  endAllOf(userId: string, keepHash?: string): Promise<number> {
    return this.store.removeOfUser(userId, keepHash);
  }

  prune(): Promise<void> {
    return this.store.prune(this.#clock(), this.timeouts.idleMs);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
