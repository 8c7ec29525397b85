/**
 * Container check: "container X is running and healthy", evaluated by the agent the probe is
 * assigned to, from an `inspect` of the container on its own engines. Up when the container is
 * running and, if it has a health check, healthy; otherwise down with the reason a person needs
 * (exited with code N, unhealthy with the check's last output, restarting, paused, not found).
 *
 * Why on the agent and not on the hub from its stored container state: the agent asks the
 * engine at run time, so a result is as fresh as the probe's interval and never a stale
 * inventory (the hub's copy lags by up to an inventory tick and says nothing when the agent is
 * away); and the check then travels the same path as every other probe — retries, quorum,
 * maintenance windows, results, uptime, badges and status pages work unchanged.
 * @module
 */
import type { ContainerProbe } from '@unity/shared';
import type { Engine } from '../collectors/engines.js';
import { type RawInspect, toContainerHealth } from '../collectors/health.js';
import { engineStatus } from '../engine/engine-client.js';
import { type Observation, since } from './types.js';

/** The inspect fields read here beyond health.ts's. */
type Inspect = RawInspect & {
  Name?: string;
  Config?: { Image?: string };
  State?: RawInspect['State'] & { Status?: string; Restarting?: boolean; Paused?: boolean };
};

export type ContainerCheckDeps = { engines: () => readonly Engine[] };

/** Why an inspected container is not up, or undefined when it is; pure. */
export function containerProblem(raw: Inspect): string | undefined {
  const state = raw.State ?? {};
  const status = state.Status ?? 'unknown';
  const health = toContainerHealth(raw.Id ?? '', raw);
  const oom = state.OOMKilled ? ' (killed: out of memory)' : '';
  if (status === 'restarting' || state.Restarting)
    return `restarting (last exit code ${health.exitCode}, ${health.restartCount} restarts)`;
  if (status === 'exited' || status === 'stopped') return `exited with code ${health.exitCode}${oom}`;
  if (status === 'dead') return `dead (exit code ${health.exitCode})${oom}`;
  if (status === 'created' || status === 'configured') return 'created but not started';
  if (status === 'paused' || state.Paused) return 'paused';
  if (status !== 'running') return `not running (${status})`;
  if (health.status === 'unhealthy') {
    const last = health.log.at(-1);
    const output = last?.output.trim();
    return `unhealthy${last ? `: health check exited ${last.exitCode}${output ? `: ${output.slice(0, 200)}` : ''}` : ''}`;
  }
  if (health.status === 'starting') return 'health check still starting';
  return undefined;
}

export async function checkContainer(
  probe: ContainerProbe,
  signal: AbortSignal,
  deps: ContainerCheckDeps | undefined,
): Promise<Observation> {
  const start = performance.now();
  const name = probe.container.replace(/^\//, '');
  const engines = (deps?.engines() ?? []).filter((e) => !probe.engine || e.ref.kind === probe.engine);
  if (engines.length === 0)
    return {
      ok: false,
      error: `no ${probe.engine ?? 'container'} engine on this host`,
      latencyMs: since(start),
      context: { CONNECTED: false },
    };
  for (const engine of engines) {
    let raw: Inspect;
    try {
      raw = await engine.client.json<Inspect>(`/containers/${encodeURIComponent(name)}/json`, { signal });
    } catch (error) {
      if (engineStatus(error) === 404) continue;
      throw error;
    }
    const health = toContainerHealth(raw.Id ?? '', raw);
    const problem = containerProblem(raw);
    const state = raw.State?.Status ?? 'unknown';
    const observation: Observation = {
      ok: problem === undefined,
      latencyMs: since(start),
      details: {
        engine: engine.ref.id,
        containerId: (raw.Id ?? '').slice(0, 64),
        state,
        health: health.status,
        exitCode: health.exitCode,
        restartCount: health.restartCount,
        ...(raw.Config?.Image ? { image: raw.Config.Image.slice(0, 256) } : {}),
      },
      context: { CONNECTED: true, STATE: state, HEALTH: health.status },
    };
    return problem ? { ...observation, error: `container ${name}: ${problem}` } : observation;
  }
  return {
    ok: false,
    error: `container ${name}: not found`,
    latencyMs: since(start),
    context: { CONNECTED: true },
  };
}
