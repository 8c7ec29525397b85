/**
 * The 30-day chart query: one container's `GET /api/containers/:id/stats?from&to&points=300`
 * over 30 days, against a database holding the history of every host the ingest run enrolled.
 * History is generated straight into the sample tables (INSERT … SELECT generate_series): the
 * charted container at the agents' 10 s over the full 30 days (259,200 raw rows), every other
 * container of the first 1,000 hosts one row a day (`backgroundStep`), so the tables and indexes
 * carry them all. The hub runs with raw retention above 30 days so none of it is dropped. The
 * answer's `resolution` says what the hub served it from (raw until rollups exist).
 * @module
 */
import type postgres from 'postgres';
import type { ApiClient } from '../../lib/api.js';
import type { Row } from '../report.js';
import { percentile } from './prober.js';

const DAY = 86_400_000;

export async function historyQueryBench(
  sql: postgres.Sql,
  api: ApiClient,
  options: { queries?: number; backgroundStep?: string } = {},
): Promise<{ row: Row; json: unknown }> {
  const queries = options.queries ?? 200;
  const step = options.backgroundStep ?? '1 day';
  const [target] = await sql<{ id: string }[]>`select id from containers order by id limit 1`;
  if (!target) throw new Error('history: no container to chart');
  const [hostsRow] = await sql<{ n: string; c: string }[]>`
    select count(distinct host_id) as n, count(*) as c from containers
    where host_id in (select id from hosts order by id limit 1000)`;
  const t0 = performance.now();
  const cols = sql.unsafe(`container_id, ts, seq, cpu_percent, memory_bytes, memory_limit_bytes,
    net_rx_bytes_per_sec, net_tx_bytes_per_sec, block_read_bytes_per_sec, block_write_bytes_per_sec, pids`);
  const values =
    sql.unsafe(`0, 5 + 5 * sin(extract(epoch from g) / 3600), 1e8 + 1e6 * cos(extract(epoch from g) / 7200),
    2147483648, 1000, 500, 0, 4096, 3`);
  const a = await sql`
    insert into container_samples (${cols})
    select ${target.id}, g, ${values}
    from generate_series(now() - interval '30 days', now() - interval '2 hours', interval '10 seconds') g
    on conflict do nothing`;
  const b = await sql`
    insert into container_samples (${cols})
    select c.id, g, ${values}
    from containers c cross join generate_series(now() - interval '30 days', now() - interval '2 hours', ${step}::interval) g
    where c.id <> ${target.id} and c.host_id in (select id from hosts order by id limit 1000)
    on conflict do nothing`;
  const rollup = await rollupHistory(sql, target.id, step);
  // A running hub's tables are kept vacuumed and analysed by autovacuum; right after a bulk load
  // of millions of rows they are not, and autovacuum would run during the timed queries.
  await sql`analyze container_samples`;
  for (const { table } of rollup) await sql.unsafe(`vacuum analyze ${table}`);
  const genSec = (performance.now() - t0) / 1000;

  const path = () => {
    const to = Date.now();
    return `/api/containers/${target.id}/stats?from=${to - 30 * DAY}&to=${to}&points=300`;
  };
  let resolution = '';
  let points = 0;
  for (let i = 0; i < 3; i++) await api.json(path());
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const t = performance.now();
    const body = (await api.json(path())) as { resolution: string; points: unknown[] };
    times.push(performance.now() - t);
    resolution = body.resolution;
    points = body.points.length;
  }
  const p50 = percentile(times, 50) ?? 0;
  const p99 = percentile(times, 99) ?? 0;
  const json = {
    containerId: target.id,
    hosts: Number(hostsRow?.n),
    containers: Number(hostsRow?.c),
    chartedRows: a.count,
    backgroundRows: b.count,
    backgroundStep: step,
    rollup,
    generateSec: genSec,
    queries,
    resolution,
    points,
    p50Ms: p50,
    p99Ms: p99,
  };
  const row: Row = {
    hosts: json.hosts,
    containers: json.containers,
    'charted rows': a.count,
    'other rows': b.count,
    'rollup rows': rollup.reduce((n, r) => n + r.charted + r.other, 0),
    resolution,
    points,
    queries,
    'p50 ms': Math.round(p50 * 10) / 10,
    'p99 ms': Math.round(p99 * 10) / 10,
    'p99 < 50 ms': p99 < 50,
  };
  return { row, json };
}

/**
 * When the hub has rollup tables (`container_rollup_<res>`, bucket + `<field>_min/avg/max/last` +
 * `count`), fills them too, below the hub's watermark for that resolution: the charted container
 * over all 30 days, the other containers of the first 1,000 hosts every `step` (hourly tables only). Built from
 * information_schema, so it follows the columns the hub has; nothing happens without such tables.
 */
async function rollupHistory(sql: postgres.Sql, targetId: string, step: string) {
  const tables = await sql<{ table_name: string }[]>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name ~ '^container_rollup_[0-9]+[mh]$'`;
  const out: { table: string; charted: number; other: number }[] = [];
  for (const { table_name: table } of tables) {
    const res = table.replace('container_rollup_', '');
    const stepSql = res.endsWith('h') ? `${res.slice(0, -1)} hours` : `${res.slice(0, -1)} minutes`;
    const columns = (
      await sql<{ column_name: string }[]>`
        select column_name from information_schema.columns
        where table_schema = 'public' and table_name = ${table} order by ordinal_position`
    ).map((c) => c.column_name);
    if (!columns.includes('container_id') || !columns.includes('bucket')) continue;
    const value = (c: string) => {
      if (c === 'container_id') return 'c.id';
      if (c === 'bucket') return 'g';
      if (c === 'count') return '360';
      if (c.startsWith('memory_bytes')) return '1e8 + 1e6 * cos(extract(epoch from g) / 7200)';
      if (c.startsWith('cpu_percent')) return '5 + 5 * sin(extract(epoch from g) / 3600)';
      return '1000';
    };
    const list = columns.map((c) => `"${c}"`).join(', ');
    const select = columns.map(value).join(', ');
    const [mark] = await sql<{ done_until: Date }[]>`
      select done_until from rollup_watermarks where name = ${`container_${res}`}`.catch(() => []);
    const until = mark ? mark.done_until.toISOString() : new Date(Date.now() - 3 * 3600_000).toISOString();
    // Buckets strictly below the watermark, from 30 days ago, aligned to the resolution.
    const series = (every: string) =>
      `generate_series(date_bin('${stepSql}', now() - interval '30 days', timestamptz '2000-01-01'),
        '${until}'::timestamptz - interval '${stepSql}', interval '${every}') g`;
    const a = await sql.unsafe(
      `insert into ${table} (${list}) select ${select} from (select $1::text as id) c cross join ${series(stepSql)}
       on conflict do nothing`,
      [targetId],
    );
    // The other containers only in hourly tables: the 30-day, 300-point chart reads those, and
    // 1.5 M wide rows per finer table would cost minutes for no figure.
    if (!res.endsWith('h')) {
      out.push({ table, charted: a.count, other: 0 });
      continue;
    }
    const b = await sql.unsafe(
      `insert into ${table} (${list}) select ${select}
       from containers c cross join ${series(step)}
       where c.id <> $1 and c.host_id in (select id from hosts order by id limit 1000)
         and extract(epoch from g)::bigint % extract(epoch from interval '${stepSql}')::bigint = 0
       on conflict do nothing`,
      [targetId],
    );
    out.push({ table, charted: a.count, other: b.count });
  }
  return out;
}
