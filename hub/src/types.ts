/**
 * What the HTTP and WebSocket layers are built from: every dependency that talks to the world,
 * handed in as one object so tests can build a hub on loopback with an in-memory database.
 * @module
 */
import type { Me } from '@unity/shared';
import type { AgentHub } from './agents/agent-hub.js';
import type { HubIdentity } from './agents/identity.js';
import type { ReplayCache } from './agents/replay-cache.js';
import type { AlertEngine } from './alerts/engine.js';
import type { RoutingRuntime } from './alerts/route/runtime.js';
import type { DbSource } from './alerts/source/db-source.js';
import type { Access } from './auth/access.js';
import type { Regulator } from './auth/regulation.js';
import type { Sessions } from './auth/sessions.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { IpPolicy } from './http/ip-policy.js';
import type { GroupCommit } from './ingest/group-commit.js';
import type { LiveBus } from './live/bus.js';
import type { Logger } from './log.js';
import type { NotifyService } from './notify/service.js';
import type { HubStats } from './observe/hub-stats.js';
import type { LoadWatch } from './observe/load-watch.js';
import type { SpeedTests } from './speedtests/service.js';

export type HubDeps = {
  config: Config;
  db: Db;
  log: Logger;
  identity: HubIdentity;
  replay: ReplayCache;
  agents: AgentHub;
  /** Alert rule evaluation (issue 5); its loop starts and stops with the hub. */
  alerts: AlertEngine;
  /** The data alert rules read (also used by the rule editor's preview). */
  alertSource: DbSource;
  bus: LiveBus;
  /** Sessions in PostgreSQL, or in Redis/Valkey when REDIS_URL is set. */
  sessions: Sessions;
  /** The IP rules in force: the environment's and the admin-managed ones. */
  ipPolicy: IpPolicy;
  /** Brute-force regulation of sign-ins, enrollments and API keys (failures, bans). */
  regulator: Regulator;
  /** The ingest writer: agent batches are stored through it, several agents per transaction. */
  ingest: GroupCommit;
  /** Counters for the `/metrics` exposition. */
  stats: HubStats;
  /** Which database, and the PGlite load warning for `/api/status`. */
  database: 'pglite' | 'postgres';
  loadWatch: LoadWatch;
  /** Notification channels: the NotificationSink alerting enqueues to, and its outbox worker. */
  notify: NotifyService;
  /** True once migrations are applied; /readyz also checks the database answers. */
  migrated: () => boolean;
  /**
   * Alert routing and delivery: rule evaluation calls `alertRouter.update(alerts, now)` after
   * every evaluation with every instance firing plus those that just resolved.
   */
  alertRouter: RoutingRuntime;
  /**
   * Registers the stop function of a background task a route module started (timers,
   * subscriptions), run when the hub closes, so an in-process hub leaves nothing polling a
   * closed database behind.
   */
  onClose: (stop: () => void) => void;
  /** Speed tests agent ↔ hub: run now, schedules, retention (speedtests/). */
  speedTests: SpeedTests;
  /** The wall clock for time-based credentials (TOTP); tests hand in a controlled one. */
  clock?: () => number;
};

/** Hono context variables: set by the session middleware, and the client address (http/client-ip.ts). */
export type HubEnv = {
  Variables: {
    user: Me | undefined;
    clientIp: string | null;
    /** What `user` may do (narrowed to the key's permissions for an API key). */
    access: Access | undefined;
    /** Set when the request was authenticated by an API key rather than a session. */
    apiKeyId: string | undefined;
  };
};
