/**
 * Live preview for the rule editor: the rule evaluated once, now, against current data, with
 * its messages rendered; nothing is stored and `for` is not waited for. References to other
 * rules read their stored instances.
 * @module
 */
import type { AlertPreview, AlertRuleSpec, RuleRefCondition } from '@unity/shared';
import type { Db } from '../db/client.js';
import { conditionVerdict, type Verdict } from './eval/condition.js';
import type { EvalRule, InstanceState, ObservedObject, Outcome } from './eval/types.js';
import { visibleObjectKeys } from './object-scope.js';
import type { AlertSource } from './source/db-source.js';
import { loadInstances } from './store.js';
import { annotate } from './templates/annotate.js';

const PREVIEW_ID = '00000000-0000-4000-8000-000000000000';

export async function previewRule(
  db: Db,
  source: AlertSource,
  spec: AlertRuleSpec,
  now: number,
  /** The caller's host scope: objects on other hosts are left out of the preview. */
  visible: 'all' | ReadonlySet<string> = 'all',
): Promise<AlertPreview> {
  const rule: EvalRule = { ...spec, id: PREVIEW_ID };
  const data = (await source.collect([rule], now)).get(rule.id);
  if (!data || 'error' in data) throw new Error(data?.error ?? 'no data');
  const firing = new Map<string, InstanceState[]>();
  if (spec.condition.kind === 'composite')
    for (const i of await loadInstances(db))
      if (i.state === 'firing') firing.set(i.ruleId, [...(firing.get(i.ruleId) ?? []), i]);
  const resolveRef = (ref: RuleRefCondition, object: ObservedObject): Verdict => {
    const instances = firing.get(ref.ruleId) ?? [];
    const holds =
      ref.on === undefined
        ? instances.some((i) => i.objectKey === object.key)
        : instances.some((i) =>
            (ref.on ?? []).every((l) => (i.labels[l] ?? '') === (object.labels[l] ?? '')),
          );
    return { kind: 'holds', holds, value: null };
  };
  const all: { object: ObservedObject; outcomes: (Outcome | undefined)[] }[] =
    spec.condition.kind === 'composite'
      ? data.objects.map((object) => ({
          object,
          outcomes: data.leaves.map((leaf) => leaf.find((o) => o.key === object.key)?.outcome),
        }))
      : (data.leaves[0] ?? []).map((o) => ({ object: o, outcomes: [o.outcome] }));
  const keep = await visibleObjectKeys(
    db,
    all.map((r) => r.object.key),
    visible,
  );
  const rows = all.filter((r) => keep.has(r.object.key));
  return {
    at: now,
    objects: rows.length,
    items: rows.map(({ object, outcomes }) => {
      const verdict = conditionVerdict(rule.condition, outcomes, false, object, resolveRef);
      const labels = { ...object.labels, ...rule.labels };
      const value = verdict.kind === 'holds' ? verdict.value : null;
      const health = verdict.kind === 'holds' ? 'ok' : verdict.kind;
      const first = outcomes[0];
      return {
        labels,
        active: verdict.kind === 'holds' && verdict.holds,
        health,
        value,
        annotations: annotate({
          rule,
          labels,
          url: object.url,
          value,
          state: health === 'ok' ? 'firing' : health,
          since: now,
          now,
          fired7d: 1,
          vars: {
            ...object.vars,
            ...(first?.type === 'value' ? first.vars : {}),
            ...(verdict.kind === 'error' ? { error: verdict.message } : {}),
          },
        }),
      };
    }),
  };
}
