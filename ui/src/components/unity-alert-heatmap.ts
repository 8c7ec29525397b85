/**
 * The hour × weekday heatmap of alert firings: a table (a row per weekday, Monday first, a
 * column per hour), so every figure is text a screen reader and a test can read. The shade is
 * one of five classes (never an inline style, which the hub's CSP forbids), scaled to the
 * busiest cell.
 * @module
 */
import type { AlertHeatmap } from '@unity/shared';
import { css, html, LitElement } from 'lit';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const pad = (h: number) => String(h).padStart(2, '0');

/** 0 for none, else 1–4 by the share of the busiest cell. */
export const heatLevel = (n: number, max: number) =>
  n <= 0 || max <= 0 ? 0 : Math.max(1, Math.ceil((n / max) * 4));

export class UnityAlertHeatmap extends LitElement {
  static override properties = { data: { attribute: false } };
  declare data: AlertHeatmap | null;

  constructor() {
    super();
    this.data = null;
  }

  static override styles = css`
    :host {
      display: block;
      overflow-x: auto;
    }
    table {
      border-collapse: separate;
      border-spacing: 2px;
      font-size: var(--u-text-sm);
    }
    th {
      color: var(--u-text-muted);
      font-weight: 600;
      text-align: right;
      padding-right: var(--u-space-2);
    }
    thead th {
      text-align: center;
      padding: 0;
      font-size: 0.75em;
    }
    td {
      width: 1.6rem;
      height: 1.6rem;
      text-align: center;
      border-radius: 3px;
      font-variant-numeric: tabular-nums;
      background: var(--u-neutral-bg);
      color: var(--u-text);
    }
    td.l0 {
      color: transparent;
    }
    td.l1 {
      background: color-mix(in srgb, var(--u-bad) 25%, var(--u-surface));
    }
    td.l2 {
      background: color-mix(in srgb, var(--u-bad) 50%, var(--u-surface));
    }
    td.l3 {
      background: color-mix(in srgb, var(--u-bad) 75%, var(--u-surface));
      color: #fff;
    }
    td.l4 {
      background: var(--u-bad);
      color: #fff;
    }
  `;

  override render() {
    const d = this.data;
    if (!d) return null;
    return html`<table aria-label="Firings by weekday and hour (${d.tz})" data-testid="heatmap">
      <thead>
        <tr>
          <td class="l0"></td>
          ${d.cells[0]?.map((_, h) => html`<th scope="col">${h % 3 === 0 ? pad(h) : ''}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${d.cells.map(
          (line, day) => html`<tr>
            <th scope="row">${WEEKDAYS[day]?.slice(0, 3)}</th>
            ${line.map((n, h) => {
              const text = `${WEEKDAYS[day]} ${pad(h)}:00–${pad(h + 1)}:00: ${n} firing${n === 1 ? '' : 's'}`;
              return html`<td
                class="l${heatLevel(n, d.max)}"
                data-day=${day}
                data-hour=${h}
                title=${text}
                aria-label=${text}
              >
                ${n}
              </td>`;
            })}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

customElements.define('unity-alert-heatmap', UnityAlertHeatmap);

declare global {
  interface HTMLElementTagNameMap {
    'unity-alert-heatmap': UnityAlertHeatmap;
  }
}
