/**
 * "IP rules" (admins): allow and deny lists of addresses for people (the web UI and the API)
 * and, separately, for agents. The lists from the hub's environment are shown read-only (they
 * always apply and win); the admin-managed rules are edited as a draft and saved as a whole,
 * and the hub refuses a set that would lock the admin's own address out, with its reason shown.
 * @module
 */
import type { IpRuleAction, IpRuleInput, IpRulesView, IpRuleTarget } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { securityApi } from '../api/security-client.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

type Draft = { target: IpRuleTarget; action: IpRuleAction; cidr: string; note: string };

const TARGET_TEXT: Record<IpRuleTarget, string> = { ui: 'People (UI and API)', agent: 'Agents' };
const keyOf = (r: Draft) => `${r.target} ${r.action} ${r.cidr}`;

export class UnityIpRules extends LitElement {
  static override properties = {
    view: { state: true },
    draft: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
  };
  /** null while loading. */
  declare view: IpRulesView | null;
  declare draft: Draft[];
  declare error: string;
  declare notice: string;
  declare busy: boolean;

  constructor() {
    super();
    this.view = null;
    this.draft = [];
    this.error = '';
    this.notice = '';
    this.busy = false;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    formStyles,
    css`
      .env li {
        font-family: var(--u-font-mono);
      }
      .row {
        display: flex;
        gap: var(--u-space-3);
        flex-wrap: wrap;
        align-items: end;
        margin-top: var(--u-space-3);
      }
      .row label {
        display: grid;
        gap: var(--u-space-1);
      }
      td.mono {
        font-family: var(--u-font-mono);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const res = await securityApi.ipRules();
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.#show(res.value);
  }

  #show(view: IpRulesView): void {
    this.view = view;
    this.draft = view.rules.map(({ target, action, cidr, note }) => ({ target, action, cidr, note }));
  }

  get #dirty(): boolean {
    const saved = (this.view?.rules ?? []).map((r) => `${keyOf(r)} ${r.note}`).sort();
    const now = this.draft.map((r) => `${keyOf(r)} ${r.note}`).sort();
    return saved.join('\n') !== now.join('\n');
  }

  #add(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const rule: Draft = {
      target: data.get('target') === 'agent' ? 'agent' : 'ui',
      action: data.get('action') === 'allow' ? 'allow' : 'deny',
      cidr: String(data.get('cidr') ?? '').trim(),
      note: String(data.get('note') ?? '').trim(),
    };
    if (!rule.cidr) {
      this.error = 'Enter an address or a range, like 203.0.113.0/24 or fd00::/8.';
      return;
    }
    if (this.draft.some((r) => keyOf(r) === keyOf(rule))) {
      this.error = `${rule.action} ${rule.cidr} is already in the list.`;
      return;
    }
    this.error = '';
    this.notice = '';
    this.draft = [...this.draft, rule];
    form.reset();
  }

  #remove(index: number): void {
    this.notice = '';
    this.draft = this.draft.filter((_, i) => i !== index);
  }

  async #save(): Promise<void> {
    this.busy = true;
    const rules: IpRuleInput[] = this.draft;
    const res = await securityApi.saveIpRules(rules);
    this.busy = false;
    if (!res.ok) {
      // The hub names the bad entry (rules.2.cidr: …) or why the set would lock you out.
      this.error = res.error.message;
      this.notice = '';
      return;
    }
    this.error = '';
    this.notice = 'Saved. The rules apply now, on every hub within a few seconds.';
    this.#show(res.value);
  }

  #envList(target: IpRuleTarget) {
    const env = this.view?.env[target];
    const entries = [
      ...(env?.allow ?? []).map((c) => ['allow', c] as const),
      ...(env?.deny ?? []).map((c) => ['deny', c] as const),
    ];
    if (entries.length === 0) return html`<p class="muted">${TARGET_TEXT[target]}: none.</p>`;
    return html`<p>${TARGET_TEXT[target]}:</p>
      <ul class="env" data-testid="env-${target}">
        ${entries.map(([action, cidr]) => html`<li>${action} ${cidr}</li>`)}
      </ul>`;
  }

  override render() {
    if (this.view === null)
      return html`<h1>IP rules</h1>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p class="muted">Loading…</p>`}`;
    return html`<h1>IP rules</h1>
      <p class="muted">
        Which addresses may reach this hub: people (the web UI and the API) and agents (enrollment and
        connections) have separate lists. A deny rule always wins; an empty allow list lets every address in.
        Your address, as the hub sees it: <strong data-testid="your-ip">${this.view.yourIp ?? 'unknown'}</strong>.
      </p>
      ${this.error ? html`<p class="error" role="alert" data-testid="ip-rules-error">${this.error}</p>` : null}
      ${this.notice ? html`<p role="status" data-testid="ip-rules-notice">${this.notice}</p>` : null}

      <section class="card">
        <h2>Set in the hub's environment</h2>
        <p class="muted">
          From UNITY_UI_ALLOW, UNITY_UI_DENY, UNITY_AGENT_ALLOW and UNITY_AGENT_DENY. These always apply, before the
          rules below, and cannot be changed or removed here: rules below can only narrow what they allow.
        </p>
        ${this.#envList('ui')} ${this.#envList('agent')}
      </section>

      <section class="card">
        <h2>Managed here</h2>
        ${
          this.draft.length === 0
            ? html`<p class="muted" data-testid="no-rules">No rules: only the environment's lists apply.</p>`
            : html`<div class="table-wrap">
                <table data-testid="ip-rules">
                  <thead>
                    <tr>
                      <th>For</th>
                      <th>Rule</th>
                      <th>Address or range</th>
                      <th>Note</th>
                      <th></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${this.draft.map(
                      (r, i) =>
                        html`<tr data-testid="ip-rule">
                          <td>${TARGET_TEXT[r.target]}</td>
                          <td>
                            <unity-badge tone=${r.action === 'deny' ? 'bad' : 'ok'}>${r.action}</unity-badge>
                          </td>
                          <td class="mono">${r.cidr}</td>
                          <td>${r.note}</td>
                          <td>
                            <button type="button" class="secondary" data-testid="remove-rule" @click=${() => this.#remove(i)}>
                              Remove
                            </button>
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
        <form class="row" data-testid="add-rule" @submit=${(e: SubmitEvent) => this.#add(e)}>
          <label
            >For
            <select name="target">
              <option value="ui">${TARGET_TEXT.ui}</option>
              <option value="agent">${TARGET_TEXT.agent}</option>
            </select></label
          >
          <label
            >Rule
            <select name="action">
              <option value="deny">deny</option>
              <option value="allow">allow</option>
            </select></label
          >
          <label>Address or range <input name="cidr" placeholder="203.0.113.0/24 or fd00::/8" /></label>
          <label>Note <input name="note" maxlength="200" placeholder="optional" /></label>
          <button type="submit" class="secondary">Add to the list</button>
        </form>
        <div class="row">
          <button type="button" data-testid="save-rules" ?disabled=${this.busy || !this.#dirty} @click=${() => void this.#save()}>
            Save changes
          </button>
          <button
            type="button"
            class="secondary"
            ?disabled=${this.busy || !this.#dirty}
            @click=${() => {
              this.error = '';
              if (this.view) this.#show(this.view);
            }}
          >
            Discard changes
          </button>
        </div>
      </section>`;
  }
}

customElements.define('unity-ip-rules', UnityIpRules);
