/**
 * Keeps each agent's list of UI-chosen containers to ship (`logs.ship.set`) in step with the
 * `log_ship_settings` table: sent when the agent comes online and after every change. The agent
 * keeps no copy, so a lost update is repaired by the next connection.
 * @module
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { containers, logShipSettings } from '../db/schema.js';
import type { HubDeps } from '../types.js';

export async function shipTargetsOf(db: Db, hostId: string) {
  return db
    .select({ engineId: containers.engineId, containerId: containers.containerId })
    .from(logShipSettings)
    .innerJoin(containers, eq(containers.id, logShipSettings.containerId))
    .where(and(eq(logShipSettings.hostId, hostId), isNull(containers.removedAt)));
}

/**
 * Sends `hostId`'s list to its agent; an offline agent gets it when it connects. `onlyIfAny`:
 * a freshly started agent already has the empty list, so it is sent nothing then.
 */
export async function pushShipTargets(deps: HubDeps, hostId: string, onlyIfAny = false): Promise<void> {
  const targets = await shipTargetsOf(deps.db, hostId);
  if (onlyIfAny && targets.length === 0) return;
  const result = await deps.agents.commands.run(
    hostId,
    'logs.ship.set',
    { containers: targets },
    { timeoutMs: 10_000 },
  );
  if (!result.ok && result.error.code !== 'agent_offline')
    deps.log.warn({ module: 'logs', hostId, error: result.error }, 'could not send the containers to ship');
}

/** Subscribes to presence: each agent that comes online is sent its list. Returns the unsubscribe. */
export function startShipSync(deps: HubDeps): () => void {
  return deps.bus.subscribe((message) => {
    if (message.type !== 'presence' || !message.online) return;
    // After the agent's hello was handled (the presence event comes with the socket).
    setTimeout(() => void pushShipTargets(deps, message.hostId, true).catch(() => undefined), 1000).unref();
  });
}
