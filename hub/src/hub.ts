/**
 * Assembles and starts a hub: database → migrations → identity → first admin and bootstrap
 * token → HTTP app and WebSocket upgrades → listen. `main.ts` runs it for real; tests run it on
 * 127.0.0.1 with an in-memory database.
 * @module
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import type { NotificationSink } from '@unity/shared';
import { AgentHub } from './agents/agent-hub.js';
import { type AgentSocketOptions, DEFAULT_SOCKET_OPTIONS } from './agents/agent-socket.js';
import { registerBootstrapToken } from './agents/enrollment-tokens.js';
import { loadOrCreateIdentity } from './agents/identity.js';
import { ReplayCache } from './agents/replay-cache.js';
import { AlertEngine } from './alerts/engine.js';
import { evaluateOnChanges } from './alerts/prompt.js';
import { RoutingRuntime } from './alerts/route/runtime.js';
import { DbSource } from './alerts/source/db-source.js';
import { createApp, type HubApp } from './app.js';
import { bootstrapAuth } from './auth/bootstrap.js';
import { warmPasswordCheck } from './auth/passwords.js';
import { startSecurity } from './auth/security-runtime.js';
import { syncEnvProviders } from './auth/sso/store.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { IpPolicy } from './http/ip-policy.js';
import { handleUpgrades } from './http/upgrade.js';
import { DEFAULT_GROUP_COMMIT, GroupCommit } from './ingest/group-commit.js';
import { LiveBus } from './live/bus.js';
import type { Logger } from './log.js';
import { startMaintenance } from './metrics/maintenance.js';
import { SecretBox } from './notify/secrets.js';
import { type NotifyOptions, NotifyService } from './notify/service.js';
import { HubStats } from './observe/hub-stats.js';
import { LoadWatch } from './observe/load-watch.js';
import { openMetricsApp } from './observe/metrics-route.js';
import { SpeedTests } from './speedtests/service.js';
import type { HubDeps } from './types.js';

export type StartOptions = {
  config: Config;
  log: Logger;
  /** Where the first-admin setup URL is printed; stdout by default. */
  print?: (line: string) => void;
  /** An already open database (tests); otherwise opened from the config. */
  database?: Database;
  agentSocket?: AgentSocketOptions;
  /** The metrics maintenance clock (partitions, rollups, retention); Date.now by default. */
  clock?: () => number;
  /** Where alert notifications go; by default the notification outbox (tests pass a recording sink). */
  notificationSink?: NotificationSink;
  /** Overrides for the notification outbox (tests: clock, timers, fetch, backoff, poll interval). */
  notify?: Partial<Omit<NotifyOptions, 'db' | 'log'>>;
};

export type RunningHub = {
  /** Base URL the server listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  port: number;
  deps: HubDeps;
  /** The Hono app (its `routes` list is walked by the allow-list test). */
  app: HubApp;
  setupUrl: string | undefined;
  /** The open `/metrics` listener's base URL when UNITY_METRICS_PORT is set. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
};

export async function startHub(options: StartOptions): Promise<RunningHub> {
  const { config, log } = options;
  const database =
    options.database ??
    (await openDatabase(
      config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') },
    ));
  log.info({ database: database.kind }, 'database opened');
  let migrated = false;
  await migrate(database.db, log.child({ module: 'migrate' }));
  migrated = true;
  // Before agents connect, so today's raw partition exists when their first batch arrives.
  const maintenance = await startMaintenance({
    db: database.db,
    log: log.child({ module: 'metrics' }),
    retention: config.retention,
    logRetentionMs: config.logRetentionMs,
    ...(options.clock ? { clock: options.clock } : {}),
  });

  const identity = await loadOrCreateIdentity(database.db);
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const setupUrl = await bootstrapAuth(
    database.db,
    { admin: config.admin, publicUrl: config.publicUrl, print },
    log.child({ module: 'auth' }),
  );
  await syncEnvProviders(
    database.db,
    SecretBox.fromConfig(config.notify.secretKey, config.dataDir),
    config.sso.envProviders,
  );
  if (config.bootstrapToken) {
    const fresh = await registerBootstrapToken(database.db, config.bootstrapToken);
    log.info({ fresh }, 'bootstrap enrollment token registered (single use, 15 minutes)');
  }

  // Notification channels: a durable outbox delivered by a worker (notify/).
  const notify = new NotifyService({
    db: database.db,
    log: log.child({ module: 'notify' }),
    box: SecretBox.fromConfig(config.notify.secretKey, config.dataDir),
    publicUrl: config.publicUrl,
    appriseCommand: config.notify.appriseCommand,
    maxAgeMs: config.notify.maxAgeMs,
    ...options.notify,
  });
  // Alert routing: restored from its stores, ticked every second, handing notifications to the
  // outbox, which has stored them durably once `enqueue` resolves.
  const alertRouter = await RoutingRuntime.start({
    db: database.db,
    log: log.child({ module: 'routing' }),
    sink: options.notificationSink ?? notify,
    alertsUrl: `${config.publicUrl.replace(/\/+$/, '')}/alerts`,
  });

  warmPasswordCheck();
  const security = await startSecurity({
    config,
    db: database.db,
    log: log.child({ module: 'security' }),
    sink: options.notificationSink ?? notify,
  });
  const bus = new LiveBus();
  const stats = new HubStats();
  const connected = () => deps.agents.connected;
  const loadWatch = new LoadWatch({
    kind: database.kind,
    stats,
    connected,
    log: log.child({ module: 'load' }),
  });
  const agentHub = new AgentHub({
    db: database.db,
    bus,
    log: log.child({ module: 'presence' }),
    offlineAfterMs: config.agentOfflineAfterMs,
  });
  const alertSource = new DbSource({
    db: database.db,
    publicUrl: config.publicUrl,
    isOnline: (hostId) => agentHub.isOnline(hostId),
    offlineAfterMs: config.agentOfflineAfterMs,
  });
  const alertLog = log.child({ module: 'alerts' });
  const alerts = new AlertEngine({
    db: database.db,
    source: alertSource,
    log: alertLog,
    // Every firing instance plus those resolved just now: the router's complete picture.
    onEvaluated: (evaluated, now) => alertRouter.update(evaluated, now),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const stopOnClose: Array<() => void> = [];
  const deps: HubDeps = {
    config,
    db: database.db,
    log,
    identity,
    replay: new ReplayCache(),
    bus,
    agents: agentHub,
    alerts,
    alertSource,
    sessions: security.sessions,
    regulator: security.regulator,
    ipPolicy: new IpPolicy({
      db: database.db,
      env: { ui: config.uiIpRules, agent: config.agentIpRules },
      log: log.child({ module: 'ip-rules' }),
    }),
    ingest: new GroupCommit(database.db, log.child({ module: 'ingest' }), {
      ...DEFAULT_GROUP_COMMIT,
      pipeline: database.kind === 'postgres',
    }),
    stats,
    database: database.kind,
    loadWatch,
    notify,
    migrated: () => migrated,
    alertRouter,
    onClose: (stop) => stopOnClose.push(stop),
    speedTests: new SpeedTests({
      db: database.db,
      agents: agentHub,
      log: log.child({ module: 'speed-test' }),
    }),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const app = createApp(deps);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host }) as Server;
  // Pings must come often enough that a quiet but healthy agent never looks offline.
  const agentSocket = options.agentSocket ?? {
    ...DEFAULT_SOCKET_OPTIONS,
    pingEveryMs: Math.min(DEFAULT_SOCKET_OPTIONS.pingEveryMs, Math.floor(config.agentOfflineAfterMs / 3)),
  };
  const upgrades = handleUpgrades(server, deps, agentSocket);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = baseUrl(config.host, port);
  const metrics = config.metricsListener ? await listenMetrics(deps, config.metricsListener) : undefined;

  deps.notify.start();
  alerts.start(config.alertEvalIntervalMs);
  deps.speedTests.startTimer();
  const stopPrompt = evaluateOnChanges(bus, alerts, alertLog);
  loadWatch.check();
  const loadTimer = setInterval(() => loadWatch.check(), 60_000);
  loadTimer.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(loadTimer);
      for (const stop of stopOnClose.splice(0)) stop();
      stopPrompt();
      await alerts.stop();
      await deps.speedTests.stop();
      // The router first: its last notifications still go into the outbox.
      await alertRouter.stop();
      await deps.notify.stop();
      await maintenance.stop();
      deps.agents.closeAll();
      upgrades.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (metrics) {
        metrics.server.closeAllConnections();
        await new Promise<void>((resolve) => metrics.server.close(() => resolve()));
      }
      await security.stop();
      migrated = false;
      await database.close();
    })();
    return closing;
  };
  return { url, port, deps, app, setupUrl, metricsUrl: metrics?.url, close };
}

/** A URL this machine reaches a listener on (a wildcard address is reached on loopback). */
function baseUrl(listenHost: string, port: number): string {
  const host = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The open `/metrics` listener (UNITY_METRICS_PORT): nothing else is served on it. */
async function listenMetrics(deps: HubDeps, at: { port: number; host: string }) {
  const app = openMetricsApp(deps);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: at.host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  deps.log.info({ port, host: at.host }, 'metrics listener open (no token)');
  return { server, url: baseUrl(at.host, port) };
}
