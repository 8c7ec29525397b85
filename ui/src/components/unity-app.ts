/**
 * The application shell: top bar, navigation, user menu, session handling and the client-side
 * router. Pages are lazy-free (the whole UI is small) and receive ids as attributes.
 * @module
 */
import type { Me } from '@unity/shared';
import { assertNever } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api, onUnauthorized } from '../api/client.js';
import { k8sApi } from '../api/k8s-client.js';
import { type LiveStatus, live } from '../api/live.js';
import { secondFactorApi } from '../api/second-factor-client.js';
import { loginPath, NAVIGATE_EVENT, navigate, parseRoute, type Route } from '../router.js';
import { base, controls } from './styles.js';
import './unity-account.js';
import './unity-add-host.js';
import './unity-api-keys.js';
import './unity-groups.js';
import './unity-invite.js';
import './unity-roles.js';
import './unity-users.js';
import './unity-alerts.js';
import './unity-alert-history.js';
import './unity-container.js';
import './unity-containers.js';
import './unity-host.js';
import './unity-inhibition.js';
import './unity-inventory.js';
import './k8s-events.js';
import './k8s-namespace.js';
import './k8s-overview.js';
import './k8s-pod.js';
import './k8s-topology.js';
import './unity-login.js';
import './unity-notifications.js';
import './unity-sessions.js';
import './unity-audit-log.js';
import './unity-ip-rules.js';
import './ldap-settings.js';
import './sso-providers.js';
import './unity-oidc-clients.js';
import './unity-alert-rules.js';
import './unity-probe.js';
import './unity-probes.js';
import './unity-status-page.js';
import './unity-status-pages.js';
import './unity-overview.js';
import './unity-policy.js';
import './unity-setup.js';
import './unity-silences.js';
import './unity-time-intervals.js';

const PUBLIC_ROUTES: ReadonlySet<Route['name']> = new Set(['login', 'setup', 'invite']);

const TITLES: Record<Route['name'], string> = {
  overview: 'Hosts',
  login: 'Sign in',
  setup: 'Set up',
  host: 'Host',
  container: 'Container',
  'add-host': 'Add host',
  containers: 'Containers',
  inventory: 'Inventory',
  alerts: 'Alerts',
  silences: 'Silences',
  policy: 'Notification policy',
  'time-intervals': 'Time intervals',
  inhibition: 'Inhibition and escalation',
  notifications: 'Notifications',
  'alert-rules': 'Alert rules',
  'alert-history': 'Alert history',
  sessions: 'Sessions',
  'audit-log': 'Audit log',
  'ip-rules': 'IP rules',
  ldap: 'LDAP',
  'sso-providers': 'Identity providers',
  'oidc-clients': 'Sign in with Unity',
  probes: 'Probes',
  probe: 'Probe',
  'status-pages': 'Status pages',
  'status-page': 'Status page',
  invite: 'Invite',
  account: 'My account',
  'api-keys': 'API keys',
  users: 'Users',
  roles: 'Roles',
  groups: 'Groups',
  k8s: 'Kubernetes',
  'k8s-cluster': 'Kubernetes cluster',
  'k8s-pod': 'Pod',
  'k8s-events': 'Kubernetes events',
  'k8s-topology': 'Kubernetes topology',
  'not-found': 'Not found',
};

export class UnityApp extends LitElement {
  static override properties = {
    route: { state: true },
    me: { state: true },
    setupRequired: { state: true },
    liveStatus: { state: true },
    hasClusters: { state: true },
  };
  declare route: Route;
  /** undefined while the session is being checked, null when signed out. */
  declare me: Me | null | undefined;
  declare setupRequired: boolean;
  declare liveStatus: LiveStatus;
  /** Whether any Kubernetes cluster is visible: the nav shows "Kubernetes" only then. */
  declare hasClusters: boolean;

  #cleanup: (() => void)[] = [];

  constructor() {
    super();
    this.route = parseRoute(location.pathname, location.search);
    this.me = undefined;
    this.setupRequired = false;
    this.liveStatus = live.status;
    this.hasClusters = false;
  }

  static override styles = [
    base,
    controls,
    css`
      :host {
        min-height: 100vh;
        display: flex;
        flex-direction: column;
      }
      .skip {
        position: absolute;
        left: var(--u-space-2);
        top: -3rem;
        background: var(--u-surface);
        padding: var(--u-space-2) var(--u-space-3);
        border-radius: var(--u-radius-sm);
        z-index: 10;
      }
      .skip:focus {
        top: var(--u-space-2);
      }
      header {
        background: var(--u-surface);
        border-bottom: 1px solid var(--u-border);
      }
      .bar {
        max-width: 1280px;
        margin: 0 auto;
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: var(--u-space-2) var(--u-space-5);
        padding: var(--u-space-2) var(--u-space-4);
        min-height: 3.5rem;
      }
      .brand {
        display: inline-flex;
        align-items: center;
        gap: var(--u-space-2);
        font-weight: 800;
        font-size: var(--u-text-lg);
        color: var(--u-text);
        text-decoration: none;
      }
      .brand img {
        width: 24px;
        height: 24px;
      }
      nav.main {
        display: flex;
        gap: var(--u-space-1);
        flex: 1;
      }
      nav.main a {
        color: var(--u-text-muted);
        text-decoration: none;
        font-weight: 600;
        padding: var(--u-space-2) var(--u-space-3);
        border-radius: var(--u-radius-sm);
      }
      nav.main a:hover {
        color: var(--u-text);
        background: var(--u-surface-2);
      }
      nav.main a[aria-current='page'] {
        color: var(--u-accent);
        background: var(--u-surface-2);
      }
      .right {
        display: flex;
        align-items: center;
        gap: var(--u-space-3);
        margin-left: auto;
      }
      .live {
        display: inline-flex;
        align-items: center;
        gap: 0.4em;
        font-size: var(--u-text-sm);
        color: var(--u-text-muted);
      }
      .live::before {
        content: '';
        width: 0.55em;
        height: 0.55em;
        border-radius: 50%;
        background: var(--u-text-muted);
      }
      .live.open::before {
        background: var(--u-ok);
      }
      .live.down::before {
        background: var(--u-warn);
      }
      details {
        position: relative;
      }
      summary {
        cursor: pointer;
        list-style: none;
        font-weight: 600;
        padding: var(--u-space-2) var(--u-space-3);
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius-sm);
      }
      summary::-webkit-details-marker {
        display: none;
      }
      summary::after {
        content: ' ▾';
        color: var(--u-text-muted);
      }
      .menu {
        position: absolute;
        right: 0;
        top: calc(100% + var(--u-space-1));
        min-width: 12rem;
        background: var(--u-surface);
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius);
        box-shadow: var(--u-shadow);
        padding: var(--u-space-3);
        display: grid;
        gap: var(--u-space-2);
        z-index: 5;
      }
      .menu p {
        margin: 0;
        font-size: var(--u-text-sm);
      }
      main {
        flex: 1;
        width: 100%;
        max-width: 1280px;
        margin: 0 auto;
        padding: var(--u-space-5) var(--u-space-4);
      }
      main:focus {
        outline: none;
      }
      @media (max-width: 600px) {
        /* Brand and user menu on the first row, the navigation below. */
        .right {
          order: 2;
        }
        nav.main {
          order: 3;
          flex-basis: 100%;
        }
        .live span {
          display: none;
        }
        main {
          padding: var(--u-space-4) var(--u-space-3);
        }
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    const onRoute = () => this.#applyRoute(true);
    window.addEventListener('popstate', onRoute);
    window.addEventListener(NAVIGATE_EVENT, onRoute);
    this.addEventListener('click', this.#onClick);
    this.addEventListener('signed-in', this.#onSignedIn as EventListener);
    this.#cleanup.push(
      () => window.removeEventListener('popstate', onRoute),
      () => window.removeEventListener(NAVIGATE_EVENT, onRoute),
      () => this.removeEventListener('click', this.#onClick),
      () => this.removeEventListener('signed-in', this.#onSignedIn as EventListener),
      onUnauthorized(() => this.#signedOut(true)),
      live.onStatus((s) => {
        this.liveStatus = s;
      }),
    );
    void this.#checkSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const c of this.#cleanup) c();
    this.#cleanup = [];
  }

  async #checkSession(): Promise<void> {
    const [me, status] = await Promise.all([api.me(), api.authStatus()]);
    if (status.ok) this.setupRequired = status.value.setupRequired;
    this.me = me.ok ? me.value : null;
    this.#applyRoute(false);
    if (this.me) void this.#checkClusters();
    if (this.me) await this.#enforceEnrolment();
  }

  async #checkClusters(): Promise<void> {
    const res = await k8sApi.clusters();
    this.hasClusters = res.ok && res.value.items.length > 0;
  }

  /** A role that requires 2FA, not yet enrolled: the hub refuses everything else, so go set it up. */
  async #enforceEnrolment(): Promise<void> {
    const res = await secondFactorApi.status();
    if (res.ok && res.value.required && !res.value.enabled && this.route.name !== 'account') {
      navigate('/account', { replace: true });
    }
  }

  /** Parses the URL and enforces sign-in; `focus` moves focus to the new page for screen readers. */
  #applyRoute(focus: boolean): void {
    const route = parseRoute(location.pathname, location.search);
    if (this.me === null && !PUBLIC_ROUTES.has(route.name)) {
      navigate(this.setupRequired && route.name === 'overview' ? '/setup' : loginPath(), { replace: true });
      return;
    }
    if (this.me && (route.name === 'login' || route.name === 'setup' || route.name === 'invite')) {
      navigate(route.name === 'login' ? route.next : '/', { replace: true });
      return;
    }
    this.route = route;
    const title =
      route.name === 'inventory'
        ? `${route.kind[0]?.toUpperCase()}${route.kind.slice(1)}`
        : TITLES[route.name];
    document.title = `${title} · Unity`;
    this.renderRoot.querySelector('details')?.removeAttribute('open');
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector('main')?.focus());
  }

  #onSignedIn = (e: CustomEvent<Me>) => {
    this.me = e.detail;
    this.setupRequired = false;
    const route = this.route;
    navigate(route.name === 'login' ? route.next : '/', { replace: true });
    void this.#enforceEnrolment();
    void this.#checkClusters();
  };

  #signedOut(keepPath: boolean): void {
    if (this.me === null) return;
    this.me = null;
    live.stop();
    navigate(keepPath ? loginPath() : '/login', { replace: keepPath });
  }

  async #signOut(): Promise<void> {
    await api.logout();
    this.#signedOut(false);
  }

  /** Same-origin links anywhere in the UI (inside shadow roots too) navigate without a reload. */
  #onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const anchor = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  };

  override render() {
    const signedIn = !!this.me;
    return html`<a class="skip" href="#main" @click=${this.#skip}>Skip to content</a>
      ${signedIn ? this.#header() : null}
      <main id="main" tabindex="-1">${this.#page()}</main>`;
  }

  #skip(e: Event): void {
    e.preventDefault();
    e.stopPropagation();
    this.renderRoot.querySelector('main')?.focus();
  }

  #header() {
    const r = this.route.name;
    const current = (name: Route['name'] | Route['name'][]) =>
      ([] as Route['name'][]).concat(name).includes(r) ? 'page' : 'false';
    const liveText =
      this.liveStatus === 'open' ? 'Live' : this.liveStatus === 'down' ? 'Reconnecting' : 'Connecting';
    return html`<header>
      <div class="bar">
        <a class="brand" href="/"><img src="/favicon.svg" alt="" />Unity</a>
        <nav class="main" aria-label="Main">
          <a href="/" aria-current=${current(['overview', 'host'])}>Overview</a>
          <a href="/containers" aria-current=${current(['containers', 'container'])}>Containers</a>
          ${(['images', 'volumes', 'networks', 'pods'] as const).map(
            (k) =>
              html`<a href="/${k}" aria-current=${this.route.name === 'inventory' && this.route.kind === k ? 'page' : 'false'}
                >${k[0]?.toUpperCase()}${k.slice(1)}</a
              >`,
          )}
          <a href="/alerts" aria-current=${current(['alerts', 'silences', 'policy', 'time-intervals', 'inhibition', 'alert-history'])}
            >Alerts</a
          >
          ${
            this.hasClusters || r.startsWith('k8s')
              ? html`<a href="/k8s" data-testid="nav-k8s" aria-current=${current(['k8s', 'k8s-cluster', 'k8s-pod', 'k8s-events', 'k8s-topology'])}>Kubernetes</a>`
              : null
          }
          <a href="/probes" aria-current=${current(['probes', 'probe'])}>Probes</a>
          <a href="/status-pages" aria-current=${current(['status-pages', 'status-page'])}>Status pages</a>
          <a href="/add-host" aria-current=${current('add-host')}>Add host</a>
        </nav>
        <div class="right">
          <span class="live ${this.liveStatus}" title="Live updates: ${liveText}" data-testid="live-status"
            ><span>${liveText}</span></span
          >
          <details data-testid="user-menu">
            <summary>${this.me?.username}</summary>
            <div class="menu">
              <p class="muted">
                Signed in as <strong>${this.me?.username}</strong>${this.me?.role ? ` (${this.me.role})` : ''}
              </p>
              <a href="/account" data-testid="nav-account">My account</a>
              <a href="/settings/api-keys" data-testid="nav-api-keys">API keys</a>
              <a href="/alerts/rules" data-testid="nav-alert-rules">Alert rules</a>
              <a href="/settings/notifications" data-testid="nav-notifications">Notifications</a>
              <a href="/settings/sessions" data-testid="nav-sessions">Sessions</a>
              ${this.me?.permissions?.includes('audit:read') ? html`<a href="/settings/audit-log" data-testid="nav-audit-log">Audit log</a>` : null}
              ${
                this.me?.permissions?.includes('settings:read')
                  ? html`<a href="/settings/ip-rules" data-testid="nav-ip-rules">IP rules</a>
                  <a href="/settings/ldap" data-testid="nav-ldap">LDAP</a>
                  <a href="/settings/sso" data-testid="nav-sso">Identity providers</a>
                  <a href="/settings/oidc-clients" data-testid="nav-oidc-clients">Sign in with Unity</a>`
                  : null
              }
              ${
                this.me?.permissions?.includes('users:read')
                  ? html`<a href="/settings/users" data-testid="nav-users">Users</a>
                      <a href="/settings/roles" data-testid="nav-roles">Roles</a>
                      <a href="/settings/groups" data-testid="nav-groups">Groups</a>`
                  : null
              }
              <button type="button" class="secondary" @click=${this.#signOut}>Sign out</button>
            </div>
          </details>
        </div>
      </div>
    </header>`;
  }

  #page() {
    const route = this.route;
    if (this.me === undefined && !PUBLIC_ROUTES.has(route.name)) return html`<p class="muted">Loading…</p>`;
    switch (route.name) {
      case 'login':
        return html`<unity-login ?setup-required=${this.setupRequired}></unity-login>`;
      case 'setup':
        return html`<unity-setup .token=${route.token}></unity-setup>`;
      case 'overview':
        return html`<unity-overview></unity-overview>`;
      case 'host':
        return html`<unity-host host-id=${route.id}></unity-host>`;
      case 'container':
        return html`<unity-container container-id=${route.id}></unity-container>`;
      case 'add-host':
        return html`<unity-add-host></unity-add-host>`;
      case 'containers':
        return html`<unity-containers></unity-containers>`;
      case 'inventory':
        return html`<unity-inventory kind=${route.kind}></unity-inventory>`;
      case 'alerts':
        return html`<unity-alerts .me=${this.me ?? null}></unity-alerts>`;
      case 'silences':
        return html`<unity-silences .me=${this.me ?? null} .prefill=${route.matchers}></unity-silences>`;
      case 'policy':
        return html`<unity-policy .me=${this.me ?? null}></unity-policy>`;
      case 'time-intervals':
        return html`<unity-time-intervals .me=${this.me ?? null}></unity-time-intervals>`;
      case 'inhibition':
        return html`<unity-inhibition .me=${this.me ?? null}></unity-inhibition>`;
      case 'notifications':
        return html`<unity-notifications></unity-notifications>`;
      case 'sessions':
        return html`<unity-sessions></unity-sessions>`;
      case 'audit-log':
        return html`<unity-audit-log></unity-audit-log>`;
      case 'ip-rules':
        return html`<unity-ip-rules></unity-ip-rules>`;
      case 'ldap':
        return html`<unity-ldap-settings></unity-ldap-settings>`;
      case 'sso-providers':
        return html`<unity-sso-providers></unity-sso-providers>`;
      case 'oidc-clients':
        return html`<unity-oidc-clients></unity-oidc-clients>`;
      case 'alert-rules':
        return html`<unity-alert-rules></unity-alert-rules>`;
      case 'alert-history':
        return html`<unity-alert-history .from=${route.from} .to=${route.to} .tz=${route.tz}></unity-alert-history>`;
      case 'probes':
        return html`<unity-probes></unity-probes>`;
      case 'probe':
        return html`<unity-probe probe-id=${route.id}></unity-probe>`;
      case 'status-pages':
        return html`<unity-status-pages></unity-status-pages>`;
      case 'status-page':
        return html`<unity-status-page page-id=${route.id}></unity-status-page>`;
      case 'invite':
        return html`<unity-invite .token=${route.token}></unity-invite>`;
      case 'account':
        return html`<unity-account></unity-account>`;
      case 'api-keys':
        return html`<unity-api-keys></unity-api-keys>`;
      case 'users':
        return html`<unity-users></unity-users>`;
      case 'roles':
        return html`<unity-roles></unity-roles>`;
      case 'groups':
        return html`<unity-groups></unity-groups>`;
      case 'k8s':
        return html`<k8s-overview></k8s-overview>`;
      case 'k8s-cluster':
        return html`<k8s-namespace cluster=${route.cluster} namespace=${route.namespace}></k8s-namespace>`;
      case 'k8s-pod':
        return html`<k8s-pod cluster=${route.cluster} namespace=${route.namespace} name=${route.pod}></k8s-pod>`;
      case 'k8s-events':
        return html`<k8s-events cluster=${route.cluster}></k8s-events>`;
      case 'k8s-topology':
        return html`<k8s-topology cluster=${route.cluster} namespace=${route.namespace}></k8s-topology>`;
      case 'not-found':
        return html`<h1>Page not found</h1>
          <p>Nothing lives at <span class="mono">${route.path}</span>. <a href="/">Go to the overview</a></p>`;
      default:
        return assertNever(route);
    }
  }
}

customElements.define('unity-app', UnityApp);

declare global {
  interface HTMLElementTagNameMap {
    'unity-app': UnityApp;
  }
}
