/**
 * Client-side routes over the history API. The hub answers every non-API path with index.html,
 * so a reload or a deep link lands here and is parsed the same way as an in-app navigation.
 * @module
 */

export type Route =
  | { name: 'overview' }
  | { name: 'login'; next: string }
  | { name: 'setup'; token: string | null }
  | { name: 'host'; id: string }
  | { name: 'container'; id: string }
  | { name: 'add-host' }
  | { name: 'containers' }
  | { name: 'inventory'; kind: 'images' | 'volumes' | 'networks' | 'pods' }
  | { name: 'alerts' }
  /** `matchers` prefill the new-silence form (`label="value"` texts, from an alert's Silence button). */
  | { name: 'silences'; matchers: string[] }
  | { name: 'policy' }
  | { name: 'time-intervals' }
  | { name: 'inhibition' }
  | { name: 'notifications' }
  | { name: 'alert-rules' }
  /** `from`/`to` (epoch ms or ISO 8601) and `tz` (IANA) pick the range and the heatmap's clock. */
  | { name: 'alert-history'; from: number | null; to: number | null; tz: string | null }
  | { name: 'sessions' }
  | { name: 'audit-log' }
  | { name: 'ip-rules' }
  | { name: 'ldap' }
  | { name: 'sso-providers' }
  /** Apps that sign in with Unity (the hub as an OIDC provider). */
  | { name: 'oidc-clients' }
  | { name: 'probes' }
  | { name: 'probe'; id: string }
  /** The editors of public status pages; the pages themselves are served by the hub at /status/:slug. */
  | { name: 'status-pages' }
  | { name: 'status-page'; id: string }
  | { name: 'invite'; token: string | null }
  | { name: 'account' }
  | { name: 'api-keys' }
  | { name: 'users' }
  | { name: 'roles' }
  | { name: 'groups' }
  /** Kubernetes: the clusters, one cluster (optionally one namespace), a pod, events, topology. */
  | { name: 'k8s' }
  | { name: 'k8s-cluster'; cluster: string; namespace: string }
  | { name: 'k8s-pod'; cluster: string; namespace: string; pod: string }
  | { name: 'k8s-events'; cluster: string }
  | { name: 'k8s-topology'; cluster: string; namespace: string }
  | { name: 'not-found'; path: string };

/** Fired on window after `navigate`, so the shell re-renders (pushState fires no event). */
export const NAVIGATE_EVENT = 'unity:navigate';

export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'overview' };
  if (path === '/login') return { name: 'login', next: safeNext(params.get('next')) };
  if (path === '/setup') return { name: 'setup', token: params.get('token') };
  if (path === '/invite') return { name: 'invite', token: params.get('token') };
  if (path === '/account') return { name: 'account' };
  if (path === '/settings/api-keys') return { name: 'api-keys' };
  if (path === '/settings/users') return { name: 'users' };
  if (path === '/settings/roles') return { name: 'roles' };
  if (path === '/settings/groups') return { name: 'groups' };
  if (path === '/add-host') return { name: 'add-host' };
  if (path === '/containers') return { name: 'containers' };
  if (path === '/settings/notifications') return { name: 'notifications' };
  if (path === '/settings/sessions') return { name: 'sessions' };
  if (path === '/settings/audit-log') return { name: 'audit-log' };
  if (path === '/settings/ip-rules') return { name: 'ip-rules' };
  if (path === '/settings/ldap') return { name: 'ldap' };
  if (path === '/settings/sso') return { name: 'sso-providers' };
  if (path === '/settings/oidc-clients') return { name: 'oidc-clients' };
  if (path === '/alerts/rules') return { name: 'alert-rules' };
  if (path === '/probes') return { name: 'probes' };
  const probe = /^\/probes\/([^/]+)$/.exec(path);
  if (probe?.[1]) return { name: 'probe', id: decodeURIComponent(probe[1]) };
  if (path === '/status-pages') return { name: 'status-pages' };
  const statusPage = /^\/status-pages\/([^/]+)$/.exec(path);
  if (statusPage?.[1]) return { name: 'status-page', id: decodeURIComponent(statusPage[1]) };
  if (path === '/images' || path === '/volumes' || path === '/networks' || path === '/pods')
    return { name: 'inventory', kind: path.slice(1) as 'images' | 'volumes' | 'networks' | 'pods' };
  if (path === '/alerts') return { name: 'alerts' };
  if (path === '/alerts/silences') return { name: 'silences', matchers: params.getAll('matcher') };
  if (path === '/alerts/policy') return { name: 'policy' };
  if (path === '/alerts/time-intervals') return { name: 'time-intervals' };
  if (path === '/alerts/inhibition') return { name: 'inhibition' };
  if (path === '/alerts/history')
    return {
      name: 'alert-history',
      from: instant(params.get('from')),
      to: instant(params.get('to')),
      tz: params.get('tz'),
    };
  if (path === '/k8s') return { name: 'k8s' };
  const k8s = k8sRoute(path, params.get('namespace') ?? '');
  if (k8s) return k8s;
  const match = /^\/(hosts|containers)\/([^/]+)$/.exec(path);
  if (match?.[1] && match[2]) {
    const id = decodeURIComponent(match[2]);
    return match[1] === 'hosts' ? { name: 'host', id } : { name: 'container', id };
  }
  return { name: 'not-found', path };
}

function k8sRoute(path: string, namespace: string): Route | null {
  const m = /^\/k8s\/([^/]+)(?:\/(events|topology)|\/pods\/([^/]+)\/([^/]+))?$/.exec(path);
  if (!m?.[1]) return null;
  const cluster = decodeURIComponent(m[1]);
  if (m[2] === 'events') return { name: 'k8s-events', cluster };
  if (m[2] === 'topology') return { name: 'k8s-topology', cluster, namespace };
  if (m[3] && m[4])
    return { name: 'k8s-pod', cluster, namespace: decodeURIComponent(m[3]), pod: decodeURIComponent(m[4]) };
  return { name: 'k8s-cluster', cluster, namespace };
}

/** Epoch ms from a query value: digits are epoch ms, anything else is parsed as a date. */
function instant(text: string | null): number | null {
  if (!text) return null;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * A return path after sign-in: only a same-origin absolute path, never `//evil` or a URL, so
 * the login page cannot be used as an open redirect.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login') || next.startsWith('/setup') || next.startsWith('/invite')) return '/';
  return next;
}

/** Paths the hub serves itself (the OIDC provider's sign-in steps): reached by a full page load. */
const SERVER_PATHS = /^\/oidc\//;

export function navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
  if (SERVER_PATHS.test(path)) {
    if (replace) location.replace(path);
    else location.assign(path);
    return;
  }
  if (path === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** The sign-in URL that returns to where the user is now. */
export function loginPath(): string {
  const here = location.pathname + location.search;
  const next = safeNext(here);
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}
