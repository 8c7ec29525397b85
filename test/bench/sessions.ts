/**
 * Session check cost (issue 8): what `Sessions.resolve` (hub/src/auth/sessions.ts) costs per
 * request with each store — the session lookup by the cookie's digest, the timeout checks and the
 * user lookup — on PGlite, on a fresh PostgreSQL database, and in the local Redis (sessions
 * there, users in PostgreSQL, as a hub with both REDIS_URL and DATABASE_URL runs). Sequential
 * checks over a pool of live sessions, after a warm-up; µs per check (mean, p50, p99), plus the
 * store's own lookup without the user query. Every check must find its user, or the run fails.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { SessionStore } from '../../hub/src/auth/session-store.js';
import { PgSessionStore } from '../../hub/src/auth/session-store-pg.js';
import { RedisSessionStore } from '../../hub/src/auth/session-store-redis.js';
import { Sessions, sessionHash } from '../../hub/src/auth/sessions.js';
import { createUser } from '../../hub/src/auth/users.js';
import { type Database, openDatabase } from '../../hub/src/db/client.js';
import { migrate } from '../../hub/src/db/migrate.js';
import { silentLogger } from '../../hub/src/log.js';
import { createTestDatabase } from '../lib/postgres.js';
import { testRedis } from '../lib/redis.js';
import { percentile } from './ingest/prober.js';
import { printTable, type Row, writeJson } from './report.js';

export type SessionsParams = { sessions: number; checks: number; warmup: number };
export const SMOKE: SessionsParams = { sessions: 50, checks: 500, warmup: 100 };
export const FULL: SessionsParams = { sessions: 1000, checks: 5000, warmup: 1000 };

const TIMEOUTS = { idleMs: 12 * 3600_000, absoluteMs: 7 * 86_400_000, rememberMs: 30 * 86_400_000 };

async function measure(name: string, db: Database, store: SessionStore, p: SessionsParams): Promise<Row> {
  const sessions = new Sessions({ store, db: db.db, timeouts: TIMEOUTS });
  const user = await createUser(db.db, {
    username: `bench-${randomBytes(4).toString('hex')}`,
    password: 'bench password 123',
    role: 'viewer',
  });
  const secrets: string[] = [];
  for (let i = 0; i < p.sessions; i++) {
    secrets.push(
      (await sessions.create(user.id, { ip: '127.0.0.1', device: 'bench', remember: false })).secret,
    );
  }
  const at = (i: number) => secrets[i % secrets.length] ?? '';
  for (let i = 0; i < p.warmup; i++) await sessions.resolve(at(i));
  const full: number[] = [];
  for (let i = 0; i < p.checks; i++) {
    const t = performance.now();
    const got = await sessions.resolve(at(i));
    full.push((performance.now() - t) * 1000);
    if (got?.user.id !== user.id) throw new Error(`${name}: check ${i} did not find its session`);
  }
  const lookup: number[] = [];
  for (let i = 0; i < p.checks; i++) {
    const t = performance.now();
    await store.get(sessionHash(at(i)));
    lookup.push((performance.now() - t) * 1000);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const us = (v: number | null) => (v === null ? null : Math.round(v));
  return {
    store: name,
    checks: p.checks,
    'check mean µs': us(mean(full)),
    'check p50 µs': us(percentile(full, 50)),
    'check p99 µs': us(percentile(full, 99)),
    'store lookup p50 µs': us(percentile(lookup, 50)),
    'store lookup p99 µs': us(percentile(lookup, 99)),
  };
}

export async function sessionsBench(p: SessionsParams, mode: string): Promise<void> {
  const rows: Row[] = [];
  const pglite = await openDatabase({ dataDir: undefined });
  try {
    await migrate(pglite.db, silentLogger());
    rows.push(await measure('PGlite', pglite, new PgSessionStore(pglite.db), p));
  } finally {
    await pglite.close();
  }
  const pg = await createTestDatabase();
  const postgres = await openDatabase({ url: pg.url });
  const redis = await testRedis();
  try {
    await migrate(postgres.db, silentLogger());
    rows.push(await measure('PostgreSQL', postgres, new PgSessionStore(postgres.db), p));
    const store = await RedisSessionStore.connect(redis.url, redis.prefix);
    try {
      rows.push(await measure('Redis (users in PostgreSQL)', postgres, store, p));
    } finally {
      await store.close();
    }
  } finally {
    await redis.drop();
    await postgres.close();
    await pg.drop();
  }
  printTable(
    `Session check per request (${mode}: ${p.checks} sequential checks over ${p.sessions} sessions)`,
    rows,
  );
  writeJson('sessions', { mode, params: p, rows });
}
