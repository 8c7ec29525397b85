/**
 * Storage of the admin-managed IP rules (table `ip_rules`, migration 0022): read all, and
 * replace the whole set in one transaction (the API edits the list as a whole, so the
 * self-lockout check sees exactly what will be stored).
 * @module
 */
import type { IpRule, IpRulesUpdate } from '@unity/shared';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { ipRules } from '../db/schema.js';

export type StoredIpRule = IpRule;

const eqId = (id: string) => eq(ipRules.id, id);

const toRule = (r: typeof ipRules.$inferSelect): StoredIpRule => ({
  id: r.id,
  target: r.target,
  action: r.action,
  cidr: r.cidr,
  note: r.note,
  createdAt: r.createdAt.getTime(),
});

export async function listIpRules(db: Db): Promise<StoredIpRule[]> {
  const rows = await db
    .select()
    .from(ipRules)
    .orderBy(asc(ipRules.target), asc(ipRules.action), asc(ipRules.createdAt), asc(ipRules.cidr));
  return rows.map(toRule);
}

/** Replaces every managed rule; a rule kept unchanged keeps its id and creation time. */
export async function replaceIpRules(
  db: Db,
  rules: IpRulesUpdate['rules'],
  userId: string | null,
): Promise<StoredIpRule[]> {
  await db.transaction(async (tx) => {
    const before = await tx.select().from(ipRules);
    const key = (r: { target: string; action: string; cidr: string }) => `${r.target} ${r.action} ${r.cidr}`;
    const wanted = new Map(rules.map((r) => [key(r), r]));
    for (const old of before) {
      const next = wanted.get(key(old));
      if (!next) await tx.delete(ipRules).where(eqId(old.id));
      else if (next.note !== old.note) await tx.update(ipRules).set({ note: next.note }).where(eqId(old.id));
    }
    const had = new Set(before.map(key));
    const added = rules.filter((r) => !had.has(key(r)));
    if (added.length > 0) await tx.insert(ipRules).values(added.map((r) => ({ ...r, createdBy: userId })));
  });
  return listIpRules(db);
}
