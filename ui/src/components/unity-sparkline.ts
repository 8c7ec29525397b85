/**
 * A tiny latency sparkline: an inline SVG polyline of the values, failed runs as red dots. No
 * axes; the numbers are in the table beside it.
 * @module
 */
import { css, LitElement, svg } from 'lit';

export class UnitySparkline extends LitElement {
  static override properties = { values: { attribute: false }, failed: { attribute: false }, label: {} };
  /** Oldest first; null where a run failed without a latency. */
  declare values: (number | null)[];
  /** Indexes of failed runs. */
  declare failed: number[];
  declare label: string;

  constructor() {
    super();
    this.values = [];
    this.failed = [];
    this.label = '';
  }

  static override styles = css`
    :host {
      display: inline-block;
      width: 120px;
      height: 28px;
    }
    svg {
      width: 100%;
      height: 100%;
    }
    polyline {
      fill: none;
      stroke: var(--u-chart-1, currentColor);
      stroke-width: 1.5;
    }
    circle {
      fill: var(--u-bad, red);
    }
  `;

  override render() {
    const w = 120;
    const h = 28;
    const n = this.values.length;
    const nums = this.values.filter((v): v is number => v !== null);
    const max = Math.max(1, ...nums);
    const x = (i: number) => (n <= 1 ? w / 2 : (i / (n - 1)) * (w - 4) + 2);
    const y = (v: number) => h - 2 - (v / max) * (h - 4);
    const points = this.values
      .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
      .filter(Boolean)
      .join(' ');
    return svg`<svg viewBox="0 0 ${w} ${h}" role="img" aria-label=${this.label}>
      <polyline points=${points}></polyline>
      ${this.failed.map((i) => svg`<circle cx=${x(i)} cy=${h - 3} r="2"></circle>`)}
    </svg>`;
  }
}

customElements.define('unity-sparkline', UnitySparkline);

declare global {
  interface HTMLElementTagNameMap {
    'unity-sparkline': UnitySparkline;
  }
}
