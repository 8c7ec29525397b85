/**
 * Selector matching: Alertmanager-style label matchers, regular expressions fully anchored.
 * `label.<key>` matches a container's own engine label; other names match instance labels.
 * A missing label matches as the empty string, as in Alertmanager.
 * @module
 */
import type { AlertSelector, LabelMatcher } from '@unity/shared';
import type { Labels } from './types.js';

type Compiled = (labels: Labels, engineLabels: Labels) => boolean;

function compile(m: LabelMatcher): Compiled {
  const read = m.label.startsWith('label.')
    ? (_: Labels, engine: Labels) => engine[m.label.slice(6)] ?? ''
    : (labels: Labels) => labels[m.label] ?? '';
  switch (m.op) {
    case '=':
      return (l, e) => read(l, e) === m.value;
    case '!=':
      return (l, e) => read(l, e) !== m.value;
    case '=~': {
      const re = new RegExp(`^(?:${m.value})$`);
      return (l, e) => re.test(read(l, e));
    }
    case '!~': {
      const re = new RegExp(`^(?:${m.value})$`);
      return (l, e) => !re.test(read(l, e));
    }
    default:
      return m.op satisfies never;
  }
}

/** A predicate over an object's labels (and a container's engine labels) for the selector. */
export function selectorMatcher(selector: AlertSelector): (labels: Labels, engineLabels?: Labels) => boolean {
  const compiled = selector.matchers.map(compile);
  return (labels, engineLabels = {}) => compiled.every((f) => f(labels, engineLabels));
}
