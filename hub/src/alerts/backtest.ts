/**
 * Backtest: "what would this rule have done over the last N days". The objects the rule selects
 * now, their history from the stored samples (1 min rollups, raw after the rollup watermark)
 * and health history, replayed through the same core every `stepSec`. Objects removed since are
 * not replayed, and statuses without a history (stopped, died, OOM-killed, offline) or
 * references to other rules cannot be backtested: those answer a clear 400.
 * @module
 */
import { type AlertBacktest, type AlertRuleSpec, isK8sObjectKind, type LeafCondition } from '@unity/shared';
import { type Db, rowsOf } from '../db/client.js';
import { badRequest } from '../errors.js';
import { readWatermarks } from '../metrics/rollup.js';
import { leafConditions } from './eval/condition.js';
import { evaluate } from './eval/evaluate.js';
import { type MemoryObject, memoryRuleData, type Point, seriesName } from './eval/memory-source.js';
import type { EvalRule, InstanceState } from './eval/types.js';
import type { DbSource } from './source/db-source.js';
import { logMatchTimes } from './source/log-pattern.js';
import { loadSnapshot } from './source/snapshot.js';
import { restartHistorySql, windowPoints } from './source/window-sql.js';

/** The most object × step evaluations one backtest may run. */
export const MAX_WORK = 5_000_000;
const BACKTEST_ID = '00000000-0000-4000-8000-000000000001';

/** Why a condition cannot be backtested, or undefined when it can. */
function unsupported(c: LeafCondition): string | undefined {
  if (c.kind === 'status' && c.status !== 'restarting' && c.status !== 'unhealthy')
    return `status ${c.status} has no stored history to replay`;
  if ((c.kind === 'threshold' || c.kind === 'rate_of_change') && c.metric === 'disk_percent')
    return 'disk use is stored for the latest sample only';
  return undefined;
}

function push(o: MemoryObject, series: string, p: Point): void {
  const points = o.series[series] ?? [];
  o.series[series] = points;
  points.push(p);
}

/** How far back each condition needs data before the first step. */
function lookback(c: LeafCondition): number {
  switch (c.kind) {
    case 'threshold':
    case 'rate_of_change':
      return c.windowSec * 1000;
    case 'anomaly':
      return c.longWindowSec * 1000;
    case 'status':
      return c.windowSec * 1000;
    case 'absence':
      return c.afterSec * 1000;
    case 'log_pattern':
      return c.windowSec * 1000;
    default:
      return c satisfies never;
  }
}

export async function backtestRule(
  db: Db,
  source: DbSource,
  spec: AlertRuleSpec,
  options: {
    days: number;
    stepSec: number;
    now: number;
    publicUrl: string;
    /** The caller's host scope: objects on other hosts are not replayed. */
    visible?: 'all' | ReadonlySet<string>;
  },
): Promise<AlertBacktest> {
  if (spec.condition.kind === 'composite' && spec.condition.conditions.some((p) => p.kind === 'rule'))
    throw badRequest('a rule that refers to other rules cannot be backtested yet');
  const object = spec.selector.object;
  // Probe states are derived from results, not replayable series (yet).
  if (object === 'probe') throw badRequest('a probe rule cannot be backtested yet');
  // The hub keeps the current state of Kubernetes objects, not their history.
  if (isK8sObjectKind(object))
    throw badRequest(
      'a Kubernetes rule cannot be backtested: the hub keeps the current state of Kubernetes objects, not their history',
    );
  const leaves = leafConditions(spec.condition);
  for (const leaf of leaves) {
    const why = unsupported(leaf);
    if (why) throw badRequest(`cannot backtest this rule: ${why}`);
  }
  const rule: EvalRule = { ...spec, id: BACKTEST_ID };
  const stepMs = options.stepSec * 1000;
  const to = Math.floor(options.now / stepMs) * stepMs;
  const from = to - Math.round(options.days * 86_400_000);
  const steps = Math.floor((to - from) / stepMs) + 1;
  const snapshot = await loadSnapshot(db, options.publicUrl);
  const visible = options.visible ?? 'all';
  const all = object === 'series' ? await source.series(rule) : source.select(rule, snapshot);
  const selected = all.filter(
    (s) => visible === 'all' || visible.has(s.host?.id ?? s.container?.hostId ?? s.series?.hostId ?? ''),
  );
  if (selected.length * steps > MAX_WORK)
    throw badRequest(
      `too much to replay (${selected.length} objects × ${steps} steps): narrow the selector, shorten the range or raise stepSec`,
    );
  const objects: MemoryObject[] = selected.map((s) => ({
    ...s.object,
    kind: object,
    ...(s.container ? { engineLabels: s.container.engineLabels } : {}),
    series: {},
  }));
  const ids = selected.map((s) => s.id);
  const byId = new Map(selected.map((s, i) => [s.id, objects[i] as MemoryObject]));
  const earliest = from - Math.max(...leaves.map(lookback));
  const marks = await readWatermarks(db);
  const mark = marks[`${object}_1m`];
  for (const leaf of leaves) {
    if (ids.length === 0) break;
    const name = seriesName(leaf);
    if (leaf.kind === 'status') {
      const rows = rowsOf<Record<string, unknown>>(await db.execute(restartHistorySql(ids, to)));
      for (const r of rows) {
        const o = byId.get(String(r.id));
        const v = leaf.status === 'restarting' ? Number(r.restart_count) : r.status === 'unhealthy' ? 1 : 0;
        if (o) push(o, name, { t: new Date(String(r.ts)).getTime(), v });
      }
      continue;
    }
    if (leaf.kind === 'log_pattern') {
      for (const m of await logMatchTimes(db, leaf, ids, earliest, to)) {
        const o = byId.get(m.id);
        if (o) push(o, name, { t: m.t, v: 1 });
      }
      continue;
    }
    const metric = leaf.kind !== 'absence' ? leaf.metric : object === 'series' ? 'value' : 'cpu_percent';
    // Long ranges read the rollups: windowPoints does so for 30 minutes or more.
    const rows = rowsOf<Record<string, unknown>>(
      await db.execute(windowPoints(object, metric, ids, earliest, to, mark)),
    );
    const column = leaf.kind === 'threshold' ? `v_${leaf.aggregation}` : 'v_avg';
    for (const r of rows) {
      const o = byId.get(String(r.id));
      const v = r[column];
      if (o && v !== null && v !== undefined)
        push(o, name, { t: new Date(String(r.t)).getTime(), v: Number(v) });
    }
  }
  for (const o of objects)
    for (const points of Object.values(o.series)) points.sort((a: Point, b: Point) => a.t - b.t);

  const result: AlertBacktest = {
    from,
    to,
    stepSec: options.stepSec,
    objects: objects.length,
    transitions: [],
    notifications: { firing: 0, resolved: 0 },
  };
  const told = new Map<string, string>();
  let states: InstanceState[] = [];
  for (let t = from; t <= to; t += stepMs) {
    const out = evaluate({
      rules: [rule],
      data: new Map([[rule.id, memoryRuleData(rule, objects, t)]]),
      previous: states,
      now: t,
    });
    states = out.states;
    for (const tr of out.transitions)
      result.transitions.push({
        at: tr.at,
        fingerprint: tr.fingerprint,
        labels: tr.labels,
        from: tr.from,
        to: tr.to,
        value: tr.value,
      });
    for (const a of out.alerts) {
      if (told.get(a.fingerprint) === a.status) continue;
      told.set(a.fingerprint, a.status);
      result.notifications[a.status]++;
    }
  }
  return result;
}
