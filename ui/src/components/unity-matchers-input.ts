/**
 * An editable list of label matchers (name, operator, value), used by the silence form and the
 * policy editor. It edits a copy and fires `matchers-change` with the whole list after every
 * keystroke; checking the values is the hub's job (its message is shown by the form).
 * @module
 */
import { type Matcher, MatchOpSchema } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { alertsStyles } from './alerts-shared.js';
import { base, controls } from './styles.js';

const OP_LABELS: Record<Matcher['op'], string> = {
  '=': '= equals',
  '!=': '!= differs',
  '=~': '=~ matches regex',
  '!~': '!~ does not match regex',
};

export class UnityMatchersInput extends LitElement {
  static override properties = {
    matchers: { attribute: false },
    legend: { type: String },
  };
  declare matchers: Matcher[];
  declare legend: string;

  constructor() {
    super();
    this.matchers = [];
    this.legend = 'Matchers';
  }

  static override styles = [
    base,
    controls,
    alertsStyles,
    css`
      fieldset {
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius-sm);
        padding: var(--u-space-3);
        display: grid;
        gap: var(--u-space-2);
        margin: 0;
      }
      legend {
        font-weight: 600;
        font-size: var(--u-text-sm);
      }
    `,
  ];

  #set(next: Matcher[]): void {
    this.matchers = next;
    this.dispatchEvent(new CustomEvent('matchers-change', { detail: next, bubbles: true, composed: true }));
  }

  #edit(i: number, field: keyof Matcher, value: string): void {
    this.#set(this.matchers.map((m, j) => (j === i ? ({ ...m, [field]: value } as Matcher) : m)));
  }

  override render() {
    return html`<fieldset data-testid="matchers">
      <legend>${this.legend}</legend>
      ${this.matchers.length === 0 ? html`<p class="muted">None: matches every alert.</p>` : null}
      ${this.matchers.map(
        (m, i) => html`<div class="row" data-testid="matcher-row">
          <label
            >Label
            <input
              name="matcher-label"
              .value=${m.label}
              placeholder="alertname"
              @input=${(e: Event) => this.#edit(i, 'label', (e.target as HTMLInputElement).value)}
          /></label>
          <label
            >Operator
            <select
              name="matcher-op"
              @change=${(e: Event) => this.#edit(i, 'op', (e.target as HTMLSelectElement).value)}
            >
              ${MatchOpSchema.options.map(
                (op) => html`<option value=${op} ?selected=${m.op === op}>${OP_LABELS[op]}</option>`,
              )}
            </select></label
          >
          <label
            >Value
            <input
              name="matcher-value"
              .value=${m.value}
              @input=${(e: Event) => this.#edit(i, 'value', (e.target as HTMLInputElement).value)}
          /></label>
          <button
            type="button"
            class="secondary small danger-text"
            aria-label="Remove matcher ${i + 1}"
            @click=${() => this.#set(this.matchers.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>`,
      )}
      <div>
        <button
          type="button"
          class="secondary small"
          data-testid="add-matcher"
          @click=${() => this.#set([...this.matchers, { label: '', op: '=', value: '' }])}
        >
          Add matcher
        </button>
      </div>
    </fieldset>`;
  }
}

customElements.define('unity-matchers-input', UnityMatchersInput);

declare global {
  interface HTMLElementTagNameMap {
    'unity-matchers-input': UnityMatchersInput;
  }
}
