/**
 * `container.action`: start, stop, restart, pause, unpause, kill or remove one container on the
 * engine that reported it, then ask for a fresh inventory so the hub (and the UI) sees the new
 * state within a second instead of at the next tick. Mutating, so a `--read-only` agent refuses it.
 * @module
 */
import {
  assertNever,
  type CommandError,
  type ContainerActionArgs,
  ContainerActionArgsSchema,
  type ContainerActionResult,
  err,
  ok,
  type Result,
} from '@unity/shared';
import { clientFor, type Engine } from '../collectors/engines.js';
import { type EngineClient, engineStatus, type Query } from '../engine/engine-client.js';
import { errorMessage } from '../errors.js';
import type { CommandHandler } from './dispatcher.js';

/** Longer than the longest stop timeout (`timeoutSec` ≤ 300). */
const ACTION_HTTP_TIMEOUT_MS = 330_000;

export type ContainerActionDeps = {
  /** The engines that answer now. */
  engines: () => readonly Engine[];
  /** Called after an action that reached the engine, to resample the inventory soon. */
  refresh: () => void;
};

export const containerActionCommand = (deps: ContainerActionDeps): CommandHandler<ContainerActionArgs> => ({
  args: ContainerActionArgsSchema,
  mutates: true,
  run: async (args, { log }) => {
    const engine = deps.engines().find((e) => e.ref.id === args.engineId);
    if (!engine)
      return err({ code: 'not_found', message: `no container engine ${args.engineId} on this host` });
    // The collectors' client gives up after 10 s; a stop may wait that long for the container.
    const client = clientFor(engine.endpoint, ACTION_HTTP_TIMEOUT_MS);
    const result = await perform(client, args).finally(() => client.close());
    if (result.ok || result.error.code !== 'not_found') deps.refresh();
    log.info({ action: args.action, container: args.containerId, ok: result.ok }, 'container action');
    return result;
  },
});

async function perform(
  client: EngineClient,
  args: ContainerActionArgs,
): Promise<Result<ContainerActionResult, CommandError>> {
  const path = `/containers/${encodeURIComponent(args.containerId)}`;
  const post = (verb: string, query?: Query) =>
    client.call(`${path}/${verb}`, { method: 'POST', ...(query ? { query } : {}) });
  const t = args.timeoutSec;
  try {
    switch (args.action) {
      case 'start':
        await post('start');
        break;
      case 'stop':
        await post('stop', { t });
        break;
      case 'restart':
        await post('restart', { t });
        break;
      case 'pause':
        await post('pause');
        break;
      case 'unpause':
        await post('unpause');
        break;
      case 'kill':
        await post('kill', { signal: args.signal });
        break;
      case 'remove':
        // Forced means "kill it": Podman's compat API would otherwise wait out the stop timeout.
        if (args.force) await post('kill', { signal: 'SIGKILL' }).catch(() => undefined);
        await client.call(path, { method: 'DELETE', query: { force: args.force ?? false } });
        break;
      default:
        assertNever(args.action);
    }
  } catch (error) {
    return err(engineError(error, args));
  }
  return ok({ ok: true, action: args.action, containerId: args.containerId });
}

/**
 * The Docker API's status codes: 404 no such container, 409 a conflicting state (pausing a
 * stopped container, removing a running one); 304 means it already was in the wanted state,
 * which the client reports as an error (outside 2xx) but is none for the user.
 */
function engineError(error: unknown, args: ContainerActionArgs): CommandError {
  const status = engineStatus(error);
  const detail = errorMessage(error).slice(0, 1024);
  if (status === 304) return { code: 'conflict', message: `the container is already ${already(args)}` };
  if (status === 404) return { code: 'not_found', message: `no such container: ${detail}` };
  // Podman answers a wrong state with 500 "container state improper" where Docker says 409.
  if (status === 409 || /state improper|is not running|not paused/i.test(detail)) {
    return { code: 'conflict', message: detail };
  }
  return { code: 'failed', message: `${args.action} failed: ${detail}` };
}

const already = (args: ContainerActionArgs) => (args.action === 'start' ? 'running' : 'stopped');
