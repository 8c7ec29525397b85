/**
 * The Containers page's logic, kept pure so it is tested without a browser: filter by host,
 * state, label and name, sort by name, CPU or memory, and group by Compose stack (containers
 * outside any stack last, in a group of their own).
 * @module
 */
import { assertNever, type Container, stackId } from '@unity/shared';

export type ContainerSort = 'name' | 'cpu' | 'memory';
export type ContainerFilter = {
  host?: string;
  state?: string;
  /** `key` or `key=value`. */
  label?: string;
  /** Part of the name, any case. */
  name?: string;
};
export type ContainerGroup = {
  key: string;
  /** The stack's name, or null for the containers outside any stack. */
  stack: string | null;
  hostId: string | null;
  running: number;
  containers: Container[];
};

function matchesLabel(c: Container, label: string): boolean {
  const [key = '', ...rest] = label.split('=');
  const value = rest.join('=');
  if (!(key in c.labels)) return false;
  return rest.length === 0 || c.labels[key] === value;
}

export function filterContainers(items: readonly Container[], f: ContainerFilter): Container[] {
  const name = f.name?.trim().toLowerCase();
  const label = f.label?.trim();
  return items.filter(
    (c) =>
      (!f.host || c.hostId === f.host) &&
      (!f.state || c.state === f.state) &&
      (!name || c.name.toLowerCase().includes(name)) &&
      (!label || matchesLabel(c, label)),
  );
}

/** Biggest first for CPU and memory (a missing sample counts as the smallest). */
export function sortContainers(items: readonly Container[], sort: ContainerSort): Container[] {
  const by = (v: (c: Container) => number | null) => (a: Container, b: Container) =>
    (v(b) ?? -1) - (v(a) ?? -1) || a.name.localeCompare(b.name);
  switch (sort) {
    case 'name':
      return [...items].sort((a, b) => a.name.localeCompare(b.name));
    case 'cpu':
      return [...items].sort(by((c) => c.cpuPercent));
    case 'memory':
      return [...items].sort(by((c) => c.memoryBytes));
    default:
      return assertNever(sort);
  }
}

/** Groups in the order their first container appears, so a sort orders the groups too. */
export function groupByStack(items: readonly Container[]): ContainerGroup[] {
  const groups = new Map<string, ContainerGroup>();
  let loose: ContainerGroup | undefined;
  for (const c of items) {
    let group: ContainerGroup | undefined;
    if (c.composeProject) {
      const key = stackId(c.hostId, c.engineId, c.composeProject);
      group = groups.get(key);
      if (!group) {
        group = { key, stack: c.composeProject, hostId: c.hostId, running: 0, containers: [] };
        groups.set(key, group);
      }
    } else {
      loose ??= { key: '', stack: null, hostId: null, running: 0, containers: [] };
      group = loose;
    }
    group.containers.push(c);
    if (c.state === 'running') group.running += 1;
  }
  return [...groups.values(), ...(loose ? [loose] : [])];
}
