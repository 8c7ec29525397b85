/**
 * The notification policy tree, compiled: matchers into predicates, durations into milliseconds,
 * inherited settings resolved per node. Matching is Alertmanager's: depth first from the root,
 * the first matching child wins unless it says `continue`, and a node none of whose children match
 * is the match itself.
 * @module
 */
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_GROUP_INTERVAL,
  DEFAULT_GROUP_WAIT,
  DEFAULT_REPEAT_INTERVAL,
  GROUP_BY_ALL,
  type NotificationPolicy,
  parseDuration,
  type Route,
} from '@unity/shared';
import { compileMatchers, type LabelPredicate, type Labels } from './matchers.js';

export type CompiledRoute = {
  id: string;
  matches: LabelPredicate;
  continue: boolean;
  /** 'all' for "..."; otherwise the label names, sorted. */
  groupBy: string[] | 'all';
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  contactPointId: string | null;
  escalationChainId: string | null;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  rateLimit: { count: number; periodMs: number } | null;
  children: CompiledRoute[];
};

const ms = (text: string | undefined, fallback: number) =>
  text === undefined ? fallback : (parseDuration(text) ?? fallback);

/** Compiles the tree; children inherit grouping, timings and the receiver they do not set. */
export function compilePolicy(policy: NotificationPolicy): CompiledRoute {
  const defaults: CompiledRoute = {
    id: 'root',
    matches: () => true,
    continue: false,
    groupBy: [],
    groupWaitMs: parseDuration(DEFAULT_GROUP_WAIT) ?? 30_000,
    groupIntervalMs: parseDuration(DEFAULT_GROUP_INTERVAL) ?? 300_000,
    repeatIntervalMs: parseDuration(DEFAULT_REPEAT_INTERVAL) ?? 14_400_000,
    contactPointId: null,
    escalationChainId: null,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    rateLimit: null,
    children: [],
  };
  const compile = (route: Route, parent: CompiledRoute, path: string): CompiledRoute => {
    const receiverSet = route.contactPointId !== undefined || route.escalationChainId !== undefined;
    const node: CompiledRoute = {
      id: route.id ?? path,
      matches: compileMatchers(route.matchers),
      continue: route.continue ?? false,
      groupBy: route.groupBy
        ? route.groupBy.includes(GROUP_BY_ALL)
          ? 'all'
          : [...new Set(route.groupBy)].sort()
        : parent.groupBy,
      groupWaitMs: ms(route.groupWait, parent.groupWaitMs),
      groupIntervalMs: ms(route.groupInterval, parent.groupIntervalMs),
      repeatIntervalMs: ms(route.repeatInterval, parent.repeatIntervalMs),
      contactPointId: receiverSet ? (route.contactPointId ?? null) : parent.contactPointId,
      escalationChainId: receiverSet ? (route.escalationChainId ?? null) : parent.escalationChainId,
      muteTimeIntervals: route.muteTimeIntervals ?? [],
      activeTimeIntervals: route.activeTimeIntervals ?? [],
      rateLimit: route.rateLimit
        ? { count: route.rateLimit.count, periodMs: parseDuration(route.rateLimit.period) ?? 60_000 }
        : null,
      children: [],
    };
    node.children = (route.routes ?? []).map((child, i) => compile(child, node, `${path}.${i}`));
    return node;
  };
  return compile(policy, defaults, 'root');
}

/** The routes an alert goes to: at least one (the root catches what nothing else does). */
export function matchRoutes(root: CompiledRoute, labels: Labels): CompiledRoute[] {
  const visit = (route: CompiledRoute): CompiledRoute[] => {
    if (!route.matches(labels)) return [];
    const found: CompiledRoute[] = [];
    for (const child of route.children) {
      const m = visit(child);
      if (m.length === 0) continue;
      found.push(...m);
      if (!child.continue) break;
    }
    return found.length > 0 ? found : [route];
  };
  const matched = visit(root);
  return matched.length > 0 ? matched : [root];
}

/** The labels an alert is grouped by on `route` (missing ones are left out, as Alertmanager does). */
export function groupLabelsOf(route: CompiledRoute, labels: Labels): Labels {
  const out: Labels = {};
  const names = route.groupBy === 'all' ? Object.keys(labels).sort() : route.groupBy;
  for (const name of names) {
    const value = labels[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

/** `{alertname="Container down",host="h1"}` with sorted names, values JSON-quoted. */
export function formatLabels(labels: Labels): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(',')}}`;
}

export const groupKeyOf = (route: CompiledRoute, groupLabels: Labels) =>
  `${route.id}:${formatLabels(groupLabels)}`;

/** Every route of the tree, depth first. */
export function flattenRoutes(root: CompiledRoute): CompiledRoute[] {
  const out: CompiledRoute[] = [];
  const visit = (r: CompiledRoute) => {
    out.push(r);
    for (const c of r.children) visit(c);
  };
  visit(root);
  return out;
}

/** Gives every route without one a stable id ("root" for the root), so dispatch state survives edits. */
export function assignRouteIds(policy: NotificationPolicy): NotificationPolicy {
  const used = new Set<string>();
  const collect = (r: Route) => {
    if (r.id) used.add(r.id);
    for (const c of r.routes ?? []) collect(c);
  };
  collect(policy);
  const fresh = () => {
    let id: string;
    do id = `r-${randomBytes(4).toString('hex')}`;
    while (used.has(id));
    used.add(id);
    return id;
  };
  const assign = (r: Route, isRoot: boolean): Route => {
    const id = r.id ?? (isRoot && !used.has('root') ? 'root' : fresh());
    if (isRoot) used.add(id);
    const out: Route = { ...r, id };
    if (r.routes) out.routes = r.routes.map((c) => assign(c, false));
    return out;
  };
  return assign(policy, true);
}
