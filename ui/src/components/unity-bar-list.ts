/**
 * A horizontal bar chart of labelled counts (the noisiest alert rules): one row per item with
 * its name, a bar scaled to the largest count, and the figure as text. Bar widths are set
 * through the CSSOM after render, as unity-meter does: an inline style attribute is blocked by
 * the hub's `default-src 'self'` policy.
 * @module
 */
import { css, html, LitElement } from 'lit';

export type Bar = { label: string; value: number; detail?: string };

export class UnityBarList extends LitElement {
  static override properties = { items: { attribute: false }, label: {} };
  declare items: Bar[];
  declare label: string;

  constructor() {
    super();
    this.items = [];
    this.label = '';
  }

  static override styles = css`
    :host {
      display: block;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--u-space-2);
    }
    li {
      display: grid;
      grid-template-columns: minmax(8rem, 14rem) 1fr auto;
      gap: var(--u-space-3);
      align-items: center;
      font-size: var(--u-text-sm);
    }
    .name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .track {
      display: block;
      height: 0.9rem;
      border-radius: 3px;
      background: var(--u-neutral-bg);
      overflow: hidden;
    }
    .fill {
      display: block;
      height: 100%;
      width: 0;
      background: var(--u-chart-1);
    }
    .value {
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
  `;

  override render() {
    return html`<ol aria-label=${this.label}>
      ${this.items.map(
        (b) => html`<li data-testid="bar">
          <span class="name" title=${b.label} data-testid="bar-label">${b.label}</span>
          <span class="track" aria-hidden="true"><span class="fill"></span></span>
          <span class="value" data-testid="bar-value">${b.value}${b.detail ? html` <span class="muted">${b.detail}</span>` : null}</span>
        </li>`,
      )}
    </ol>`;
  }

  protected override updated(): void {
    const max = Math.max(1, ...this.items.map((b) => b.value));
    this.renderRoot.querySelectorAll<HTMLElement>('.fill').forEach((el, i) => {
      el.style.setProperty('width', `${((this.items[i]?.value ?? 0) / max) * 100}%`);
    });
  }
}

customElements.define('unity-bar-list', UnityBarList);

declare global {
  interface HTMLElementTagNameMap {
    'unity-bar-list': UnityBarList;
  }
}
