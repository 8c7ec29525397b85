/**
 * Where sessions live: PostgreSQL by default, Redis/Valkey when REDIS_URL is set (hubs that keep
 * no state of their own). A store only keeps records keyed by the sha256 of the session secret;
 * the timeouts are decided by the session service (sessions.ts) with its clock, so both stores
 * behave the same under one test suite. The Redis store also lets keys expire by TTL.
 * @module
 */

export type StoredSession = {
  /** sha256 (hex) of the secret in the cookie; the secret itself is stored nowhere. */
  idHash: string;
  /** Opaque, random; listed to the user and used to revoke. */
  publicId: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute end (ms). */
  expiresAt: number;
  remember: boolean;
  ip: string | null;
  device: string | null;
};

export interface SessionStore {
  readonly kind: 'postgres' | 'redis';
  /** `ttlMs`: how long the record may be kept without a touch (Redis key TTL). */
  insert(session: StoredSession, ttlMs: number): Promise<void>;
  get(idHash: string): Promise<StoredSession | undefined>;
  touch(idHash: string, at: number, ttlMs: number): Promise<void>;
  remove(idHash: string): Promise<void>;
  listOfUser(userId: string): Promise<StoredSession[]>;
  /** Removes every session of the user except `keep` (an idHash); returns how many. */
  removeOfUser(userId: string, keep?: string): Promise<number>;
  /** Drops records past their absolute end or idle for longer than `idleMs`. */
  prune(now: number, idleMs: number): Promise<void>;
  close(): Promise<void>;
}
