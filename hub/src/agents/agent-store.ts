/**
 * Agent rows: creation at enrollment (with its host), lookup for connect-token checks, and the
 * facts an agent restates in each `hello`.
 * @module
 */
import type { Ed25519PublicJwk, HelloFrame, HostFacts } from '@unity/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { agents, hosts } from '../db/schema.js';

export type AgentRecord = typeof agents.$inferSelect;

/** Creates an agent and its host (same id); call inside the enrollment transaction. */
export async function createAgent(
  db: Db,
  input: { publicKey: Ed25519PublicJwk; host: HostFacts; enrollmentTokenId: string | null },
): Promise<string> {
  const [row] = await db
    .insert(agents)
    .values({
      publicJwk: input.publicKey,
      hostname: input.host.hostname,
      os: input.host.os,
      kernel: input.host.kernel,
      arch: input.host.arch,
      cpus: input.host.cpus,
      memoryBytes: input.host.memoryBytes,
      enrollmentTokenId: input.enrollmentTokenId,
    })
    .returning({ id: agents.id });
  if (!row) throw new Error('agent insert returned no row');
  await db.insert(hosts).values({ id: row.id, name: input.host.hostname });
  return row.id;
}

export async function findAgent(db: Db, id: string): Promise<AgentRecord | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.id, id)).limit(1);
  return row;
}

/** Records what the agent says about itself in `hello`; the host keeps its name in sync. */
export async function recordHello(db: Db, id: string, hello: HelloFrame): Promise<void> {
  await db
    .update(agents)
    .set({
      agentVersion: hello.agentVersion,
      hostname: hello.host.hostname,
      os: hello.host.os,
      kernel: hello.host.kernel,
      arch: hello.host.arch,
      cpus: hello.host.cpus,
      memoryBytes: hello.host.memoryBytes,
      lastSeenAt: new Date(),
    })
    .where(eq(agents.id, id));
  await db.update(hosts).set({ name: hello.host.hostname }).where(eq(hosts.id, id));
}

export async function touchAgent(db: Db, id: string): Promise<void> {
  await db.update(agents).set({ lastSeenAt: new Date() }).where(eq(agents.id, id));
}
