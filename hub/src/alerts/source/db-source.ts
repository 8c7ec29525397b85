/**
 * The database source: per evaluation, one snapshot of hosts and containers (two queries), then
 * for each rule one query per metric condition over all its objects (window aggregate, rate of
 * change, anomaly baseline, restart count rise); statuses and absence read the snapshot alone.
 * Kubernetes rules read k8s_objects once per kind (k8s-objects.ts).
 * @module
 */
import {
  type AlertObjectKind,
  isK8sObjectKind,
  type K8sAlertObjectKind,
  type LeafCondition,
} from '@unity/shared';
import { type Db, rowsOf } from '../../db/client.js';
import { readWatermarks, type Watermarks } from '../../metrics/rollup.js';
import { loadProbeObjects, type ProbeAlertObject, probeStatusHolds } from '../../probes/alert-objects.js';
import { leafConditions } from '../eval/condition.js';
import { anomalyScores } from '../eval/memory-source.js';
import { selectorMatcher } from '../eval/selector.js';
import type { EvalRule, Observation, ObservedObject, Outcome, RuleData } from '../eval/types.js';
import { formatTime } from '../templates/format.js';
import { type K8sCache, k8sRuleData } from './k8s-objects.js';
import { countLogMatches } from './log-pattern.js';
import { loadSeriesObjects, type SeriesAlertObject, seriesLastSampleSql } from './series-objects.js';
import {
  type ContainerObject,
  exitCodeFromStatus,
  type HostObject,
  loadSnapshot,
  type Snapshot,
} from './snapshot.js';
import { aggregateSql, anomalySql, restartRiseSql, windowPoints } from './window-sql.js';

export type AlertSource = {
  /** Data for each rule at `now` (a failed rule answers `{ error }`, the others are unaffected). */
  collect(rules: readonly EvalRule[], now: number): Promise<Map<string, RuleData>>;
};

export type DbSourceOptions = {
  db: Db;
  publicUrl: string;
  /** Whether a host's agent is connected now; without it, a host is online if heard from within offlineAfterMs. */
  isOnline?: (hostId: string) => boolean;
  offlineAfterMs: number;
};

type Selected = {
  host?: HostObject;
  container?: ContainerObject;
  probe?: ProbeAlertObject;
  series?: SeriesAlertObject;
  object: ObservedObject;
  id: string;
};
type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const STOPPED = new Set(['exited', 'dead']);

export class DbSource implements AlertSource {
  constructor(private readonly o: DbSourceOptions) {}

  async collect(rules: readonly EvalRule[], now: number): Promise<Map<string, RuleData>> {
    const out = new Map<string, RuleData>();
    if (rules.length === 0) return out;
    const snapshot = await loadSnapshot(this.o.db, this.o.publicUrl);
    const marks = await readWatermarks(this.o.db);
    const k8s: K8sCache = new Map();
    for (const rule of rules) {
      try {
        out.set(rule.id, await this.ruleData(rule, snapshot, marks, now, k8s));
      } catch (error) {
        out.set(rule.id, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    return out;
  }

  /** The objects a rule's selector matches. */
  select(rule: EvalRule, snapshot: Snapshot): Selected[] {
    const matches = selectorMatcher(rule.selector);
    if (rule.selector.object === 'host')
      return snapshot.hosts
        .filter((h) => matches(h.labels))
        .map((h) => ({ host: h, id: h.id, object: { key: `host:${h.id}`, labels: h.labels, url: h.url } }));
    return snapshot.containers
      .filter((c) => matches({ ...c.matchLabels, ...c.labels }, c.engineLabels))
      .map((c) => ({
        container: c,
        id: c.id,
        object: {
          key: `container:${c.id}`,
          labels: c.labels,
          url: c.url,
          vars: { image: c.matchLabels.image ?? '' },
        },
      }));
  }

  async ruleData(
    rule: EvalRule,
    snapshot: Snapshot,
    marks: Watermarks,
    now: number,
    k8s?: K8sCache,
  ): Promise<RuleData> {
    const kind = rule.selector.object;
    if (isK8sObjectKind(kind))
      return k8sRuleData(this.o.db, this.o.publicUrl, rule, leafConditions(rule.condition), now, k8s);
    const selected =
      rule.selector.object === 'probe'
        ? await this.probes(rule, now)
        : rule.selector.object === 'series'
          ? await this.series(rule)
          : this.select(rule, snapshot);
    const leaves: Observation[][] = [];
    for (const leaf of leafConditions(rule.condition))
      leaves.push(await this.observe(leaf, kind, selected, marks, now));
    return { objects: selected.map((s) => s.object), leaves };
  }

  /** Probes the selector matches (loaded per rule: probe rules are few). */
  private async probes(rule: EvalRule, now: number): Promise<Selected[]> {
    const matches = selectorMatcher(rule.selector);
    return (await loadProbeObjects(this.o.db, this.o.publicUrl, now))
      .filter((p) => matches(p.labels))
      .map((p) => ({ probe: p, id: p.id, object: { key: `probe:${p.id}`, labels: p.labels, url: p.url } }));
  }

  /** The series of the selector's metric whose labels match (loaded per rule, by metric name). */
  async series(rule: EvalRule): Promise<Selected[]> {
    const matches = selectorMatcher(rule.selector);
    return (await loadSeriesObjects(this.o.db, this.o.publicUrl, rule.selector.metric ?? ''))
      .filter((s) => matches(s.labels))
      .map((s) => ({ series: s, id: s.id, object: { key: `series:${s.id}`, labels: s.labels, url: s.url } }));
  }

  private async observe(
    c: LeafCondition,
    kind: Exclude<AlertObjectKind, K8sAlertObjectKind>,
    selected: Selected[],
    marks: Watermarks,
    now: number,
  ): Promise<Observation[]> {
    if (selected.length === 0) return [];
    if (kind === 'probe') {
      // The rule schema allows probes status conditions only.
      if (c.kind !== 'status') return [];
      return selected.map((s) => this.statusObservation(c.status, s, now));
    }
    const ids = selected.map((s) => s.id);
    const mark = marks[`${kind}_1m`];
    const each = (f: (s: Selected) => Outcome | undefined) =>
      selected.flatMap((s) => {
        const outcome = f(s);
        return outcome ? [{ ...s.object, outcome }] : [];
      });
    switch (c.kind) {
      case 'status':
        if (c.status === 'restarting') {
          const rows = rowsOf<Row>(
            await this.o.db.execute(restartRiseSql(ids, now - c.windowSec * 1000, now)),
          );
          const byId = new Map(rows.map((r) => [String(r.id), r]));
          return each((s) => {
            const r = byId.get(s.id);
            const last = num(r?.last);
            const base = num(r?.before) ?? num(r?.first);
            return { type: 'value', value: last === null || base === null ? 0 : last - base };
          });
        }
        return selected.map((s) => this.statusObservation(c.status, s, now));
      case 'absence':
        if (kind === 'series') {
          const rows = rowsOf<Row>(await this.o.db.execute(seriesLastSampleSql(ids, now)));
          const last = new Map(rows.map((r) => [String(r.id), new Date(String(r.last)).getTime()]));
          return each((s) => {
            const t = last.get(s.id);
            return { type: 'value', value: t === undefined ? null : Math.max(0, (now - t) / 1000) };
          });
        }
        return each((s) => {
          // A container that is not running has no stats by design: that is the status rules' job.
          if (s.container && s.container.state !== 'running') return undefined;
          const last = s.host ? s.host.sampledAt : (s.container?.statsAt ?? null);
          return { type: 'value', value: last === null ? null : Math.max(0, (now - last) / 1000) };
        });
      case 'threshold':
      case 'rate_of_change': {
        if (c.kind === 'threshold' && c.metric === 'disk_percent')
          return this.disks(c.windowSec, selected, now);
        const from = now - c.windowSec * 1000;
        const rows = rowsOf<Row>(
          await this.o.db.execute(aggregateSql(windowPoints(kind, c.metric, ids, from, now, mark))),
        );
        const byId = new Map(rows.map((r) => [String(r.id), r]));
        return each((s) => {
          const r = byId.get(s.id);
          if (!r || !num(r.n)) return { type: 'nodata' };
          if (c.kind === 'threshold') {
            const v = num(r[c.aggregation]);
            return v === null ? { type: 'nodata' } : { type: 'value', value: v };
          }
          const first = num(r.first);
          const last = num(r.last);
          if ((num(r.points) ?? 0) < 2 || first === null || last === null || first === 0)
            return { type: 'nodata' };
          return { type: 'value', value: ((last - first) / Math.abs(first)) * 100 };
        });
      }
      case 'anomaly': {
        const points = windowPoints(kind, c.metric, ids, now - c.longWindowSec * 1000, now, mark);
        const rows = rowsOf<Row>(await this.o.db.execute(anomalySql(points, now - c.shortWindowSec * 1000)));
        const byId = new Map(rows.map((r) => [String(r.id), r]));
        return each((s) => {
          const r = byId.get(s.id);
          const [n, med, mad, mean, last] = [num(r?.n), num(r?.med), num(r?.mad), num(r?.mean), num(r?.last)];
          if (n === null || n < 10 || med === null || mad === null || mean === null || last === null)
            return { type: 'nodata' };
          return {
            type: 'value',
            value: mean,
            scores: anomalyScores(mean, last, med, mad),
            vars: { baseline: String(med) },
          };
        });
      }
      case 'log_pattern': {
        const counts = await countLogMatches(this.o.db, c, ids, now - c.windowSec * 1000, now);
        return each((s) => {
          const m = counts.get(s.id);
          return {
            type: 'value',
            value: m?.n ?? 0,
            vars: { matches: String(m?.n ?? 0), last_line: (m?.lastLine ?? '').slice(0, 500) },
          };
        });
      }
      default:
        return c satisfies never;
    }
  }

  /** Disk use per mount, from the latest host sample (the samples tables keep no per-mount history). */
  private disks(windowSec: number, selected: Selected[], now: number): Observation[] {
    const fresh = (s: Selected) =>
      s.host?.sampledAt !== null &&
      s.host?.sampledAt !== undefined &&
      now - s.host.sampledAt <= Math.max(windowSec * 1000, 120_000);
    return selected.flatMap((s) => {
      if (!s.host) return [];
      if (!fresh(s)) return [{ ...s.object, outcome: { type: 'nodata' } as Outcome }];
      return s.host.disks
        .filter((d) => d.totalBytes > 0)
        .map((d) => ({
          key: `${s.object.key}:${d.mount}`,
          labels: { ...s.object.labels, mount: d.mount },
          url: s.object.url,
          vars: { fs: d.fs, used: String(d.usedBytes), total: String(d.totalBytes) },
          outcome: { type: 'value', value: (d.usedBytes / d.totalBytes) * 100 } as Outcome,
        }));
    });
  }

  private statusObservation(status: string, s: Selected, now: number): Observation {
    const value = (v: boolean, vars: Record<string, string> = {}): Observation => ({
      ...s.object,
      vars: { ...s.object.vars, ...vars },
      outcome: { type: 'value', value: v ? 1 : 0 },
    });
    if (s.probe) {
      const holds = probeStatusHolds(status, s.probe, now);
      if (holds === undefined)
        return { ...s.object, outcome: { type: 'error', message: `unknown probe status ${status}` } };
      return value(holds, { probe_state: s.probe.state });
    }
    if (s.host) {
      const heard = Math.max(s.host.lastSeenAt ?? 0, s.host.sampledAt ?? 0);
      const online = this.o.isOnline
        ? this.o.isOnline(s.host.id)
        : heard > 0 && now - heard < this.o.offlineAfterMs;
      return value(!online, heard > 0 ? { last_seen: formatTime(heard) } : {});
    }
    const c = s.container as ContainerObject;
    const stopped = STOPPED.has(c.state);
    const exitCode = c.exitCode ?? exitCodeFromStatus(c.status);
    switch (status) {
      case 'stopped':
        return value(stopped, exitCode === null ? {} : { exit_code: String(exitCode) });
      case 'died':
        return value(
          stopped && exitCode !== null && exitCode !== 0,
          exitCode === null ? {} : { exit_code: String(exitCode) },
        );
      case 'unhealthy':
        return value(c.health === 'unhealthy', { failing_streak: String(c.failingStreak ?? 0) });
      case 'oom_killed':
        return value(c.oomKilled === true);
      default:
        return { ...s.object, outcome: { type: 'error', message: `unknown container status ${status}` } };
    }
  }
}
