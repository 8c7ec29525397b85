/**
 * Runs a container action on the agent of the container's host and writes the attempt to the
 * audit log, whatever its outcome.
 * @module
 */
import type { Container, ContainerAction, ContainerActionBody, Me } from '@unity/shared';
import { commandFailure } from '../agents/command-errors.js';
import { recordAudit } from '../audit/audit-log.js';
import type { HubError } from '../errors.js';
import type { HubDeps } from '../types.js';

/** Stopping waits up to the container's stop timeout (10 s by default) before killing. */
export const ACTION_TIMEOUT_MS = 60_000;

export type ActionRequest = {
  user: Me;
  ip: string | null;
  container: Container;
  action: ContainerAction;
  body: ContainerActionBody;
};

export async function runContainerAction(
  deps: Pick<HubDeps, 'db' | 'agents'>,
  req: ActionRequest,
  timeoutMs = Math.max(ACTION_TIMEOUT_MS, ((req.body.timeoutSec ?? 0) + 30) * 1000),
): Promise<{ ok: true } | { ok: false; error: HubError }> {
  const { container, action } = req;
  const result = await deps.agents.commands.run(
    container.hostId,
    'container.action',
    { ...req.body, engineId: container.engineId, containerId: container.containerId, action },
    { timeoutMs },
  );
  const error = result.ok ? undefined : commandFailure(result.error);
  await recordAudit(deps.db, {
    user: req.user,
    ip: req.ip,
    action: `container.${action}`,
    objectType: 'container',
    objectId: container.id,
    objectName: container.name,
    outcome: error ? error.code : 'ok',
    message: error?.message ?? null,
  });
  return error ? { ok: false, error } : { ok: true };
}
