/**
 * Brute-force regulation, after Authelia's: failed attempts are counted per client address and
 * per (account, address) — never per account alone, so nobody can lock a user out from
 * everywhere by failing on purpose. `maxRetries` failures of one account from one address within
 * `findTimeMs` ban that pair for `banTimeMs`; `ipMaxRetries` failures from one address (any
 * accounts) ban the address. Each failure also earns a growing delay before the answer.
 * Failures and bans live in the database, so every replica sees the same ones and an admin can
 * list and lift bans.
 * @module
 */
import type { Ban } from '@unity/shared';
import { and, count, desc, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { SecurityConfig } from '../config-security.js';
import type { Db } from '../db/client.js';
import { authBans, authFailures } from '../db/schema.js';

export type RegulationScope = 'signin' | 'enroll' | 'api-key';
export type Attempt = { scope: RegulationScope; ip: string; account?: string | null | undefined };
export type BanState = { banned: false } | { banned: true; until: number; account: string | null };
export type FailOutcome = { delayMs: number; ban: Ban | undefined };

const MAX_DELAY_MS = 4000;

const toBan = (r: typeof authBans.$inferSelect): Ban => ({
  id: r.id,
  scope: r.scope,
  ip: r.ip,
  account: r.account,
  failures: r.failures,
  createdAt: r.createdAt.getTime(),
  expiresAt: r.expiresAt.getTime(),
});

export class Regulator {
  readonly #db: Db;
  readonly #rules: SecurityConfig['regulation'];
  readonly #clock: () => number;
  readonly #onBan: (ban: Ban) => Promise<void>;

  constructor(options: {
    db: Db;
    rules: SecurityConfig['regulation'];
    clock?: () => number;
    /** Called once per new ban (log, audit, notify). */
    onBan?: (ban: Ban) => Promise<void>;
  }) {
    this.#db = options.db;
    this.#rules = options.rules;
    this.#clock = options.clock ?? Date.now;
    this.#onBan = options.onBan ?? (async () => {});
  }

  /** Is this address (or this account from this address) banned right now? */
  async check(a: Attempt): Promise<BanState> {
    const now = new Date(this.#clock());
    const [row] = await this.#db
      .select()
      .from(authBans)
      .where(
        and(
          eq(authBans.scope, a.scope),
          eq(authBans.ip, a.ip),
          gt(authBans.expiresAt, now),
          isNull(authBans.liftedAt),
          a.account
            ? or(isNull(authBans.account), eq(authBans.account, a.account))
            : isNull(authBans.account),
        ),
      )
      .orderBy(desc(authBans.expiresAt))
      .limit(1);
    return row ? { banned: true, until: row.expiresAt.getTime(), account: row.account } : { banned: false };
  }

  /** Records a failure; returns the delay to wait before answering and the ban it caused, if any. */
  async fail(a: Attempt): Promise<FailOutcome> {
    const now = this.#clock();
    const account = a.account ?? null;
    await this.#db.insert(authFailures).values({ scope: a.scope, ip: a.ip, account, at: new Date(now) });
    const since = new Date(now - this.#rules.findTimeMs);
    const recent = (extra: ReturnType<typeof eq> | undefined) =>
      this.#db
        .select({ n: count() })
        .from(authFailures)
        .where(
          and(eq(authFailures.scope, a.scope), eq(authFailures.ip, a.ip), gt(authFailures.at, since), extra),
        )
        .then((rows) => rows[0]?.n ?? 0);
    const forPair = account ? await recent(eq(authFailures.account, account)) : 0;
    const forIp = await recent(undefined);
    let ban: Ban | undefined;
    if (forIp >= this.#rules.ipMaxRetries) ban = await this.#ban(a.scope, a.ip, null, forIp, now);
    else if (account && forPair >= this.#rules.maxRetries)
      ban = await this.#ban(a.scope, a.ip, account, forPair, now);
    const n = Math.max(forPair, account ? 0 : forIp);
    const delayMs = Math.min(MAX_DELAY_MS, this.#rules.delayMs * 2 ** Math.max(0, n - 1));
    return { delayMs, ban };
  }

  /** A success clears the pair's failures (the address's other failures still count). */
  async succeed(a: Attempt): Promise<void> {
    if (!a.account) return;
    await this.#db
      .delete(authFailures)
      .where(
        and(eq(authFailures.scope, a.scope), eq(authFailures.ip, a.ip), eq(authFailures.account, a.account)),
      );
  }

  async #ban(scope: string, ip: string, account: string | null, failures: number, now: number): Promise<Ban> {
    const [row] = await this.#db
      .insert(authBans)
      .values({
        scope,
        ip,
        account,
        failures,
        createdAt: new Date(now),
        expiresAt: new Date(now + this.#rules.banTimeMs),
      })
      .returning();
    if (!row) throw new Error('ban insert returned no row');
    // The failures that led here are spent: after the ban, counting starts over.
    await this.#db
      .delete(authFailures)
      .where(
        and(
          eq(authFailures.scope, scope),
          eq(authFailures.ip, ip),
          account ? eq(authFailures.account, account) : undefined,
        ),
      );
    const ban = toBan(row);
    await this.#onBan(ban);
    return ban;
  }

  /** Bans in force, newest first. */
  async listBans(): Promise<Ban[]> {
    const rows = await this.#db
      .select()
      .from(authBans)
      .where(and(gt(authBans.expiresAt, new Date(this.#clock())), isNull(authBans.liftedAt)))
      .orderBy(desc(authBans.createdAt));
    return rows.map(toBan);
  }

  /** Lifts a ban in force; returns it, or undefined when there is no such ban. */
  async lift(id: string, by: string): Promise<Ban | undefined> {
    const now = new Date(this.#clock());
    const [row] = await this.#db
      .update(authBans)
      .set({ liftedAt: now, liftedBy: by })
      .where(and(eq(authBans.id, id), gt(authBans.expiresAt, now), isNull(authBans.liftedAt)))
      .returning();
    if (!row) return undefined;
    await this.#db
      .delete(authFailures)
      .where(
        and(
          eq(authFailures.scope, row.scope),
          eq(authFailures.ip, row.ip),
          row.account ? eq(authFailures.account, row.account) : undefined,
        ),
      );
    return toBan(row);
  }

  /** Drops failures older than the counting window and bans that ended a day ago. */
  async prune(): Promise<void> {
    const now = this.#clock();
    await this.#db.delete(authFailures).where(lt(authFailures.at, new Date(now - this.#rules.findTimeMs)));
    await this.#db.delete(authBans).where(lt(authBans.expiresAt, new Date(now - 86_400_000)));
  }
}
