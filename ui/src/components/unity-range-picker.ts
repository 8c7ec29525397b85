/**
 * The time-range picker above charts: a group of toggle buttons, firing `range-change`.
 * @module
 */
import { css, html, LitElement } from 'lit';

/** Chart ranges and their length in ms. */
export const RANGES = { '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const;
export type RangeKey = keyof typeof RANGES;

export class UnityRangePicker extends LitElement {
  static override properties = { value: {} };
  declare value: RangeKey;

  constructor() {
    super();
    this.value = '1h';
  }

  static override styles = css`
    :host {
      display: inline-flex;
      border: 1px solid var(--u-border);
      border-radius: var(--u-radius-sm);
      overflow: hidden;
      background: var(--u-surface);
    }
    button {
      font: inherit;
      font-size: var(--u-text-sm);
      font-weight: 600;
      min-width: 3rem;
      min-height: 2.25rem;
      border: 0;
      border-left: 1px solid var(--u-border);
      background: transparent;
      color: var(--u-text);
      cursor: pointer;
    }
    button:first-child {
      border-left: 0;
    }
    button[aria-pressed='true'] {
      background: var(--u-accent);
      color: var(--u-accent-text);
    }
    button:focus-visible {
      outline: 2px solid var(--u-focus);
      outline-offset: -2px;
    }
  `;

  override render() {
    return html`${(Object.keys(RANGES) as RangeKey[]).map(
      (key) =>
        html`<button type="button" aria-pressed=${key === this.value ? 'true' : 'false'} @click=${() => this.#pick(key)}>
            ${key}
          </button>`,
    )}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('role', 'group');
    if (!this.hasAttribute('aria-label')) this.setAttribute('aria-label', 'Time range');
  }

  #pick(key: RangeKey): void {
    if (key === this.value) return;
    this.value = key;
    this.dispatchEvent(
      new CustomEvent<RangeKey>('range-change', { detail: key, bubbles: true, composed: true }),
    );
  }
}

customElements.define('unity-range-picker', UnityRangePicker);

declare global {
  interface HTMLElementTagNameMap {
    'unity-range-picker': UnityRangePicker;
  }
}
