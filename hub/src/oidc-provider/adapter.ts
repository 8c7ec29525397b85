/**
 * oidc-provider's storage in Unity's database: one row per (model, id) in `oidc_payloads`
 * (sessions, interactions, grants, codes, access and refresh tokens), on PostgreSQL and PGlite
 * alike. The `Client` model is not stored here: clients are the rows admins registered, read
 * through `clientMetadata` (clients-store.ts), so a deleted client stops working at once.
 * Expired rows are treated as absent and swept by `sweepExpired`.
 * @module
 */
import { and, eq, gt, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../db/client.js';
import { oidcPayloads } from '../db/schema.js';

/** Models whose rows carry a grant id and die with their grant (revokeByGrantId). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'ClientCredentials',
  'BackchannelAuthenticationRequest',
]);

export type ClientLookup = (clientId: string) => Promise<AdapterPayload | undefined>;

export function adapterFactory(db: Db, clients: ClientLookup, clock: () => number = Date.now) {
  return (model: string): Adapter => new DbAdapter(db, model, clients, clock);
}

class DbAdapter implements Adapter {
  constructor(
    private readonly db: Db,
    private readonly model: string,
    private readonly clients: ClientLookup,
    private readonly clock: () => number,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const row = {
      model: this.model,
      id,
      payload: payload as Record<string, unknown>,
      grantId: GRANTABLE.has(this.model) ? (payload.grantId ?? null) : null,
      userCode: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expiresAt: expiresIn ? new Date(this.clock() + expiresIn * 1000) : null,
    };
    await this.db
      .insert(oidcPayloads)
      .values(row)
      .onConflictDoUpdate({
        target: [oidcPayloads.model, oidcPayloads.id],
        set: {
          payload: row.payload,
          grantId: row.grantId,
          userCode: row.userCode,
          uid: row.uid,
          expiresAt: row.expiresAt,
        },
      });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.model === 'Client') return this.clients(id);
    return this.findWhere(eq(oidcPayloads.id, id));
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere(eq(oidcPayloads.uid, uid));
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere(eq(oidcPayloads.userCode, userCode));
  }

  async consume(id: string): Promise<void> {
    await this.db
      .update(oidcPayloads)
      .set({ consumedAt: new Date(this.clock()) })
      .where(and(eq(oidcPayloads.model, this.model), eq(oidcPayloads.id, id)));
  }

  async destroy(id: string): Promise<void> {
    await this.db
      .delete(oidcPayloads)
      .where(and(eq(oidcPayloads.model, this.model), eq(oidcPayloads.id, id)));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.delete(oidcPayloads).where(eq(oidcPayloads.grantId, grantId));
  }

  private async findWhere(where: ReturnType<typeof eq>): Promise<AdapterPayload | undefined> {
    const now = new Date(this.clock());
    const [row] = await this.db
      .select()
      .from(oidcPayloads)
      .where(
        and(
          eq(oidcPayloads.model, this.model),
          where,
          or(isNull(oidcPayloads.expiresAt), gt(oidcPayloads.expiresAt, now)),
        ),
      )
      .limit(1);
    if (!row) return undefined;
    const payload = row.payload as AdapterPayload;
    // oidc-provider reads `consumed` to refuse a second use of a code or rotated refresh token.
    return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
  }
}

/** Deletes rows past their expiry; run on a timer by the provider module. */
export async function sweepExpired(db: Db, now: number): Promise<void> {
  await db
    .delete(oidcPayloads)
    .where(and(isNotNull(oidcPayloads.expiresAt), lt(oidcPayloads.expiresAt, new Date(now))));
}
