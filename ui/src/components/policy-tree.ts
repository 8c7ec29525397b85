/**
 * Pure helpers for the policy editor: routes addressed by their path of child indexes, immutable
 * updates, and the values a route inherits from its ancestors (Alertmanager's inheritance of
 * receiver, group_by and the three timings, with the defaults 30s / 5m / 4h at the top).
 * @module
 */
import {
  DEFAULT_GROUP_INTERVAL,
  DEFAULT_GROUP_WAIT,
  DEFAULT_REPEAT_INTERVAL,
  type Route,
} from '@unity/shared';

/** Child indexes from the root: [] is the root, [0, 2] the root's first child's third child. */
export type RoutePath = readonly number[];

export const INHERITED_FIELDS = [
  'contactPointId',
  'groupBy',
  'groupWait',
  'groupInterval',
  'repeatInterval',
] as const;
export type InheritedField = (typeof INHERITED_FIELDS)[number];
export type Effective = {
  [K in InheritedField]: { value: Exclude<Route[K], undefined> | undefined; inherited: boolean };
};

const DEFAULTS: Partial<Route> = {
  groupWait: DEFAULT_GROUP_WAIT,
  groupInterval: DEFAULT_GROUP_INTERVAL,
  repeatInterval: DEFAULT_REPEAT_INTERVAL,
};

export function routeAt(root: Route, path: RoutePath): Route | undefined {
  let r: Route | undefined = root;
  for (const i of path) r = r?.routes?.[i];
  return r;
}

/** The tree with `fn` applied to the route at `path` (other routes are shared, not copied). */
export function updateAt(root: Route, path: RoutePath, fn: (r: Route) => Route): Route {
  if (path.length === 0) return fn(root);
  const [i, ...rest] = path as [number, ...number[]];
  const routes = [...(root.routes ?? [])];
  const child = routes[i];
  if (!child) return root;
  routes[i] = updateAt(child, rest, fn);
  return { ...root, routes };
}

export function removeAt(root: Route, path: RoutePath): Route {
  const parent = path.slice(0, -1);
  const index = path[path.length - 1];
  if (index === undefined) return root;
  return updateAt(root, parent, (r) => ({ ...r, routes: (r.routes ?? []).filter((_, j) => j !== index) }));
}

/** What a route uses for the inherited fields: its own value, else its nearest ancestor's. */
export function effectiveAt(root: Route, path: RoutePath): Effective {
  const chain: Route[] = [root];
  for (let n = 1; n <= path.length; n++) {
    const r = routeAt(root, path.slice(0, n));
    if (r) chain.push(r);
  }
  const own = chain[chain.length - 1] ?? root;
  const pick = <K extends InheritedField>(k: K) => {
    if (own[k] !== undefined) return { value: own[k], inherited: false };
    for (let n = chain.length - 2; n >= 0; n--) {
      const v = chain[n]?.[k];
      // An escalation chain on an ancestor stops the contact point from being inherited past it.
      if (k === 'contactPointId' && chain[n]?.escalationChainId) return { value: undefined, inherited: true };
      if (v !== undefined) return { value: v, inherited: true };
    }
    return { value: DEFAULTS[k], inherited: true };
  };
  return {
    contactPointId: pick('contactPointId'),
    groupBy: pick('groupBy'),
    groupWait: pick('groupWait'),
    groupInterval: pick('groupInterval'),
    repeatInterval: pick('repeatInterval'),
  } as Effective;
}

/** "a, b ,c" → ["a", "b", "c"]; undefined for nothing (so the field is inherited or absent). */
export function listField(text: string): string[] | undefined {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}
