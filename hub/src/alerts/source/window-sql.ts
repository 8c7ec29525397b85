/**
 * SQL for window aggregates over the samples tables, one statement per rule for all of its
 * objects: raw samples for short windows; for windows of 30 minutes or more the 1 min rollups
 * up to their watermark and raw samples after it, as the series charts do.
 * @module
 */
import { type SQL, sql } from 'drizzle-orm';

export type ObjectKind = 'host' | 'container' | 'series';
type Agg = 'avg' | 'min' | 'max' | 'last';

const TABLES = {
  host: { raw: 'host_samples', rollup: 'host_rollup_1m', key: 'host_id', cast: 'uuid' },
  container: { raw: 'container_samples', rollup: 'container_rollup_1m', key: 'container_id', cast: 'text' },
  series: { raw: 'series_samples', rollup: 'series_rollup_1m', key: 'series_id', cast: 'int8' },
} as const;

/** The metric as an expression over a raw row and over a rollup row (per aggregate). */
type MetricSql = { raw: string; rollup: (a: Agg) => string };

const column = (raw: string): MetricSql => ({ raw: `${raw}::float8`, rollup: (a) => `${raw}_${a}` });
const ratio = (num: string, den: string): MetricSql => ({
  raw: `${num} / nullif(${den}, 0) * 100`,
  rollup: (a) => `${num}_${a} / nullif(${den}_avg, 0) * 100`,
});

const METRICS: Record<ObjectKind, Record<string, MetricSql>> = {
  host: {
    cpu_percent: column('cpu_percent'),
    memory_percent: ratio('memory_used_bytes', 'memory_total_bytes'),
    memory_bytes: column('memory_used_bytes'),
    swap_bytes: column('swap_used_bytes'),
    load1: column('load1'),
    load5: column('load5'),
    load15: column('load15'),
    net_rx_bytes_per_sec: column('net_rx_bytes_per_sec'),
    net_tx_bytes_per_sec: column('net_tx_bytes_per_sec'),
    disk_read_bytes_per_sec: column('disk_read_bytes_per_sec'),
    disk_write_bytes_per_sec: column('disk_write_bytes_per_sec'),
  },
  container: {
    cpu_percent: column('cpu_percent'),
    memory_percent: ratio('memory_bytes', 'memory_limit_bytes'),
    memory_bytes: column('memory_bytes'),
    net_rx_bytes_per_sec: column('net_rx_bytes_per_sec'),
    net_tx_bytes_per_sec: column('net_tx_bytes_per_sec'),
    block_read_bytes_per_sec: column('block_read_bytes_per_sec'),
    block_write_bytes_per_sec: column('block_write_bytes_per_sec'),
    pids: column('pids'),
  },
  // `rate` is derived from `value` by ratePoints.
  series: { value: column('value') },
};

/** Windows at least this long read the 1 min rollups (before their watermark). */
export const ROLLUP_FROM_MS = 30 * 60_000;

const at = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;
/** A Postgres array literal of ids (uuids or hex ids: nothing to escape), one parameter. */
const idArray = (ids: readonly string[], cast: string) => sql`${`{${ids.join(',')}}`}::${sql.raw(cast)}[]`;

export function metricSql(kind: ObjectKind, metric: string): MetricSql {
  const m = METRICS[kind][metric];
  if (!m) throw new Error(`no ${kind} metric ${metric} in the samples tables`);
  return m;
}

/**
 * Rows `(id, t, n, v_avg, v_min, v_max, v_last)` for the objects over (from, to]: one per raw
 * sample, or per 1 min rollup bucket before the watermark `mark`.
 */
export function windowPoints(
  kind: ObjectKind,
  metric: string,
  ids: readonly string[],
  from: number,
  to: number,
  mark: number | undefined,
): SQL {
  if (kind === 'series' && metric === 'rate') return ratePoints(ids, from, to, mark);
  const t = TABLES[kind];
  const m = metricSql(kind, metric);
  const key = sql.raw(t.key);
  const idList = idArray(ids, t.cast);
  const useRollup = to - from >= ROLLUP_FROM_MS && mark !== undefined && mark > from;
  const raw = (after: SQL) => sql`select ${key}::text as id, ts as t, 1 as n, ${sql.raw(m.raw)} as v_avg,
      ${sql.raw(m.raw)} as v_min, ${sql.raw(m.raw)} as v_max, ${sql.raw(m.raw)} as v_last
    from ${sql.raw(t.raw)} where ${key} = any(${idList}) and ${after} and ts <= ${at(to)}`;
  if (!useRollup) return raw(sql`ts > ${at(from)}`);
  const r = (a: Agg) => sql.raw(m.rollup(a));
  return sql`select ${key}::text as id, bucket as t, count as n, ${r('avg')} as v_avg, ${r('min')} as v_min,
      ${r('max')} as v_max, ${r('last')} as v_last
    from ${sql.raw(t.rollup)} where ${key} = any(${idList}) and bucket >= ${at(from)} and bucket < ${at(mark)}
    union all ${raw(sql`ts >= ${at(Math.max(from, mark))}`)}`;
}

/**
 * A counter's per-second increase between consecutive points of each series, as points like
 * windowPoints' (one per interval, at its end). A value below the previous one is a counter
 * reset: the interval's increase is the new value (counted from 0), as Prometheus' rate() does.
 * Before the rollup watermark a bucket's last value stands at the bucket's end. The first point
 * of the window has no predecessor, so a rate needs two samples in the window; evenly spaced
 * samples make the average of the per-interval rates the window's overall rate.
 */
function ratePoints(ids: readonly string[], from: number, to: number, mark: number | undefined): SQL {
  const idList = idArray(ids, 'int8');
  const useRollup = to - from >= ROLLUP_FROM_MS && mark !== undefined && mark > from;
  const raw = (after: SQL) => sql`select series_id::text as id, ts as t, value as v from series_samples
    where series_id = any(${idList}) and ${after} and ts <= ${at(to)}`;
  const values = !useRollup
    ? raw(sql`ts > ${at(from)}`)
    : sql`select series_id::text as id, bucket + interval '1 minute' as t, value_last as v from series_rollup_1m
        where series_id = any(${idList}) and bucket >= ${at(from)} and bucket < ${at(mark)}
      union all ${raw(sql`ts >= ${at(Math.max(from, mark))}`)}`;
  return sql`select id, t, 1 as n, r as v_avg, r as v_min, r as v_max, r as v_last from (
      select id, t, (case when v >= prev then v - prev else v end)
        / nullif(extract(epoch from t - prev_t)::float8, 0) as r
      from (select id, t, v, lag(v) over w as prev, lag(t) over w as prev_t
        from (${values}) as e window w as (partition by id order by t)) as l
      where prev is not null) as rates`;
}

/** Per object: sample count, avg, min, max, last and first value over the window. */
export function aggregateSql(points: SQL): SQL {
  return sql`select id, sum(n)::int as n, count(*)::int as points,
      sum(v_avg * n) / nullif(sum(n), 0) as avg, min(v_min) as min, max(v_max) as max,
      (array_agg(v_last order by t desc))[1] as last, (array_agg(v_avg order by t asc))[1] as first
    from (${points}) as p where v_avg is not null group by id`;
}

/** Per object: median and MAD over the long window, mean and last over the short one. */
export function anomalySql(longPoints: SQL, shortFrom: number): SQL {
  return sql`with p as (select id, t, v_avg as v, v_last from (${longPoints}) as s where v_avg is not null),
    base as (select id, count(*)::int as n, percentile_cont(0.5) within group (order by v) as med from p group by id),
    dev as (select p.id, percentile_cont(0.5) within group (order by abs(p.v - base.med)) as mad
      from p join base on base.id = p.id group by p.id),
    recent as (select id, avg(v) as mean, (array_agg(v_last order by t desc))[1] as last
      from p where t > ${at(shortFrom)} group by id)
    select base.id, base.n, base.med, dev.mad, recent.mean, recent.last
    from base join dev on dev.id = base.id join recent on recent.id = base.id`;
}

/** Per container: the restart count before the window and the latest within it. */
export function restartRiseSql(ids: readonly string[], from: number, to: number): SQL {
  return sql`select container_id as id,
      (array_agg(restart_count order by ts desc) filter (where ts <= ${at(from)}))[1] as before,
      (array_agg(restart_count order by ts asc) filter (where ts > ${at(from)}))[1] as first,
      (array_agg(restart_count order by ts desc) filter (where ts > ${at(from)}))[1] as last
    from container_health_history where container_id = any(${idArray(ids, 'text')}) and ts <= ${at(to)}
    group by container_id`;
}

/** Every health change of the containers up to `to`, oldest first (for backtests). */
export function restartHistorySql(ids: readonly string[], to: number): SQL {
  return sql`select container_id as id, ts, status, restart_count from container_health_history
    where container_id = any(${idArray(ids, 'text')}) and ts <= ${at(to)} order by ts`;
}
