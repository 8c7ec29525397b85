/**
 * Compose stacks, derived from containers: one stack per (host, engine, project). The project and
 * service come from `com.docker.compose.*` labels, or Podman's `io.podman.compose.*` ones
 * (podman-compose sets both; the agent already folds them into composeProject/composeService).
 * Pure, so the hub's `/api/stacks` and the UI's grouped container list agree.
 * @module
 */
import type { Stack, StackContainer } from '../api/inventory.js';
import type { Container } from '../api/schemas.js';

/** The label systemd-managed Podman containers carry (Quadlet, `podman generate systemd`). */
export const SYSTEMD_UNIT_LABEL = 'PODMAN_SYSTEMD_UNIT';

export const systemdUnitOf = (labels: Record<string, string>): string | null =>
  labels[SYSTEMD_UNIT_LABEL] || null;

/** The stack's id: readable, and unique per host and engine. */
export const stackId = (hostId: string, engineId: string, name: string): string =>
  `${hostId}/${engineId}/${name}`;

function stackContainer(c: Container): StackContainer {
  return {
    id: c.id,
    name: c.name,
    service: c.composeService,
    state: c.state,
    cpuPercent: c.cpuPercent,
    memoryBytes: c.memoryBytes,
    systemdUnit: systemdUnitOf(c.labels),
  };
}

/**
 * Groups the containers that belong to a Compose project into stacks, sorted by name, then host.
 * Containers without a project are not part of any stack. A container without a service label
 * counts under the service `(none)`.
 */
export function groupStacks(containers: readonly Container[]): Stack[] {
  const byKey = new Map<string, Stack>();
  for (const c of containers) {
    if (!c.composeProject) continue;
    const id = stackId(c.hostId, c.engineId, c.composeProject);
    let stack = byKey.get(id);
    if (!stack) {
      stack = {
        id,
        name: c.composeProject,
        hostId: c.hostId,
        engineId: c.engineId,
        engineKind: c.engineKind,
        services: [],
        containers: [],
        running: 0,
        total: 0,
      };
      byKey.set(id, stack);
    }
    const running = c.state === 'running';
    const serviceName = c.composeService ?? '(none)';
    let service = stack.services.find((s) => s.name === serviceName);
    if (!service) {
      service = { name: serviceName, running: 0, total: 0 };
      stack.services.push(service);
    }
    service.total += 1;
    stack.total += 1;
    if (running) {
      service.running += 1;
      stack.running += 1;
    }
    stack.containers.push(stackContainer(c));
  }
  const stacks = [...byKey.values()];
  for (const s of stacks) {
    s.services.sort((a, b) => a.name.localeCompare(b.name));
    s.containers.sort(
      (a, b) => (a.service ?? '').localeCompare(b.service ?? '') || a.name.localeCompare(b.name),
    );
  }
  return stacks.sort((a, b) => a.name.localeCompare(b.name) || a.hostId.localeCompare(b.hostId));
}
