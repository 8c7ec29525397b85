/**
 * The notification policy page: the route tree drawn nested (matchers, contact point, group by
 * and timings, inherited values marked "inherited"), and for editors a form for the selected
 * route, child routes to add and remove, and one Save that sends the whole tree
 * (`PUT /api/notification-policy`); the hub's validation message is shown next to the form.
 * @module
 */
import { formatMatcher, type Matcher, type Me, type NotificationPolicy, type Route } from '@unity/shared';
import { css, html, LitElement, nothing } from 'lit';
import { alertRoutingApi } from '../api/alert-routing-client.js';
import { alertsStyles, alertsTabs, canWrite, when } from './alerts-shared.js';
import { effectiveAt, listField, type RoutePath, removeAt, routeAt, updateAt } from './policy-tree.js';
import { base, controls, surfaces } from './styles.js';
import './unity-matchers-input.js';

type TextField = 'contactPointId' | 'escalationChainId' | 'groupWait' | 'groupInterval' | 'repeatInterval';
type ListField = 'groupBy' | 'muteTimeIntervals' | 'activeTimeIntervals';

const samePath = (a: RoutePath, b: RoutePath) => a.length === b.length && a.every((x, i) => x === b[i]);

export class UnityPolicy extends LitElement {
  static override properties = {
    me: { attribute: false },
    policy: { state: true },
    selected: { state: true },
    dirty: { state: true },
    saving: { state: true },
    error: { state: true },
    formError: { state: true },
    saved: { state: true },
    savedNote: { state: true },
  };
  declare me: Me | null;
  declare policy: NotificationPolicy | null;
  declare selected: RoutePath;
  declare dirty: boolean;
  declare saving: boolean;
  declare error: string;
  declare formError: string;
  declare saved: boolean;
  declare savedNote: string;

  constructor() {
    super();
    this.me = null;
    this.policy = null;
    this.selected = [];
    this.dirty = false;
    this.saving = false;
    this.error = '';
    this.formError = '';
    this.saved = false;
    this.savedNote = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    alertsStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr));
        gap: var(--u-space-4);
        align-items: start;
      }
      ul.tree {
        list-style: none;
        margin: 0;
        padding-left: var(--u-space-4);
        border-left: 1px dashed var(--u-border);
      }
      ul.tree.root {
        padding-left: 0;
        border-left: 0;
      }
      .node {
        display: block;
        width: 100%;
        text-align: left;
        font: inherit;
        background: var(--u-surface);
        color: var(--u-text);
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius-sm);
        padding: var(--u-space-2) var(--u-space-3);
        margin: var(--u-space-2) 0;
        cursor: pointer;
        display: grid;
        justify-content: stretch;
        justify-items: start;
        font-weight: 400;
        gap: var(--u-space-1);
      }
      .node[aria-pressed='true'] {
        border-color: var(--u-accent);
        box-shadow: 0 0 0 1px var(--u-accent);
      }
      .node .facts-line {
        font-size: var(--u-text-sm);
        color: var(--u-text-muted);
      }
      .inherited {
        font-style: italic;
      }
      .saved {
        color: var(--u-ok);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    const res = await alertRoutingApi.policy();
    if (res.ok) {
      this.policy = res.value.policy;
      this.savedNote = res.value.updatedAt
        ? `Saved ${when(res.value.updatedAt)} by ${res.value.updatedBy ?? 'someone'}`
        : 'The built-in default: nothing saved yet.';
      this.error = '';
      this.dirty = false;
      if (!routeAt(this.policy, this.selected)) this.selected = [];
    } else if (res.error.status !== 401) {
      this.error = res.error.message;
    }
  }

  #change(fn: (r: Route) => Route): void {
    if (!this.policy) return;
    this.policy = updateAt(this.policy, this.selected, fn);
    this.dirty = true;
    this.saved = false;
  }

  #setText(field: TextField, value: string): void {
    const v = value.trim();
    this.#change((r) => ({ ...r, [field]: v === '' ? undefined : v }));
  }

  #setList(field: ListField, value: string): void {
    this.#change((r) => ({ ...r, [field]: listField(value) }));
  }

  #addChild(): void {
    if (!this.policy) return;
    const parent = routeAt(this.policy, this.selected);
    const index = parent?.routes?.length ?? 0;
    this.#change((r) => ({
      ...r,
      routes: [...(r.routes ?? []), { matchers: [{ label: 'severity', op: '=', value: 'critical' }] }],
    }));
    this.selected = [...this.selected, index];
  }

  #remove(): void {
    if (!this.policy || this.selected.length === 0) return;
    this.policy = removeAt(this.policy, this.selected);
    this.selected = this.selected.slice(0, -1);
    this.dirty = true;
    this.saved = false;
  }

  async #save(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.policy) return;
    this.saving = true;
    this.formError = '';
    const res = await alertRoutingApi.savePolicy(this.policy);
    this.saving = false;
    if (!res.ok) {
      this.formError = res.error.message;
      return;
    }
    await this.load();
    this.saved = true;
  }

  override render() {
    return html`<div class="page-head"><h1>Notification policy</h1></div>
      ${alertsTabs('policy')}
      ${this.error ? html`<p class="error" role="alert" data-testid="policy-error">${this.error}</p>` : null}
      ${this.policy ? this.#body(this.policy) : this.error ? null : html`<p class="muted">Loading…</p>`}`;
  }

  #body(policy: NotificationPolicy) {
    return html`<p class="muted">
        Every alert enters at the root and goes down to the first child route whose matchers all hold
        (further siblings too when "continue" is set). ${this.savedNote}
      </p>
      <div class="layout">
        <section class="card" aria-label="Route tree">
          <h2>Routes</h2>
          <ul class="tree root" data-testid="policy-tree">
            ${this.#node(policy, [])}
          </ul>
        </section>
        ${
          canWrite(this.me)
            ? this.#editor(policy)
            : html`<p class="muted" data-testid="viewer-note">Viewers cannot change the notification policy.</p>`
        }
      </div>`;
  }

  #node(route: Route, path: RoutePath): unknown {
    const policy = this.policy;
    if (!policy) return nothing;
    const eff = effectiveAt(policy, path);
    // The root inherits nothing: what it lacks falls back to the built-in defaults.
    const mark = (inherited: boolean) =>
      inherited && path.length > 0 ? html` <span class="inherited">(inherited)</span>` : nothing;
    const matchers = route.matchers ?? [];
    const title =
      path.length === 0
        ? 'Root: every alert'
        : matchers.length
          ? matchers.map(formatMatcher).join(', ')
          : 'Every alert (no matchers)';
    const target = route.escalationChainId
      ? html`escalation chain ${route.escalationChainId}`
      : html`${eff.contactPointId.value ?? 'no contact point'}${mark(eff.contactPointId.inherited)}`;
    return html`<li>
      <button
        type="button"
        class="node"
        data-testid="route-node"
        data-path=${path.join('.')}
        aria-pressed=${samePath(path, this.selected) ? 'true' : 'false'}
        @click=${() => {
          this.selected = path;
          this.formError = '';
        }}
      >
        <strong class="mono">${title}</strong>
        <span class="facts-line">→ ${target}${route.continue ? ' · continue' : ''}</span>
        <span class="facts-line"
          >group by ${(eff.groupBy.value ?? []).join(', ') || 'nothing'}${mark(eff.groupBy.inherited)} · wait
          ${eff.groupWait.value}${mark(eff.groupWait.inherited)} · interval ${eff.groupInterval.value}${mark(
            eff.groupInterval.inherited,
          )}
          · repeat ${eff.repeatInterval.value}${mark(eff.repeatInterval.inherited)}</span
        >
        ${
          route.muteTimeIntervals?.length
            ? html`<span class="facts-line">muted during ${route.muteTimeIntervals.join(', ')}</span>`
            : nothing
        }
        ${
          route.activeTimeIntervals?.length
            ? html`<span class="facts-line">active only during ${route.activeTimeIntervals.join(', ')}</span>`
            : nothing
        }
      </button>
      ${
        route.routes?.length
          ? html`<ul class="tree">
            ${route.routes.map((child, i) => this.#node(child, [...path, i]))}
          </ul>`
          : nothing
      }
    </li>`;
  }

  #editor(policy: NotificationPolicy) {
    const path = this.selected;
    const route = routeAt(policy, path);
    if (!route) return nothing;
    const eff = effectiveAt(policy, path);
    const isRoot = path.length === 0;
    const inheritHint = (v: string | undefined) => (isRoot ? 'default' : `empty: inherit ${v ?? 'nothing'}`);
    const text = (field: TextField, label: string, placeholder: string | undefined) =>
      html`<label
        >${label} <span class="hint">${inheritHint(placeholder)}</span>
        <input
          name=${field}
          .value=${route[field] ?? ''}
          placeholder=${placeholder ?? ''}
          @input=${(e: Event) => this.#setText(field, (e.target as HTMLInputElement).value)}
      /></label>`;
    const list = (field: ListField, label: string, hint: string) =>
      html`<label
        >${label} <span class="hint">${hint}</span>
        <input
          name=${field}
          .value=${(route[field] ?? []).join(', ')}
          @change=${(e: Event) => this.#setList(field, (e.target as HTMLInputElement).value)}
      /></label>`;
    return html`<section class="card" aria-label="Edit route">
      <h2>${isRoot ? 'Root route' : `Route ${path.map((i) => i + 1).join('.')}`}</h2>
      <form class="stack" data-testid="route-form" @submit=${this.#save}>
        ${
          isRoot
            ? html`<p class="muted">The root matches every alert; its settings are the defaults below it.</p>`
            : html`<unity-matchers-input
                legend="Matchers (all must hold)"
                .matchers=${route.matchers ?? []}
                @matchers-change=${(e: CustomEvent<Matcher[]>) =>
                  this.#change((r) => ({ ...r, matchers: e.detail.length ? e.detail : undefined }))}
              ></unity-matchers-input>
              <label class="check"
                ><input
                  type="checkbox"
                  name="continue"
                  .checked=${route.continue ?? false}
                  @change=${(e: Event) =>
                    this.#change((r) => ({
                      ...r,
                      continue: (e.target as HTMLInputElement).checked || undefined,
                    }))}
                />Continue to the next sibling routes after this one matched</label
              >`
        }
        <div class="row">
          ${text('contactPointId', 'Contact point', eff.contactPointId.inherited ? eff.contactPointId.value : undefined)}
          ${text('escalationChainId', 'Or escalation chain', undefined)}
        </div>
        ${list('groupBy', 'Group by', `labels, comma separated; "..." for all labels${isRoot ? '' : '; empty: inherit'}`)}
        <div class="row">
          ${text('groupWait', 'Group wait', eff.groupWait.inherited ? eff.groupWait.value : '30s')}
          ${text('groupInterval', 'Group interval', eff.groupInterval.inherited ? eff.groupInterval.value : '5m')}
          ${text('repeatInterval', 'Repeat interval', eff.repeatInterval.inherited ? eff.repeatInterval.value : '4h')}
        </div>
        ${list('muteTimeIntervals', 'Mute during', 'time interval names, comma separated')}
        ${list('activeTimeIntervals', 'Active only during', 'time interval names, comma separated')}
        <div class="row">
          <button type="button" class="secondary" data-testid="add-child" @click=${this.#addChild}>Add child route</button>
          ${
            isRoot
              ? nothing
              : html`<button type="button" class="secondary danger-text" data-testid="remove-route" @click=${this.#remove}>
                Remove this route
              </button>`
          }
        </div>
        ${
          this.formError
            ? html`<p class="error" role="alert" data-testid="policy-form-error">${this.formError}</p>`
            : nothing
        }
        <div class="row">
          <button type="submit" data-testid="save-policy" ?disabled=${this.saving || !this.dirty}>
            ${this.saving ? 'Saving…' : 'Save policy'}
          </button>
          ${
            this.dirty
              ? html`<button type="button" class="secondary" @click=${() => void this.load()}>Discard changes</button>
                <span class="muted">Unsaved changes</span>`
              : nothing
          }
          ${this.saved ? html`<span class="saved" role="status" data-testid="policy-saved">Saved.</span>` : nothing}
        </div>
      </form>
    </section>`;
  }
}

customElements.define('unity-policy', UnityPolicy);

declare global {
  interface HTMLElementTagNameMap {
    'unity-policy': UnityPolicy;
  }
}
