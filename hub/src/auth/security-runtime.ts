/**
 * Starts the hub's identity-and-access runtime: the session store (Redis/Valkey when REDIS_URL
 * is set, else PostgreSQL), the session service, brute-force regulation with its ban hook
 * (log, audit entry and a notification through the alert policy), and an hourly pruning of sessions, failures, bans and old audit entries.
 * @module
 */
import type { Ban, NotificationSink } from '@unity/shared';
import { pruneAudit, recordEvent } from '../audit/audit-log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { announceBan } from './ban-notice.js';
import { Regulator } from './regulation.js';
import type { SessionStore } from './session-store.js';
import { PgSessionStore } from './session-store-pg.js';
import { RedisSessionStore } from './session-store-redis.js';
import { Sessions } from './sessions.js';

export type SecurityRuntime = { sessions: Sessions; regulator: Regulator; stop(): Promise<void> };

export async function startSecurity(o: {
  config: Config;
  db: Db;
  log: Logger;
  /** Where ban notifications go (the notification outbox). */
  sink?: NotificationSink;
  clock?: () => number;
}): Promise<SecurityRuntime> {
  const clock = o.clock ?? Date.now;
  const store: SessionStore = o.config.redisUrl
    ? await RedisSessionStore.connect(o.config.redisUrl, o.config.redisPrefix)
    : new PgSessionStore(o.db);
  o.log.info({ store: store.kind }, 'session store ready');
  const sessions = new Sessions({ store, db: o.db, timeouts: o.config.session, clock });
  const onBan = async (ban: Ban) => {
    const who = ban.account ? `account ${ban.account} from ${ban.ip}` : `address ${ban.ip}`;
    o.log.warn({ scope: ban.scope, ip: ban.ip, account: ban.account, until: ban.expiresAt }, `banned ${who}`);
    await recordEvent(o.db, {
      actor: { id: null, name: 'system' },
      ip: ban.ip,
      action: 'security.ban',
      objectType: 'ban',
      objectId: ban.id,
      objectName: ban.account ? `${ban.account} from ${ban.ip}` : ban.ip,
      outcome: 'ok',
      message: `${ban.failures} failed ${ban.scope} attempts; banned until ${new Date(ban.expiresAt).toISOString()}`,
    });
    if (!o.sink) return;
    // The ban stands whether or not the message could be queued: a broken policy is logged.
    await announceBan({ db: o.db, sink: o.sink, publicUrl: o.config.publicUrl }, ban).catch(
      (error: unknown) => o.log.warn({ err: error, ban: ban.id }, 'could not queue the ban notification'),
    );
  };
  const regulator = new Regulator({ db: o.db, rules: o.config.regulation, clock, onBan });

  const prune = async () => {
    await sessions.prune();
    await regulator.prune();
    await pruneAudit(o.db, o.config.auditRetentionMs, clock());
  };
  const timer = setInterval(() => {
    prune().catch((error: unknown) => o.log.warn({ err: error }, 'security pruning failed'));
  }, 3600_000);
  timer.unref();

  return {
    sessions,
    regulator,
    async stop() {
      clearInterval(timer);
      await sessions.close();
    },
  };
}
