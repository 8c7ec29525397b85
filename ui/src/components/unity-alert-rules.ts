/**
 * The alert rules page (`/alerts/rules`): every rule with its objects, condition, severity,
 * whether it is enabled and how many of its instances fire now; editors and admins enable,
 * disable, edit and delete rules, and start new ones blank or from a built-in template in the
 * rule editor. Viewers read.
 * @module
 */
import type { AlertRule, AlertRuleSpecInput, AlertRuleTemplate, Me } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { rulesApi } from '../api/notify-client.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';
import type { UnityConfirm } from './unity-confirm.js';
import './unity-confirm.js';
import './unity-rule-editor.js';

type Editing = { id: string | null; rule: AlertRuleSpecInput };

/** A stored rule without its id and times: what PUT takes. */
function specOf(rule: AlertRule): AlertRuleSpecInput {
  const { id: _id, createdAt: _c, updatedAt: _u, ...spec } = rule;
  return spec;
}

function conditionText(rule: AlertRule): string {
  const c = rule.condition;
  switch (c.kind) {
    case 'threshold':
      return `${c.aggregation} ${c.metric} ${c.op} ${c.threshold}`;
    case 'status':
      return `status ${c.status}`;
    case 'absence':
      return `no data for ${c.afterSec} s`;
    case 'rate_of_change':
      return `${c.metric} change ${c.op} ${c.percent} %`;
    case 'anomaly':
      return `${c.metric} anomaly`;
    case 'log_pattern':
      return `log lines matching /${c.pattern}/ ≥ ${c.threshold} in ${c.windowSec} s`;
    case 'composite':
      return `${c.op} of ${c.conditions.length} conditions`;
    default:
      return (c as { kind: string }).kind;
  }
}

export class UnityAlertRules extends LitElement {
  static override properties = {
    me: { state: true },
    rules: { state: true },
    firing: { state: true },
    templates: { state: true },
    templateId: { state: true },
    editing: { state: true },
    busy: { state: true },
    error: { state: true },
  };
  declare me: Me | null;
  declare rules: AlertRule[] | null;
  /** Firing instances per rule id. */
  declare firing: ReadonlyMap<string, number>;
  declare templates: AlertRuleTemplate[];
  declare templateId: string;
  declare editing: Editing | null;
  /** The rule with a change in flight. */
  declare busy: string | null;
  declare error: string;

  constructor() {
    super();
    this.me = null;
    this.rules = null;
    this.firing = new Map();
    this.templates = [];
    this.templateId = '';
    this.editing = null;
    this.busy = null;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    formStyles,
    css`
      .new {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: var(--u-space-2);
        margin-bottom: var(--u-space-4);
      }
      .new label {
        min-width: 16rem;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void api.me().then((me) => {
      this.me = me.ok ? me.value : null;
    });
    void rulesApi.templates().then((res) => {
      if (!res.ok) return;
      this.templates = res.value;
      this.templateId ||= res.value[0]?.id ?? '';
    });
    void this.#load();
  }

  get #canWrite(): boolean {
    return this.me?.permissions?.includes('alerts:write') ?? false;
  }

  async #load(): Promise<void> {
    const [rules, alerts] = await Promise.all([rulesApi.rules(), rulesApi.alerts()]);
    if (!rules.ok) {
      this.error = rules.error.message;
      return;
    }
    this.error = '';
    this.rules = rules.value;
    if (alerts.ok) {
      const counts = new Map<string, number>();
      for (const a of alerts.value)
        if (a.state === 'firing') counts.set(a.ruleId, (counts.get(a.ruleId) ?? 0) + 1);
      this.firing = counts;
    }
  }

  #fromTemplate(): void {
    const t = this.templates.find((x) => x.id === this.templateId);
    if (t) this.editing = { id: null, rule: structuredClone(t.rule) };
  }

  #blank(): void {
    this.editing = {
      id: null,
      rule: {
        name: '',
        selector: { object: 'container', matchers: [] },
        condition: { kind: 'status', status: 'stopped' },
      },
    };
  }

  async #toggle(rule: AlertRule): Promise<void> {
    this.busy = rule.id;
    const res = await rulesApi.updateRule(rule.id, { ...specOf(rule), enabled: !rule.enabled });
    this.busy = null;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    await this.#load();
  }

  async #delete(rule: AlertRule): Promise<void> {
    const confirm = this.renderRoot.querySelector<UnityConfirm>('unity-confirm');
    if (!(await confirm?.ask(`Delete ${rule.name}?`, 'Its alerts resolve at the next evaluation.'))) return;
    this.busy = rule.id;
    const res = await rulesApi.deleteRule(rule.id);
    this.busy = null;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    await this.#load();
  }

  async #saved(): Promise<void> {
    this.editing = null;
    await this.#load();
  }

  override render() {
    return html`<div class="page-head"><h1>Alert rules</h1></div>
      ${this.#canWrite && !this.editing ? this.#newControls() : null}
      ${
        this.editing
          ? html`<unity-rule-editor
            .rule=${this.editing.rule}
            .ruleId=${this.editing.id}
            @rule-saved=${() => void this.#saved()}
            @form-cancel=${() => (this.editing = null)}
          ></unity-rule-editor>`
          : null
      }
      ${this.error ? html`<p class="error" role="alert" data-testid="rules-error">${this.error}</p>` : null}
      ${this.#table()}
      <unity-confirm></unity-confirm>`;
  }

  #newControls() {
    const t = this.templates.find((x) => x.id === this.templateId);
    return html`<div class="new" data-testid="new-rule">
      <label
        >Template
        <select name="template" @change=${(e: Event) => (this.templateId = (e.target as HTMLSelectElement).value)}>
          ${this.templates.map(
            (x) => html`<option value=${x.id} ?selected=${x.id === this.templateId}>${x.name}</option>`,
          )}
        </select>
      </label>
      <button type="button" data-testid="from-template" ?disabled=${!t} @click=${this.#fromTemplate}>
        New rule from template
      </button>
      <button type="button" class="secondary" @click=${this.#blank}>New blank rule</button>
      ${t ? html`<p class="muted" style="flex-basis:100%;margin:0">${t.description}</p>` : null}
    </div>`;
  }

  #table() {
    if (this.rules === null) return html`<p class="muted">Loading…</p>`;
    if (this.rules.length === 0)
      return html`<p class="muted" data-testid="rules-empty">No alert rules yet.</p>`;
    return html`<div class="table-wrap">
      <table data-testid="rules">
        <thead>
          <tr>
            <th>Name</th>
            <th>Objects</th>
            <th>Condition</th>
            <th>Severity</th>
            <th>Enabled</th>
            <th class="num">Firing</th>
            ${this.#canWrite ? html`<th><span class="visually-hidden">Actions</span></th>` : null}
          </tr>
        </thead>
        <tbody>
          ${this.rules.map((r) => this.#row(r))}
        </tbody>
      </table>
    </div>`;
  }

  #row(r: AlertRule) {
    const matchers = r.selector.matchers.map((m) => `${m.label}${m.op}"${m.value}"`).join(', ');
    const firing = this.firing.get(r.id) ?? 0;
    return html`<tr data-testid="rule" data-name=${r.name}>
      <td>${r.name}</td>
      <td>${r.selector.object === 'series' ? `series ${r.selector.metric ?? ''}` : r.selector.object.startsWith('k8s_') ? `Kubernetes ${r.selector.object.slice(4)}s` : `${r.selector.object}s`}${matchers ? html` <span class="mono muted">{${matchers}}</span>` : ''}</td>
      <td>${conditionText(r)}${r.for ? html` <span class="muted">for ${r.for} s</span>` : null}</td>
      <td>
        <unity-badge tone=${r.severity === 'critical' ? 'bad' : r.severity === 'warning' ? 'warn' : 'neutral'}
          >${r.severity}</unity-badge
        >
      </td>
      <td data-testid="rule-enabled">${r.enabled ? 'yes' : 'no'}</td>
      <td class="num ${firing ? 'bad-text' : ''}" data-testid="rule-firing">${firing}</td>
      ${
        this.#canWrite
          ? html`<td>
            <div class="row">
              <button
                type="button"
                class="secondary small"
                ?disabled=${this.busy === r.id}
                @click=${() => (this.editing = { id: r.id, rule: specOf(r) })}
              >
                Edit
              </button>
              <button
                type="button"
                class="secondary small"
                data-testid="toggle-rule"
                ?disabled=${this.busy === r.id}
                @click=${() => void this.#toggle(r)}
              >
                ${r.enabled ? 'Disable' : 'Enable'}
              </button>
              <button
                type="button"
                class="secondary small danger-text"
                ?disabled=${this.busy === r.id}
                @click=${() => void this.#delete(r)}
              >
                Delete
              </button>
            </div>
          </td>`
          : null
      }
    </tr>`;
  }
}

customElements.define('unity-alert-rules', UnityAlertRules);

declare global {
  interface HTMLElementTagNameMap {
    'unity-alert-rules': UnityAlertRules;
  }
}
