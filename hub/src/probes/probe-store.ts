/**
 * Probe definitions in the database: the spec is validated by the caller (the routes) and kept
 * whole as jsonb, with name, kind and enabled beside it for listing.
 * @module
 */
import { type AgentProbe, type Probe, ProbeSchema, type ProbeSpec } from '@unity/shared';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { probes } from '../db/schema.js';
import { deleteProbeSeries } from './scrape-store.js';

type Row = typeof probes.$inferSelect;

/** The stored row as the API and the agents see it. */
export function toProbe(row: Row): Probe {
  return ProbeSchema.parse({
    ...row.spec,
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });
}

export async function listProbes(db: Db): Promise<Probe[]> {
  const rows = await db.select().from(probes).orderBy(asc(probes.name), asc(probes.id));
  return rows.map(toProbe);
}

export async function getProbe(db: Db, id: string): Promise<Probe | undefined> {
  const [row] = await db.select().from(probes).where(eq(probes.id, id));
  return row ? toProbe(row) : undefined;
}

/** Whether the probe's `/badge` URLs answer (badges/publish-routes.ts sets it). */
export async function isProbePublic(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ public: probes.public }).from(probes).where(eq(probes.id, id));
  return row?.public ?? false;
}

export async function createProbe(db: Db, spec: ProbeSpec): Promise<Probe> {
  const [row] = await db
    .insert(probes)
    .values({ name: spec.name, kind: spec.kind, enabled: spec.enabled, spec })
    .returning();
  return toProbe(row as Row);
}

export async function updateProbe(db: Db, id: string, spec: ProbeSpec): Promise<Probe | undefined> {
  const [row] = await db
    .update(probes)
    .set({ name: spec.name, kind: spec.kind, enabled: spec.enabled, spec, updatedAt: new Date() })
    .where(eq(probes.id, id))
    .returning();
  return row ? toProbe(row) : undefined;
}

/** Deletes the probe, (by cascade) its results and any series it scraped; false when there was none. */
export async function deleteProbe(db: Db, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.delete(probes).where(eq(probes.id, id)).returning({ id: probes.id });
    if (rows.length > 0) await deleteProbeSeries(tx, id);
    return rows.length > 0;
  });
}

const runByAgents = (p: Probe): p is AgentProbe => p.kind !== 'push';

/**
 * The enabled probes `agentId` should run: those assigned to it, and those assigned to nobody
 * (every agent). Never push probes: the hub checks those itself.
 */
export function probesFor(all: Probe[], agentId: string): AgentProbe[] {
  return all
    .filter(runByAgents)
    .filter((p) => p.enabled && (p.agentIds.length === 0 || p.agentIds.includes(agentId)));
}
