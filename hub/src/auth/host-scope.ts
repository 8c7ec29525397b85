/**
 * Scope filters for host-bound objects: which hosts a request may see or touch with a
 * permission. A binding scoped to `team=media` lets its holder see only the hosts labelled so,
 * and the containers on them.
 * @module
 */
import type { Permission } from '@unity/shared';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import type { Db } from '../db/client.js';
import { containers, hosts } from '../db/schema.js';
import { notFound, unauthorized } from '../errors.js';
import type { HubEnv } from '../types.js';
import { type Access, canOnHost } from './access.js';

/** `'all'`, or the ids of the hosts `p` is granted on. */
export async function visibleHostIds(
  db: Db,
  access: Access | undefined,
  p: Permission,
): Promise<'all' | Set<string>> {
  const grantOf = access?.get(p);
  if (grantOf === 'all') return 'all';
  if (!grantOf) return new Set();
  const rows = await db.select({ id: hosts.id, labels: hosts.labels }).from(hosts);
  return new Set(rows.filter((h) => canOnHost(access, p, h)).map((h) => h.id));
}

/** The request's host filter for `p` (route permission checks have already run). */
export function hostFilterOf(c: Context<HubEnv>, db: Db, p: Permission): Promise<'all' | Set<string>> {
  if (!c.get('user')) throw unauthorized('sign in first');
  return visibleHostIds(db, c.get('access'), p);
}

export const hostVisible = (filter: 'all' | Set<string>, hostId: string): boolean =>
  filter === 'all' || filter.has(hostId);

/**
 * Answers 404, as for a container that does not exist, when the container's host is outside the
 * caller's scopes for `p`. Unscoped callers pay no query.
 */
export async function assertContainerVisible(
  c: Context<HubEnv>,
  db: Db,
  p: Permission,
  containerId: string,
): Promise<void> {
  const visible = await hostFilterOf(c, db, p);
  if (visible === 'all') return;
  const [row] = await db
    .select({ hostId: containers.hostId })
    .from(containers)
    .where(eq(containers.id, containerId))
    .limit(1);
  if (!row || !visible.has(row.hostId)) throw notFound('container not found');
}

/** Answers 404, as for a host that does not exist, when the host is outside the caller's scopes. */
export async function assertHostVisible(
  c: Context<HubEnv>,
  db: Db,
  p: Permission,
  hostId: string,
): Promise<void> {
  if (!hostVisible(await hostFilterOf(c, db, p), hostId)) throw notFound('host not found');
}

/** The items on hosts within the caller's scopes for `p` (all of them when unscoped). */
export async function onVisibleHosts<T extends { hostId: string }>(
  c: Context<HubEnv>,
  db: Db,
  p: Permission,
  items: T[],
): Promise<T[]> {
  const visible = await hostFilterOf(c, db, p);
  return visible === 'all' ? items : items.filter((i) => visible.has(i.hostId));
}
