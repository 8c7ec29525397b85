/**
 * Label matchers as Alertmanager has them: `=`, `!=`, `=~`, `!~`, regular expressions anchored at
 * both ends, and an absent label reads as the empty string (so `team=""` matches alerts without
 * a team and `team=~".+"` requires one).
 * @module
 */
import { anchoredRegex, type Matcher } from '@unity/shared';

export type Labels = Record<string, string>;
export type LabelPredicate = (labels: Labels) => boolean;

export function compileMatcher(m: Matcher): LabelPredicate {
  const { label, value } = m;
  switch (m.op) {
    case '=':
      return (labels) => (labels[label] ?? '') === value;
    case '!=':
      return (labels) => (labels[label] ?? '') !== value;
    case '=~': {
      const re = anchoredRegex(value);
      return (labels) => re.test(labels[label] ?? '');
    }
    case '!~': {
      const re = anchoredRegex(value);
      return (labels) => !re.test(labels[label] ?? '');
    }
  }
}

/** True when every matcher matches; no matchers match everything. */
export function compileMatchers(matchers: readonly Matcher[] | undefined): LabelPredicate {
  const compiled = (matchers ?? []).map(compileMatcher);
  if (compiled.length === 0) return () => true;
  if (compiled.length === 1) return compiled[0] as LabelPredicate;
  return (labels) => compiled.every((p) => p(labels));
}
