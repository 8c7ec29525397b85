/**
 * Inhibition rules (a firing source alert mutes matching targets with the same labels; the
 * built-in host-down rule is listed, not editable) and escalation chains (notify step by step
 * until acknowledged). Editors create and delete both; the hub's messages are shown.
 * @module
 */
import {
  type EscalationChain,
  type EscalationStep,
  formatMatcher,
  type InhibitionRule,
  type Matcher,
  type Me,
} from '@unity/shared';
import { css, html, LitElement, nothing } from 'lit';
import { alertRoutingApi } from '../api/alert-routing-client.js';
import { alertsStyles, alertsTabs, canWrite } from './alerts-shared.js';
import { listField } from './policy-tree.js';
import { base, controls, surfaces } from './styles.js';
import './unity-confirm.js';
import './unity-matchers-input.js';

const chips = (ms: Matcher[]) =>
  html`<span class="labels">${ms.map((m) => html`<span class="label">${formatMatcher(m)}</span>`)}</span>`;

export class UnityInhibition extends LitElement {
  static override properties = {
    me: { attribute: false },
    rules: { state: true },
    chains: { state: true },
    source: { state: true },
    target: { state: true },
    steps: { state: true },
    error: { state: true },
    ruleError: { state: true },
    chainError: { state: true },
  };
  declare me: Me | null;
  declare rules: InhibitionRule[] | null;
  declare chains: EscalationChain[] | null;
  declare source: Matcher[];
  declare target: Matcher[];
  declare steps: EscalationStep[];
  declare error: string;
  declare ruleError: string;
  declare chainError: string;

  constructor() {
    super();
    this.me = null;
    this.rules = null;
    this.chains = null;
    this.source = [{ label: 'alertname', op: '=', value: '' }];
    this.target = [{ label: 'alertname', op: '=', value: '' }];
    this.steps = [{ contactPointId: '', wait: '10m' }];
    this.error = '';
    this.ruleError = '';
    this.chainError = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    alertsStyles,
    css`
      td.wrap {
        white-space: normal;
      }
      .card {
        margin-top: var(--u-space-3);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    const [rules, chains] = await Promise.all([
      alertRoutingApi.inhibitionRules(),
      alertRoutingApi.escalationChains(),
    ]);
    if (rules.ok) this.rules = rules.value.items;
    if (chains.ok) this.chains = chains.value.items;
    const failed = [rules, chains].find((r) => !r.ok);
    this.error = failed && !failed.ok && failed.error.status !== 401 ? failed.error.message : '';
  }

  async #createRule(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const res = await alertRoutingApi.createInhibitionRule({
      name: String(data.get('name') ?? '').trim(),
      sourceMatchers: this.source,
      targetMatchers: this.target,
      equal: listField(String(data.get('equal') ?? '')) ?? [],
    });
    if (!res.ok) {
      this.ruleError = res.error.message;
      return;
    }
    this.ruleError = '';
    form.reset();
    this.source = [{ label: 'alertname', op: '=', value: '' }];
    this.target = [{ label: 'alertname', op: '=', value: '' }];
    await this.load();
  }

  async #createChain(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const res = await alertRoutingApi.createEscalationChain({
      name: String(data.get('name') ?? '').trim(),
      steps: this.steps,
      repeat: Number(data.get('repeat') ?? 0),
    });
    if (!res.ok) {
      this.chainError = res.error.message;
      return;
    }
    this.chainError = '';
    form.reset();
    this.steps = [{ contactPointId: '', wait: '10m' }];
    await this.load();
  }

  async #delete(kind: 'rule' | 'chain', itemId: string, name: string): Promise<void> {
    const ok = await this.renderRoot
      .querySelector('unity-confirm')
      ?.ask(
        `Delete ${name}?`,
        kind === 'rule'
          ? 'Its target alerts will notify again while the source fires.'
          : 'The hub refuses while a route uses this chain.',
      );
    if (!ok) return;
    const res =
      kind === 'rule'
        ? await alertRoutingApi.deleteInhibitionRule(itemId)
        : await alertRoutingApi.deleteEscalationChain(itemId);
    this.error = res.ok ? '' : `Could not delete ${name}: ${res.error.message}`;
    await this.load();
  }

  override render() {
    return html`<div class="page-head"><h1>Inhibition and escalation</h1></div>
      ${alertsTabs('inhibition')}<unity-confirm></unity-confirm>
      ${this.error ? html`<p class="error" role="alert" data-testid="inhibition-error">${this.error}</p>` : null}
      <section>
        <h2>Inhibition rules</h2>
        <p class="muted">While a source alert fires, target alerts with the same values of the "equal" labels send nothing.</p>
        ${this.#rules()} ${canWrite(this.me) ? this.#ruleForm() : nothing}
      </section>
      <section>
        <h2>Escalation chains</h2>
        <p class="muted">Notify each step's contact point in turn while nobody acknowledges; routes can name a chain.</p>
        ${this.#chains()} ${canWrite(this.me) ? this.#chainForm() : nothing}
      </section>`;
  }

  #rules() {
    const rules = this.rules;
    if (rules === null) return html`<p class="muted">Loading…</p>`;
    const write = canWrite(this.me);
    return html`<div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Source</th>
            <th>Target</th>
            <th>Equal</th>
            ${write ? html`<th><span class="visually-hidden">Actions</span></th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${rules.map(
            (r) => html`<tr data-testid="inhibition-rule">
              <td class="wrap">${r.name}${r.builtin ? html` <span class="muted">(built in)</span>` : nothing}</td>
              <td class="wrap">${chips(r.sourceMatchers)}</td>
              <td class="wrap">${chips(r.targetMatchers)}</td>
              <td>${r.equal.join(', ') || '—'}</td>
              ${
                write
                  ? html`<td>
                    ${
                      r.builtin
                        ? nothing
                        : html`<button
                          type="button"
                          class="secondary small danger-text"
                          aria-label="Delete ${r.name}"
                          @click=${() => this.#delete('rule', r.id, r.name)}
                        >
                          Delete
                        </button>`
                    }
                  </td>`
                  : nothing
              }
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  #ruleForm() {
    return html`<div class="card">
      <h3>New inhibition rule</h3>
      <form class="stack" data-testid="inhibition-form" @submit=${this.#createRule}>
        <label>Name<input name="name" required /></label>
        <unity-matchers-input
          legend="Source: a firing alert matching these…"
          .matchers=${this.source}
          @matchers-change=${(e: CustomEvent<Matcher[]>) => (this.source = e.detail)}
        ></unity-matchers-input>
        <unity-matchers-input
          legend="Target: …mutes alerts matching these"
          .matchers=${this.target}
          @matchers-change=${(e: CustomEvent<Matcher[]>) => (this.target = e.detail)}
        ></unity-matchers-input>
        <label>Equal labels <span class="hint">comma separated, e.g. host</span><input name="equal" /></label>
        ${this.ruleError ? html`<p class="error" role="alert">${this.ruleError}</p>` : nothing}
        <div><button type="submit">Create rule</button></div>
      </form>
    </div>`;
  }

  #chains() {
    const chains = this.chains;
    if (chains === null) return html`<p class="muted">Loading…</p>`;
    if (chains.length === 0) return html`<p class="muted">No escalation chains yet.</p>`;
    const write = canWrite(this.me);
    return html`<div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Steps</th>
            <th class="num">Repeats</th>
            ${write ? html`<th><span class="visually-hidden">Actions</span></th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${chains.map(
            (c) => html`<tr data-testid="escalation-chain">
              <td>${c.name}</td>
              <td class="wrap">${c.steps.map((s, i) => html`${i ? ' → ' : ''}${s.contactPointId} (wait ${s.wait})`)}</td>
              <td class="num">${c.repeat}</td>
              ${
                write
                  ? html`<td>
                    <button
                      type="button"
                      class="secondary small danger-text"
                      aria-label="Delete ${c.name}"
                      @click=${() => this.#delete('chain', c.id, c.name)}
                    >
                      Delete
                    </button>
                  </td>`
                  : nothing
              }
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  #setStep(i: number, field: keyof EscalationStep, value: string): void {
    this.steps = this.steps.map((s, j) => (j === i ? { ...s, [field]: value } : s));
  }

  #chainForm() {
    return html`<div class="card">
      <h3>New escalation chain</h3>
      <form class="stack" data-testid="chain-form" @submit=${this.#createChain}>
        <label>Name<input name="name" required /></label>
        ${this.steps.map(
          (s, i) => html`<div class="row">
            <label
              >Step ${i + 1}: contact point
              <input
                .value=${s.contactPointId}
                required
                @input=${(e: Event) => this.#setStep(i, 'contactPointId', (e.target as HTMLInputElement).value)}
            /></label>
            <label
              >then wait
              <input .value=${s.wait} @input=${(e: Event) => this.#setStep(i, 'wait', (e.target as HTMLInputElement).value)}
            /></label>
            ${
              this.steps.length > 1
                ? html`<button
                  type="button"
                  class="secondary small danger-text"
                  aria-label="Remove step ${i + 1}"
                  @click=${() => (this.steps = this.steps.filter((_, j) => j !== i))}
                >
                  Remove
                </button>`
                : nothing
            }
          </div>`,
        )}
        <div>
          <button
            type="button"
            class="secondary small"
            @click=${() => (this.steps = [...this.steps, { contactPointId: '', wait: '10m' }])}
          >
            Add step
          </button>
        </div>
        <label>Repeat the steps <span class="hint">extra rounds after the first</span
          ><input name="repeat" type="number" min="0" max="20" value="0"
        /></label>
        ${this.chainError ? html`<p class="error" role="alert">${this.chainError}</p>` : nothing}
        <div><button type="submit">Create chain</button></div>
      </form>
    </div>`;
  }
}

customElements.define('unity-inhibition', UnityInhibition);

declare global {
  interface HTMLElementTagNameMap {
    'unity-inhibition': UnityInhibition;
  }
}
