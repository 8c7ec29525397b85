/**
 * What a container's and a host's badges say: the container's engine state, the host's
 * presence. `undefined` unless the object is public (a removed container is no longer shown).
 * @module
 */
import { assertNever, type ContainerState } from '@unity/shared';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { containers, hosts } from '../db/schema.js';
import type { Badge, BadgeColor } from './svg.js';

export function containerStateColor(state: ContainerState): BadgeColor {
  switch (state) {
    case 'running':
      return 'brightgreen';
    case 'paused':
    case 'created':
      return 'yellow';
    case 'restarting':
    case 'removing':
      return 'orange';
    case 'exited':
    case 'dead':
      return 'red';
    case 'unknown':
      return 'lightgrey';
    default:
      return assertNever(state);
  }
}

export async function containerStatusBadge(db: Db, id: string): Promise<Badge | undefined> {
  const [row] = await db
    .select({ name: containers.name, state: containers.state })
    .from(containers)
    .where(and(eq(containers.id, id), eq(containers.public, true), isNull(containers.removedAt)));
  if (!row) return undefined;
  // The column holds what the agent sent, validated against ContainerState at ingest.
  const state = row.state as ContainerState;
  return { label: row.name, message: state, color: containerStateColor(state) };
}

export async function hostStatusBadge(
  db: Db,
  id: string,
  isOnline: (hostId: string) => boolean,
): Promise<Badge | undefined> {
  const [row] = await db
    .select({ name: hosts.name })
    .from(hosts)
    .where(and(eq(hosts.id, id), eq(hosts.public, true)));
  if (!row) return undefined;
  return isOnline(id)
    ? { label: row.name, message: 'online', color: 'brightgreen' }
    : { label: row.name, message: 'offline', color: 'red' };
}
