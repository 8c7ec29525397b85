/**
 * Database probes: connect and run a trivial query. PostgreSQL goes through the `postgres`
 * client, imported only when a PostgreSQL probe runs so it costs an agent without one nothing;
 * MySQL/MariaDB and Redis speak their handshakes by hand (mysql-check.ts, redis-check.ts).
 * @module
 */
import type { MysqlProbe, PostgresProbe, RedisProbe } from '@unity/shared';
import { mysqlPing } from './mysql-check.js';
import { redisPing } from './redis-check.js';
import { type Observation, since } from './types.js';

async function postgresPing(url: string, timeoutSeconds: number, signal: AbortSignal): Promise<string> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(url, {
    max: 1,
    connect_timeout: timeoutSeconds,
    idle_timeout: 1,
    onnotice: () => undefined,
  });
  const end = () => void sql.end({ timeout: 0 });
  signal.addEventListener('abort', end, { once: true });
  try {
    const [row] = await sql`select version() as v`;
    return String(row?.v ?? '');
  } finally {
    signal.removeEventListener('abort', end);
    await sql.end({ timeout: 1 });
  }
}

export async function checkDatabase(
  probe: PostgresProbe | MysqlProbe | RedisProbe,
  signal: AbortSignal,
): Promise<Observation> {
  const start = performance.now();
  let version: string;
  switch (probe.kind) {
    case 'postgres':
      version = await postgresPing(probe.url, probe.timeoutSeconds, signal);
      break;
    case 'mysql':
      version = await mysqlPing(new URL(probe.url), signal);
      break;
    case 'redis':
      version = await redisPing(new URL(probe.url), signal);
      break;
  }
  const latencyMs = since(start);
  return {
    ok: true,
    latencyMs,
    details: { server: version.slice(0, 200) },
    context: { CONNECTED: true, RESPONSE_TIME: latencyMs, BODY: version },
  };
}
