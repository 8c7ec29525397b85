/**
 * Keeps every agent's probe set (`probes.set`) in step with the `probes` table: sent when the
 * agent comes online and after every change. The agent keeps no copy across restarts, so a
 * lost update is repaired by the next connection.
 * @module
 */
import { eq } from 'drizzle-orm';
import { agents } from '../db/schema.js';
import type { HubDeps } from '../types.js';
import { listProbes, probesFor } from './probe-store.js';

/** Sends `agentId` its probes; an offline agent gets them when it connects. */
export async function pushProbes(deps: HubDeps, agentId: string, onlyIfAny = false): Promise<void> {
  const probes = probesFor(await listProbes(deps.db), agentId);
  if (onlyIfAny && probes.length === 0) return;
  const result = await deps.agents.commands.run(agentId, 'probes.set', { probes }, { timeoutMs: 10_000 });
  if (!result.ok && result.error.code !== 'agent_offline')
    deps.log.warn({ module: 'probes', agentId, error: result.error }, 'could not send the probe set');
}

/** After a change: every agent that is online gets its (possibly now empty) set. */
export async function pushProbesToAll(deps: HubDeps): Promise<void> {
  const rows = await deps.db.select({ id: agents.id }).from(agents).where(eq(agents.revoked, false));
  await Promise.all(rows.filter((r) => deps.agents.isOnline(r.id)).map((r) => pushProbes(deps, r.id)));
}

/** Subscribes to presence: each agent that comes online is sent its set. Returns the unsubscribe. */
export function startProbeSync(deps: HubDeps): () => void {
  return deps.bus.subscribe((message) => {
    if (message.type !== 'presence' || !message.online) return;
    // After the agent's hello was handled (the presence event comes with the socket).
    setTimeout(() => void pushProbes(deps, message.hostId, true).catch(() => undefined), 1000).unref();
  });
}
