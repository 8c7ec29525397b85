/**
 * A horizontal usage bar (memory used of total). Exposed to assistive technology as a meter;
 * the width is set through the CSSOM after render: a `style` attribute (even styleMap's first
 * render) is inline style, which the hub's `default-src 'self'` policy blocks.
 * @module
 */
import { css, html, LitElement } from 'lit';

export class UnityMeter extends LitElement {
  static override properties = { value: { type: Number }, label: {} };
  /** Percent, 0–100, or null when unknown. */
  declare value: number | null;
  declare label: string;

  constructor() {
    super();
    this.value = null;
    this.label = '';
  }

  static override styles = css`
    :host {
      display: block;
    }
    .track {
      height: 6px;
      border-radius: 3px;
      background: var(--u-neutral-bg);
      overflow: hidden;
    }
    .fill {
      height: 100%;
      background: var(--u-chart-1);
      transition: width 0.4s ease;
    }
    .fill.high {
      background: var(--u-warn);
    }
    .fill.full {
      background: var(--u-bad);
    }
  `;

  override render() {
    const v = this.value ?? 0;
    const cls = v >= 90 ? 'fill full' : v >= 75 ? 'fill high' : 'fill';
    return html`<div
      class="track"
      role="meter"
      aria-label=${this.label}
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${Math.round(v)}
    >
      <div class=${cls}></div>
    </div>`;
  }

  protected override updated(): void {
    this.renderRoot.querySelector<HTMLElement>('.fill')?.style.setProperty('width', `${this.value ?? 0}%`);
  }
}

customElements.define('unity-meter', UnityMeter);

declare global {
  interface HTMLElementTagNameMap {
    'unity-meter': UnityMeter;
  }
}
