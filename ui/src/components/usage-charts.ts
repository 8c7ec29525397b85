/**
 * The "Usage" section of the host and container pages: a heading with the range picker over a
 * grid of chart cards. A render helper rather than a component, so the cards stay in the page's
 * shadow root and take its `surfaces` styles (`.section-head`, `.charts`, `.card`).
 * @module
 */
import { html } from 'lit';
import type { SeriesController } from './series-controller.js';
import type { ChartSeries } from './unity-chart.js';
import './unity-chart.js';
import type { RangeKey } from './unity-range-picker.js';
import './unity-range-picker.js';

/** One chart card; the page declares these, the section draws them. */
export type ChartSpec = {
  /** The card's heading, e.g. "CPU". */
  title: string;
  /** The chart's accessible name, completed with the range: "CPU usage" → "CPU usage, last 1h". */
  label: string;
  series: ChartSeries[];
  format: (value: number) => string;
  /** Byte values: ticks on powers of two. */
  binary?: boolean;
  /** The y axis extends at least this far. */
  yMax?: number | undefined;
};

/** The range picker drives `series`; every chart shares its sample times and window. */
export function usageCharts(series: SeriesController<{ t: number }>, charts: ChartSpec[]) {
  const { range, span } = series;
  const times = series.column('t');
  return html`<section aria-labelledby="charts-title">
    <div class="section-head">
      <h2 id="charts-title">Usage</h2>
      <unity-range-picker
        .value=${range}
        @range-change=${(e: CustomEvent<RangeKey>) => void series.setRange(e.detail)}
      ></unity-range-picker>
    </div>
    <div class="charts">
      ${charts.map(
        (c) => html`<div class="card">
          <h3>${c.title}</h3>
          <unity-chart
            label="${c.label}, last ${range}"
            .times=${times}
            .span=${span}
            .series=${c.series}
            .format=${c.format}
            ?binary=${c.binary ?? false}
            .yMax=${c.yMax}
          ></unity-chart>
        </div>`,
      )}
    </div>
  </section>`;
}
