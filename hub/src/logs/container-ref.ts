/**
 * The container a logs request names (the hub's 16-hex id), including a removed one: its
 * stored lines stay readable until retention deletes them.
 * @module
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { containers } from '../db/schema.js';

export const ContainerParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits') });

export type ContainerRef = {
  id: string;
  hostId: string;
  engineId: string;
  containerId: string;
  name: string;
  labels: Record<string, string>;
  removed: boolean;
};

export async function findContainerRef(db: Db, id: string): Promise<ContainerRef | undefined> {
  const [row] = await db
    .select({
      id: containers.id,
      hostId: containers.hostId,
      engineId: containers.engineId,
      containerId: containers.containerId,
      name: containers.name,
      labels: containers.labels,
      removedAt: containers.removedAt,
    })
    .from(containers)
    .where(eq(containers.id, id));
  if (!row) return undefined;
  const { removedAt, ...rest } = row;
  return { ...rest, removed: removedAt !== null };
}
