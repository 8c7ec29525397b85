/**
 * API keys: per user, named, limited to a subset of the owner's permissions, with an expiry.
 * The key (`unity_` and 256 random bits) is shown once; only its sha256 is stored, which is
 * enough for a secret with that much entropy. Each use updates last-used and the use count.
 * A key acts with its owner's current access narrowed to its permissions, so demoting or
 * disabling the owner takes effect on the key at once.
 * @module
 */
import type { ApiKey, CreateApiKey, CreatedApiKey, Me, Permission } from '@unity/shared';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys } from '../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { type Access, permissionsOf, resolveAccess, restrictAccess } from './access.js';
import { newSecret, sha256Hex } from './tokens.js';

export const API_KEY_PREFIX = 'unity_';

type Row = typeof apiKeys.$inferSelect;

const toApiKey = (r: Row): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  permissions: r.permissions,
  expiresAt: r.expiresAt?.getTime() ?? null,
  createdAt: r.createdAt.getTime(),
  lastUsedAt: r.lastUsedAt?.getTime() ?? null,
  useCount: r.useCount,
});

export async function createApiKey(
  db: Db,
  owner: Me,
  ownerAccess: Access,
  input: CreateApiKey,
  now = Date.now(),
): Promise<CreatedApiKey> {
  const held = new Set(permissionsOf(ownerAccess));
  const extra = input.permissions.filter((p) => !held.has(p));
  if (extra.length > 0) throw badRequest(`invalid body: permissions: you do not hold ${extra.join(', ')}`);
  const key = API_KEY_PREFIX + newSecret();
  const [row] = await db
    .insert(apiKeys)
    .values({
      userId: owner.id,
      name: input.name,
      prefix: key.slice(0, API_KEY_PREFIX.length + 6),
      secretHash: sha256Hex(key),
      permissions: [...new Set(input.permissions)] as Permission[],
      expiresAt: input.expiresInDays === null ? null : new Date(now + input.expiresInDays * 86_400_000),
    })
    .returning();
  if (!row) throw new Error('api key insert returned no row');
  return { ...toApiKey(row), key };
}

export async function listApiKeys(db: Db, userId: string): Promise<ApiKey[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(toApiKey);
}

export async function deleteApiKey(db: Db, userId: string, id: string): Promise<void> {
  const gone = await db
    .delete(apiKeys)
    .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId)))
    .returning({ id: apiKeys.id });
  if (gone.length === 0) throw notFound('API key not found');
}

/** The user and access a presented key stands for; undefined when unknown, expired or its owner is disabled. */
export async function resolveApiKey(
  db: Db,
  key: string,
  now = Date.now(),
): Promise<{ user: Me; access: Access; keyId: string } | undefined> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 128) return undefined;
  const [row] = await db
    .update(apiKeys)
    .set({ lastUsedAt: new Date(now), useCount: sql`${apiKeys.useCount} + 1` })
    .where(
      and(
        eq(apiKeys.secretHash, sha256Hex(key)),
        sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > ${new Date(now).toISOString()})`,
      ),
    )
    .returning();
  if (!row) return undefined;
  const owner = await resolveAccess(db, row.userId);
  if (!owner) return undefined;
  return { user: owner.user, access: restrictAccess(owner.access, row.permissions), keyId: row.id };
}
