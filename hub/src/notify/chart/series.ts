/**
 * Finds what to chart for a notification: the first alert about a host or container metric
 * (its object from the alert's link, its metric from the rule's condition), and that metric over
 * the last hour from the metrics store, 60 points.
 * @module
 */
import type { AlertCondition, Notification } from '@unity/shared';
import { objectName } from '../../alerts/route/message.js';
import { getRule } from '../../alerts/store.js';
import { METRIC_NAMES } from '../../alerts/templates/format.js';
import type { Db } from '../../db/client.js';
import { bucketStart, seriesRows, seriesWindow } from '../../metrics/query.js';

export type ChartSeries = {
  metric: string;
  title: string;
  points: { t: number; v: number }[];
  from: number;
  to: number;
  threshold?: number;
};

const HOUR_MS = 3_600_000;
const MAX_SERIES_QUERIES = 5;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const OBJECT_URL = new RegExp(`/(hosts|containers)/(${UUID}|[0-9a-f]{12,64})(?:[/?#]|$)`, 'i');

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? Number.NaN : Number(v));
const share = (part: unknown, whole: unknown) => {
  const w = num(whole);
  return w > 0 ? (num(part) / w) * 100 : Number.NaN;
};

/** A metric as a value of a series row; undefined for metrics no row holds (disk use per mount). */
const COLUMNS: Record<'host' | 'container', Record<string, (r: Row) => number>> = {
  host: {
    cpu_percent: (r) => num(r.cpu_percent),
    memory_bytes: (r) => num(r.memory_used_bytes),
    memory_percent: (r) => share(r.memory_used_bytes, r.memory_total_bytes),
    swap_bytes: (r) => num(r.swap_used_bytes),
    load1: (r) => num(r.load1),
    load5: (r) => num(r.load5),
    load15: (r) => num(r.load15),
    net_rx_bytes_per_sec: (r) => num(r.net_rx_bytes_per_sec),
    net_tx_bytes_per_sec: (r) => num(r.net_tx_bytes_per_sec),
    disk_read_bytes_per_sec: (r) => num(r.disk_read_bytes_per_sec),
    disk_write_bytes_per_sec: (r) => num(r.disk_write_bytes_per_sec),
  },
  container: {
    cpu_percent: (r) => num(r.cpu_percent),
    memory_bytes: (r) => num(r.memory_bytes),
    memory_percent: (r) => share(r.memory_bytes, r.memory_limit_bytes),
    net_rx_bytes_per_sec: (r) => num(r.net_rx_bytes_per_sec),
    net_tx_bytes_per_sec: (r) => num(r.net_tx_bytes_per_sec),
    block_read_bytes_per_sec: (r) => num(r.block_read_bytes_per_sec),
    block_write_bytes_per_sec: (r) => num(r.block_write_bytes_per_sec),
    pids: (r) => num(r.pids),
  },
};

/** The condition that names the metric (a composite's first metric part). */
function metricCondition(c: AlertCondition): { metric: string; threshold?: number } | undefined {
  const part = c.kind === 'composite' ? c.conditions.find((p) => 'metric' in p) : c;
  if (!part || !('metric' in part)) return undefined;
  return { metric: part.metric, ...(part.kind === 'threshold' ? { threshold: part.threshold } : {}) };
}

/** The metric series of the notification's first charted alert, or undefined when none has one. */
export async function chartSeries(db: Db, n: Notification, now: number): Promise<ChartSeries | undefined> {
  // Alerts of the notification's own state first; each rule is read once, and a big group
  // does not turn one mail into many queries.
  const alerts = [
    ...n.alerts.filter((a) => a.status === n.status),
    ...n.alerts.filter((a) => a.status !== n.status),
  ];
  const rules = new Map<string, Promise<ReturnType<typeof metricCondition>>>();
  let queries = 0;
  for (const alert of alerts) {
    if (queries >= MAX_SERIES_QUERIES) break;
    const m = OBJECT_URL.exec(alert.url);
    if (!m?.[1] || !m[2]) continue;
    const kind = m[1].toLowerCase() === 'hosts' ? 'host' : 'container';
    if (kind === 'host' && !new RegExp(`^${UUID}$`, 'i').test(m[2])) continue;
    let rule = rules.get(alert.ruleId);
    if (!rule) {
      rule = getRule(db, alert.ruleId)
        .then((r) => r && metricCondition(r.condition))
        .catch(() => undefined);
      rules.set(alert.ruleId, rule);
    }
    const cond = await rule;
    const read = cond && COLUMNS[kind][cond.metric];
    if (!cond || !read) continue;
    const w = seriesWindow({ from: now - HOUR_MS, to: now, points: 60 }, now);
    queries++;
    const { rows } = await seriesRows(db, kind, m[2], w);
    const points = rows
      .map((r) => ({ t: bucketStart(num(r.b), w), v: read(r) }))
      .filter((p) => Number.isFinite(p.v));
    if (points.length === 0) continue;
    return {
      metric: cond.metric,
      title: `${METRIC_NAMES[cond.metric] ?? cond.metric} on ${objectName(alert)}, last hour`,
      points,
      from: w.from,
      to: w.to,
      ...(cond.threshold !== undefined ? { threshold: cond.threshold } : {}),
    };
  }
  return undefined;
}
