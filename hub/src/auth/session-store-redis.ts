/**
 * The Redis/Valkey session store, for hubs that keep no state of their own. Each session is a
 * hash `<prefix>session:<idHash>` whose TTL is min(idle timeout, time left before the absolute
 * end), renewed on each touch, so Redis itself forgets idle and finished sessions. A set per user
 * (`<prefix>user-sessions:<userId>`) indexes them for listing and revoking all; it lives as long
 * as the user's longest session and loses dead members lazily.
 * @module
 */
import { createClient } from 'redis';
import type { SessionStore, StoredSession } from './session-store.js';

type Client = ReturnType<typeof createClient>;

/** Renews a session only while it exists: a plain HSET would resurrect a revoked one. */
const TOUCH = `if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

const toHash = (s: StoredSession): Record<string, string> => ({
  publicId: s.publicId,
  userId: s.userId,
  createdAt: String(s.createdAt),
  lastSeenAt: String(s.lastSeenAt),
  expiresAt: String(s.expiresAt),
  remember: s.remember ? '1' : '0',
  ip: s.ip ?? '',
  device: s.device ?? '',
});

function fromHash(idHash: string, h: Record<string, string>): StoredSession | undefined {
  if (!h.userId || !h.publicId) return undefined;
  return {
    idHash,
    publicId: h.publicId,
    userId: h.userId,
    createdAt: Number(h.createdAt),
    lastSeenAt: Number(h.lastSeenAt),
    expiresAt: Number(h.expiresAt),
    remember: h.remember === '1',
    ip: h.ip || null,
    device: h.device || null,
  };
}

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis';

  private constructor(
    private readonly client: Client,
    private readonly prefix: string,
  ) {}

  /** Connects; fails (rejects) when the server does not answer, so the hub does not start half-working. */
  static async connect(url: string, prefix: string): Promise<RedisSessionStore> {
    const client = createClient({ url, socket: { connectTimeout: 5000 } });
    client.on('error', () => {}); // reconnects on its own; failed commands reject where they are awaited
    await client.connect();
    return new RedisSessionStore(client, prefix);
  }

  private key = (idHash: string) => `${this.prefix}session:${idHash}`;
  private userKey = (userId: string) => `${this.prefix}user-sessions:${userId}`;

  async insert(s: StoredSession, ttlMs: number): Promise<void> {
    // Inserted at creation, so the time left to the absolute end is expiresAt - lastSeenAt.
    const indexTtl = Math.max(1, s.expiresAt - s.lastSeenAt);
    await this.client
      .multi()
      .hSet(this.key(s.idHash), toHash(s))
      .pExpire(this.key(s.idHash), Math.max(1, Math.ceil(ttlMs)))
      .sAdd(this.userKey(s.userId), s.idHash)
      // NX gives a new set its TTL; GT lengthens an existing one that would end before this session.
      .pExpire(this.userKey(s.userId), indexTtl, 'NX')
      .pExpire(this.userKey(s.userId), indexTtl, 'GT')
      .exec();
  }

  async get(idHash: string): Promise<StoredSession | undefined> {
    return fromHash(idHash, await this.client.hGetAll(this.key(idHash)));
  }

  async touch(idHash: string, at: number, ttlMs: number): Promise<void> {
    await this.client.eval(TOUCH, {
      keys: [this.key(idHash)],
      arguments: [String(at), String(Math.max(1, Math.ceil(ttlMs)))],
    });
  }

  async remove(idHash: string): Promise<void> {
    const userId = await this.client.hGet(this.key(idHash), 'userId');
    const tx = this.client.multi().del(this.key(idHash));
    if (userId) tx.sRem(this.userKey(userId), idHash);
    await tx.exec();
  }

  async listOfUser(userId: string): Promise<StoredSession[]> {
    const ids = await this.client.sMembers(this.userKey(userId));
    if (ids.length === 0) return [];
    const tx = this.client.multi();
    for (const id of ids) tx.hGetAll(this.key(id));
    const hashes = (await tx.exec()) as unknown as Record<string, string>[];
    const found: StoredSession[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const s = fromHash(id, hashes[i] ?? {});
      if (s) found.push(s);
      else gone.push(id);
    });
    if (gone.length > 0) await this.client.sRem(this.userKey(userId), gone);
    return found;
  }

  async removeOfUser(userId: string, keep?: string): Promise<number> {
    const ids = (await this.client.sMembers(this.userKey(userId))).filter((id) => id !== keep);
    if (ids.length === 0) return 0;
    const tx = this.client.multi();
    for (const id of ids) tx.del(this.key(id));
    tx.sRem(this.userKey(userId), ids);
    const replies = (await tx.exec()) as unknown as number[];
    return replies.slice(0, ids.length).reduce((n, r) => n + Number(r), 0);
  }

  /** Nothing to do: key TTLs end idle and finished sessions, listing drops dead index entries. */
  async prune(): Promise<void> {}

  async close(): Promise<void> {
    await this.client.close();
  }
}
