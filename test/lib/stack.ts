/**
 * The whole system as a user runs it: a Podman engine, a hub (PGlite or PostgreSQL) and an agent
 * enrolled with a real enrollment token, plus a signed-in API client. `cleanup` stops all of it
 * and removes every container, also after a failure.
 * @module
 */
import type { Host } from '@unity/shared';
import { type AgentOptions, type AgentProcess, startAgent } from './agent.js';
import { ApiClient } from './api.js';
import { type HubProcess, startHub } from './hub.js';
import { type PodmanEngine, startPodman } from './podman.js';
import { Fatal, NotYet, waitFor } from './wait.js';

export type StackOptions = {
  name: string;
  databaseUrl?: string;
  /** Start a Podman engine and point the agent at it. */
  withPodman?: boolean;
  hostInterval?: string;
  hubEnv?: Record<string, string>;
};

/** A running system; `cleanup` stops all of it and removes every container, also after a failure. */
export class Stack {
  agent: AgentProcess | undefined;

  private constructor(
    readonly options: StackOptions,
    readonly hub: HubProcess,
    readonly api: ApiClient,
    readonly engine: PodmanEngine | undefined,
  ) {}

  static async start(options: StackOptions): Promise<Stack> {
    let engine: PodmanEngine | undefined;
    let hub: HubProcess | undefined;
    try {
      if (options.withPodman) engine = await startPodman(options.name);
      hub = await startHub({
        name: options.name,
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.hubEnv ? { env: options.hubEnv } : {}),
      });
      return new Stack(options, hub, await ApiClient.login(hub.url), engine);
    } catch (error) {
      await hub?.cleanup();
      await engine?.cleanup();
      throw error;
    }
  }

  /**
   * Enrolls and starts the agent (separate so a test can create containers first); `agent` says
   * which build runs (a benchmark runs the bundle: see `shippedAgent`).
   */
  async startAgent(agent: Pick<AgentOptions, 'entry' | 'nodeArgs'> = {}): Promise<AgentProcess> {
    const token = await this.api.createEnrollmentToken({ ttlSec: 600, maxUses: 1 });
    this.agent = startAgent({
      name: this.options.name,
      hubUrl: this.hub.url,
      token: token.token,
      ...(this.engine ? { dockerHost: this.engine.dockerHost } : {}),
      hostInterval: this.options.hostInterval ?? '2s',
      ...agent,
    });
    return this.agent;
  }

  async cleanup(): Promise<void> {
    await this.agent?.cleanup();
    await this.hub.cleanup();
    await this.engine?.cleanup();
  }
}

export const startStack = (options: StackOptions): Promise<Stack> => Stack.start(options);

/** Waits until the API lists the agent's host as online; returns it. */
export function waitForHostOnline(api: ApiClient, agent: AgentProcess, timeoutMs = 30_000): Promise<Host> {
  const name = agent.hostName;
  return waitFor(
    async () => {
      if (!agent.process?.running)
        throw new Fatal(`agent exited (${JSON.stringify(agent.process?.exitInfo)})`);
      const hosts = await api.hosts();
      const host = hosts.find((h) => h.name === name && h.online);
      if (!host) throw new NotYet(`hosts: ${JSON.stringify(hosts.map((h) => [h.name, h.online]))}`);
      return host;
    },
    { timeoutMs, what: `host "${name}" online in GET /api/hosts` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- agent log (${agent.process?.logPath}):\n${agent.process?.tail()}`);
  });
}
