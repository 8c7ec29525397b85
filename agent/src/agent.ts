/**
 * The running agent: identity and enrollment, the outbox, the collectors, the sampling loop and
 * the hub link, wired together; `stop` shuts them down in order (no sample is half-written).
 * @module
 */
import { join } from 'node:path';
import { type Capability, SPEEDTEST_COMMAND } from '@unity/shared';
import type { Logger } from 'pino';
import * as z from 'zod/mini';
import { EngineSet } from './collectors/engine-set.js';
import { candidateEndpoints, clientFor } from './collectors/engines.js';
import { HostCollector, type HostCollectorOptions } from './collectors/host.js';
import { agentInfoCommand } from './commands/agent-info.js';
import { containerActionCommand } from './commands/container-action.js';
import { CommandDispatcher } from './commands/dispatcher.js';
import { imageScanCommand } from './commands/image-scan.js';
import { speedTestCommand } from './commands/speed-test.js';
import type { AgentConfig } from './config.js';
import type { EngineClient } from './engine/engine-client.js';
import { errorMessage } from './errors.js';
import type { ConnectionOptions } from './link/connection.js';
import { ensureEnrolled } from './link/enrollment.js';
import { loadOrCreateIdentity } from './link/identity.js';
import { Link } from './link/link.js';
import { Outbox } from './link/outbox.js';
import type { PostJson } from './link/post-json.js';
import { signConnectToken } from './link/token.js';
import { LogShipper } from './logs/log-shipper.js';
import { logsFollowCommand, logsTailCommand } from './logs/logs-commands.js';
import { logsShipSetCommand } from './logs/ship-command.js';
import { ShipState } from './logs/ship-state.js';
import { ProbeSchedule } from './probes/probe-schedule.js';
import { probesSetCommand } from './probes/probes-command.js';
import { runProbe } from './probes/run-probe.js';
import { ScanSchedule } from './scan/scan-schedule.js';
import { type EngineSource, type HostSource, Scheduler } from './scheduler.js';

// The agent validates with zod/mini (docs/architecture.md, "Agent footprint"), which, unlike
// classic zod, registers no locale: without this every issue would read "Invalid input".
z.config(z.locales.en());

/** Until the hub's config frame says otherwise. */
export const DEFAULT_HOST_INTERVAL_MS = 10_000;

export type AgentDeps = {
  log: Logger;
  post?: PostJson;
  host?: HostCollectorOptions;
  connection?: Partial<Omit<ConnectionOptions, 'url' | 'hooks' | 'log'>>;
  /** Unacknowledged batches in flight at most (tests make it small). */
  sendWindow?: number;
  /**
   * Stand-ins for the procfs and engine collectors (the ingest benchmark's synthetic ones);
   * everything else is the real agent.
   */
  collectors?: { host: HostSource & Pick<HostCollector, 'facts'>; engines: EngineSource };
  uid?: number;
};

export type RunningAgent = {
  agentId: string;
  outbox: Outbox;
  link: Link;
  scheduler: Scheduler;
  /** The hub's commands this agent runs; capabilities register their handlers here. */
  commands: CommandDispatcher;
  stop(): Promise<void>;
};

export async function startAgent(config: AgentConfig, deps: AgentDeps): Promise<RunningAgent> {
  const { log } = deps;
  const identity = await loadOrCreateIdentity(config.stateDir);
  const host: HostSource & Pick<HostCollector, 'facts'> & Partial<Pick<HostCollector, 'close'>> =
    deps.collectors?.host ??
    new HostCollector({ ...deps.host, ...(config.name ? { hostname: config.name } : {}) });
  let facts = await host.facts();
  const enrollment = await ensureEnrolled({
    stateDir: config.stateDir,
    identity,
    hubUrl: config.hubUrl,
    token: config.token,
    host: facts,
    log: log.child({ module: 'enroll' }),
    ...(deps.post ? { post: deps.post } : {}),
  });
  const outbox = await Outbox.open({
    dir: join(config.stateDir, 'outbox'),
    maxBatches: config.outboxMaxBatches,
    maxBytes: config.outboxMaxBytes,
    onDrop: (gap) =>
      log.warn({ module: 'outbox', seq: gap.fromSeq }, 'outbox full; dropped the oldest batch'),
    onWriteError: (error) =>
      log.error(
        { module: 'outbox', err: errorMessage(error) },
        'could not write a batch to disk; will retry',
      ),
  });
  const endpoints = candidateEndpoints({
    dockerHosts: config.dockerHosts,
    autodetect: config.engineAutodetect,
    uid: deps.uid ?? process.getuid?.(),
    runtimeDir: config.runtimeDir,
  });
  // Declared before the engines and the link so their callbacks can reach it; started after.
  let scheduler: Scheduler | undefined;
  const engineSet = deps.collectors
    ? undefined
    : new EngineSet({
        endpoints,
        explicit: config.dockerHosts,
        log: log.child({ module: 'engines' }),
        // Events go out within about a second instead of waiting for the next tick.
        onActivity: () => scheduler?.soon(),
        ...(config.inventoryIntervalMs ? { inventoryIntervalMs: config.inventoryIntervalMs } : {}),
      });
  // Log reads get clients of their own without a request timeout: a follow idles for hours.
  const logClients = new Map<string, EngineClient>();
  const engineFor = (engineId: string): EngineClient | undefined => {
    const engine = engineSet?.engines.find((e) => e.ref.id === engineId);
    if (!engine) return undefined;
    let client = logClients.get(engine.endpoint);
    if (!client) {
      client = clientFor(engine.endpoint, 0);
      logClients.set(engine.endpoint, client);
    }
    return client;
  };
  const shipper = new LogShipper({
    outbox,
    state: await ShipState.open(config.stateDir),
    engineFor,
    notify: () => link.notify(),
    log: log.child({ module: 'log-shipper' }),
  });
  const inner: EngineSource = deps.collectors?.engines ?? (engineSet as EngineSet);
  // The listings (per tick when changed, and with lifecycle events) also decide which
  // containers' logs are shipped.
  const urgent = inner.collectUrgent?.bind(inner);
  const engines: EngineSource = {
    collect: async () => {
      const items = await inner.collect();
      shipper.reconcile(items);
      return items;
    },
    ...(urgent
      ? {
          collectUrgent: async () => {
            const items = await urgent();
            shipper.reconcile(items);
            return items;
          },
        }
      : {}),
    stop: async () => {
      await inner.stop?.();
    },
  };
  const commands = new CommandDispatcher({
    readOnly: config.readOnly,
    log: log.child({ module: 'commands' }),
  });
  commands.register('agent.info', agentInfoCommand(commands, config.readOnly));
  commands.register('logs.tail', logsTailCommand(engineFor));
  commands.register('logs.follow', logsFollowCommand(engineFor));
  commands.register('logs.ship.set', logsShipSetCommand(shipper));
  const liveEngines = () => engineSet?.engines ?? [];
  commands.register(
    'container.action',
    containerActionCommand({ engines: liveEngines, refresh: () => scheduler?.refresh() }),
  );
  const trivy = { searchPath: config.searchPath };
  commands.register('image.scan', imageScanCommand(trivy));
  // Speed tests against the hub, each request signed like the link's own connect token.
  const signed = async () =>
    `Bearer ${(await signConnectToken({ privateKey: identity.privateKey, agentId: enrollment.agentId, hubId: enrollment.hubId })).token}`;
  commands.register(
    SPEEDTEST_COMMAND,
    speedTestCommand({ hubUrl: enrollment.hubUrl, authorization: signed }),
  );
  // The hub's probes, run on their own timers; results go through the outbox like samples.
  const probes = new ProbeSchedule({
    deliver: async (items) => {
      await outbox.append(items);
      link.notify();
    },
    log: log.child({ module: 'probes' }),
    // Container checks inspect the engines this agent watches.
    run: (probe) => runProbe(probe, { engines: liveEngines }),
  });
  commands.register('probes.set', probesSetCommand(probes));
  // Kubernetes clusters, watched with informers; changes go through the outbox.
  const kubeOptions = config.kube;
  const kube =
    kubeOptions && (kubeOptions.inCluster || kubeOptions.kubeconfig)
      ? (await import('./k8s/start.js')).setUpKube(kubeOptions, {
          outbox,
          notify: () => link.notify(),
          log: log.child({ module: 'k8s' }),
          commands,
        })
      : undefined;
  const baseCapabilities: Capability[] = config.readOnly
    ? ['host', 'containers', 'logs', 'probes']
    : ['host', 'containers', 'logs', 'actions', 'probes'];
  const link = new Link({
    hubUrl: enrollment.hubUrl,
    privateKey: identity.privateKey,
    enrollment,
    outbox,
    hostFacts: () => facts,
    capabilities: kube ? [...baseCapabilities, 'kubernetes'] : baseCapabilities,
    log: log.child({ module: 'link' }),
    onConfig: (frame) => {
      if (config.hostIntervalMs === undefined) scheduler?.setInterval(frame.hostIntervalMs);
    },
    ...(deps.connection ? { connection: deps.connection } : {}),
    ...(deps.sendWindow ? { sendWindow: deps.sendWindow } : {}),
    commands,
  });
  scheduler = new Scheduler({
    host,
    engines,
    outbox,
    intervalMs: config.hostIntervalMs ?? DEFAULT_HOST_INTERVAL_MS,
    log: log.child({ module: 'scheduler' }),
    onBatch: () => link.notify(),
  });
  log.info(
    {
      agentId: enrollment.agentId,
      hub: enrollment.hubUrl,
      engines: endpoints,
      pending: outbox.pendingSeqs().length,
      readOnly: config.readOnly,
      clusters: kube?.clusters.map((c) => c.ref.name) ?? [],
    },
    'agent starting',
  );
  const scans = new ScanSchedule({
    intervalMs: config.scanIntervalMs,
    engines: liveEngines,
    trivy,
    deliver: async (item) => {
      await outbox.append([item]);
      link.notify();
    },
    log: log.child({ module: 'scans' }),
  });
  link.start();
  scheduler.start();
  scans.start();
  kube?.start();
  const refreshFacts = setInterval(() => {
    host.facts().then(
      (f) => {
        facts = f;
      },
      () => undefined,
    );
  }, 3_600_000);
  refreshFacts.unref();
  const running = scheduler;
  return {
    agentId: enrollment.agentId,
    outbox,
    link,
    scheduler: running,
    commands,
    stop: async () => {
      clearInterval(refreshFacts);
      await scans.stop();
      await kube?.stop();
      await probes.stop();
      await running.stop();
      host.close?.();
      await engines.stop?.();
      await shipper.stop();
      await link.stop();
      await outbox.close();
    },
  };
}
